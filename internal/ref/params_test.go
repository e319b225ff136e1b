package ref

import "testing"

func TestQueryStart(t *testing.T) {
	t.Parallel()
	for r, want := range map[string]int{
		"ref+vault://secret/data/app#token":               len("ref+vault://secret/data/app#token"),
		"ref+vault://secret/data/app?address=http://v#t":  len("ref+vault://secret/data/app"),
		"vault://a#b?token_env=X":                         len("vault://a#b"),
		"ref+echo://plain":                                len("ref+echo://plain"),
		"ref+awsssm:///prod/db/password?region=eu-west-1": len("ref+awsssm:///prod/db/password"),
	} {
		if got := QueryStart(r); got != want {
			t.Errorf("QueryStart(%q) = %d, want %d", r, got, want)
		}
	}
}
