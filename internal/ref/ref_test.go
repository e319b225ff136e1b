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

func TestSchemeOfSchemesThatLookLikePrefixes(t *testing.T) {
	t.Parallel()
	// A scheme may start with "secret" or "ref": only a real prefix is cut.
	tests := []struct{ in, scheme string }{
		{"secretstore://xy", "secretstore"},
		{"ref+secretstore://xy", "secretstore"},
		{"secretref+secretstore://xy", "secretstore"},
		{"refs://xy", "refs"},
	}
	for _, tt := range tests {
		if got := Scheme(tt.in); got != tt.scheme {
			t.Errorf("Scheme(%q) = %q, want %q", tt.in, got, tt.scheme)
		}
	}
	for _, sp := range FindAll("ref+secretstore://xy") {
		if got := sp.Scheme(); got != "secretstore" {
			t.Errorf("Span.Scheme = %q, want secretstore", got)
		}
	}
}

func TestSafeDropsUserinfo(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, safe string }{
		{"ref+httpjson://deploy:PASSWORD@host/v1/x#/k", "ref+httpjson://host/v1/x#/k"},
		{"ref+httpjson://deploy:P%40SS@host", "ref+httpjson://host"},
		{"ref+httpjson://u:p@host/x?api_key=Hunter2%2BXyz9", "ref+httpjson://host/x"},
		{"ref+echo://a/b@c", "ref+echo://a/b@c"}, // '@' in the path is not userinfo
	}
	for _, tt := range tests {
		if got := Safe(tt.in); got != tt.safe {
			t.Errorf("Safe(%q) = %q, want %q", tt.in, got, tt.safe)
		}
	}
}

func TestAllFindsNestedReferences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		refs []string
	}{
		{"ref+echo://hello/ref+envsubst://$INNER", []string{"echo://hello/ref", "envsubst://$INNER"}},
		{"a ref+echo://xx+ b", []string{"echo://xx"}},
		{"secretref+file://ab+ref+echo://yy", []string{"file://ab", "echo://yy"}},
		{"ref+nothing", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range All(tt.in) {
			got = append(got, sp.Ref)
			if first, ok := First(tt.in[sp.Start:]); !ok || first.Ref != sp.Ref {
				t.Errorf("All(%q): span %v is not a reference at its start", tt.in, sp)
			}
		}
		if !reflect.DeepEqual(got, tt.refs) {
			t.Errorf("All(%q) = %q, want %q", tt.in, got, tt.refs)
		}
	}
	s := "ref+echo://hello/ref+envsubst://$INNER"
	ps := Prefixes(s)
	if len(ps) != 2 || !Nested(s, ps, 1) {
		t.Errorf("Prefixes(%q) = %v; the second should be nested", s, ps)
	}
	if s := "ref+echo://aa ref+echo://bb"; Nested(s, Prefixes(s), 1) {
		t.Errorf("%q: a space separates two references", s)
	}
}

func TestParseAsVals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                     string
		scheme, path, fragment string
		query                  string
	}{
		{"ref+file://testdata/api.yaml#/token", "file", "testdata/api.yaml", "token", ""},
		{"file:///etc/secret.txt", "file", "/etc/secret.txt", "", ""},
		{"ref+file://./x.yaml", "file", "./x.yaml", "", ""},
		{"ref+vault://secret/data/api?address=http://v:8200#token", "vault", "secret/data/api", "token", "address=http%3A%2F%2Fv%3A8200"},
		{"ref+awssecrets://arn:aws:secretsmanager:eu-north-1:123:secret:db#/pw", "awssecrets", "arn:aws:secretsmanager:eu-north-1:123:secret:db", "pw", ""},
		{"ref+awsssm:///prod/db", "awsssm", "/prod/db", "", ""},
	}
	for _, tt := range tests {
		p, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if p.Scheme != tt.scheme || p.Path != tt.path || p.Fragment != tt.fragment || p.Query.Encode() != tt.query {
			t.Errorf("Parse(%q) = %+v (query %q), want scheme %q path %q fragment %q query %q",
				tt.in, p, p.Query.Encode(), tt.scheme, tt.path, tt.fragment, tt.query)
		}
	}
}

func TestParseKeepsCredentialsAsWritten(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, userinfo, rawQuery string }{
		{"ref+httpjson://deploy:P%40SS@host/v1#/k", "deploy:P%40SS", ""},
		{"ref+httpjson://TOKEN@host", "TOKEN", ""},
		{"ref+echo://a/b@c", "", ""}, // '@' in the path is not userinfo
		{"ref+vault://secret/api?api_key=Hunter2%2BXyz9&x=1#k", "", "api_key=Hunter2%2BXyz9&x=1"},
		{"ref+file://a.yaml", "", ""},
	}
	for _, tt := range tests {
		p, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if p.Userinfo != tt.userinfo || p.RawQuery != tt.rawQuery {
			t.Errorf("Parse(%q): Userinfo %q RawQuery %q, want %q and %q", tt.in, p.Userinfo, p.RawQuery, tt.userinfo, tt.rawQuery)
		}
	}
}
