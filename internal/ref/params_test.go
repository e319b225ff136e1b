package ref

import "testing"

func TestParamsStart(t *testing.T) {
	t.Parallel()
	for r, want := range map[string]int{
		"ref+vault://secret/data/app#token":               len("ref+vault://secret/data/app"),
		"ref+vault://secret/data/app?address=http://v#t":  len("ref+vault://secret/data/app"),
		"vault://a#b?token_env=X":                         len("vault://a"),
		"ref+echo://plain":                                len("ref+echo://plain"),
		"ref+awsssm:///prod/db/password?region=eu-west-1": len("ref+awsssm:///prod/db/password"),
	} {
		if got := ParamsStart(r); got != want {
			t.Errorf("ParamsStart(%q) = %d, want %d", r, got, want)
		}
	}
}
