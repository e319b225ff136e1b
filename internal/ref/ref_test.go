package ref

import (
	"reflect"
	"testing"
)

func TestContainsAndFindAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		refs []string
	}{
		{"", nil},
		{"not-a-ref", nil},
		{"ref+", nil},
		{"ref+awsssm:///prod/db/password", []string{"awsssm:///prod/db/password"}},
		{"ref+vault://secret/data/api#token", []string{"vault://secret/data/api#token"}},
		{"a ref+echo://xx+ b ref+echo://yy", []string{"echo://xx", "echo://yy"}},
		{"ref+echo://x", nil}, // vals needs two characters after "://"
		// As in vals, a reference runs on to the next "+", space or newline.
		{`{"k":"ref+echo://xy"}`, []string{`echo://xy"}`}},
		{`"ref+echo://xy", 1`, []string{`echo://xy`}},
		{"secretref+file://a.yaml#/k", []string{"file://a.yaml#/k"}},
		{"ref+echo://aa\nref+echo://bb", []string{"echo://aa", "echo://bb"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got, want := Contains(tt.in), len(tt.refs) > 0; got != want {
				t.Errorf("Contains = %v, want %v", got, want)
			}
			var got []string
			for _, s := range FindAll(tt.in) {
				got = append(got, s.Ref)
				if tt.in[s.Start:s.Start+3] != "ref" && tt.in[s.Start:s.Start+6] != "secret" {
					t.Errorf("span %v does not start at the prefix", s)
				}
			}
			if !reflect.DeepEqual(got, tt.refs) {
				t.Errorf("FindAll = %q, want %q", got, tt.refs)
			}
		})
	}
}

func TestSafeAndScheme(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, safe, scheme string }{
		{"ref+vault://secret/api?address=http://v:8200&token=t#key", "ref+vault://secret/api#key", "vault"},
		{"vault://secret/api#key?secret_id=s", "vault://secret/api#key", "vault"},
		{"ref+awsssm:///prod/db", "ref+awsssm:///prod/db", "awsssm"},
		{"secretref+file://x", "secretref+file://x", "file"},
		{"plain", "plain", ""},
	}
	for _, tt := range tests {
		if got := Safe(tt.in); got != tt.safe {
			t.Errorf("Safe(%q) = %q, want %q", tt.in, got, tt.safe)
		}
		if got := Scheme(tt.in); got != tt.scheme {
			t.Errorf("Scheme(%q) = %q, want %q", tt.in, got, tt.scheme)
		}
	}
}
