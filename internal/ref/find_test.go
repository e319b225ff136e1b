package ref

import (
	"reflect"
	"strings"
	"testing"
)

// findAllRegexp is FindAll as the regexp alone finds it over the whole text:
// the windowed FindAll must agree with it.
func findAllRegexp(s string) []Span {
	var spans []Span
	for _, m := range pattern.FindAllStringSubmatchIndex(s, -1) {
		spans = append(spans, Span{Start: m[0], End: m[1], Ref: s[m[6]:m[7]]})
	}
	return spans
}

var findSeeds = []string{
	"", "ref+", "not-a-ref", "ref+awsssm:///prod/db/password",
	"a ref+echo://xx+ b ref+echo://yy", "ref+echo://xxref+vault://yy+",
	"secretref+file://a.yaml#/k", "secretsecretref+file://a.yaml#/k",
	"ref+ spaced scheme\nstill://path here", "ref+echo://x", `{"k":"ref+echo://xy"}`,
	`"ref+echo://xy", 1`, "ref+echo://aa\nref+echo://bb", "ref+a:b://cc", "ref+a+b://cc",
	"ref+echo://ab\",", "xref+echo://ab,ref+echo://cd", "ref+://xy", "ref+echo:/x/yy z",
	"ref+secretstore://xy", "secretref+secretstore://xy+", "ref+secretref+x://yy",
	"ref+storeref+x://yy", "secretref+ref+x://yy",
}

func TestFindAllAgreesWithTheRegexp(t *testing.T) {
	t.Parallel()
	for _, in := range findSeeds {
		if got, want := FindAll(in), findAllRegexp(in); !reflect.DeepEqual(got, want) {
			t.Errorf("FindAll(%q) = %v, the regexp finds %v", in, got, want)
		}
	}
}

func FuzzFindAll(f *testing.F) {
	for _, s := range findSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Count(in, "ref+") > 50 {
			return // the regexp over the whole text is quadratic here
		}
		if got, want := FindAll(in), findAllRegexp(in); !reflect.DeepEqual(got, want) {
			t.Errorf("FindAll(%q) = %v, the regexp finds %v", in, got, want)
		}
	})
}

func TestEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		n  int
		ok bool
	}{
		{"data/api#token", len("data/api#token"), false},
		{"data/api+rest", len("data/api+"), true},
		{"data/api rest", len("data/api"), true},
		{"data/api\nrest", len("data/api"), true},
		{"", 0, false},
	}
	for _, tt := range tests {
		if n, ok := End(tt.in); n != tt.n || ok != tt.ok {
			t.Errorf("End(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
		}
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"no reference", -1},
		{"x ref+vault://secret/da", 2},
		{"x ref+vault://secret/data+", -1},
		{"x ref+vault://secret/data done", -1},
		{"x secretref+file://a", 2},
		{"x ref+", 2},
		{"x ref+secretstore:", 2}, // a scheme starting with "secret" is no prefix
		{"ref+echo://a+ then ref+sec", 19},
		{"ref+echo://a then", -1},
	}
	for _, tt := range tests {
		if got := Open(tt.in); got != tt.want {
			t.Errorf("Open(%q) = %d, want %d", tt.in, got, tt.want)
		}
		// Open agrees with Prefixes on where the prefix starts.
		if got := Open(tt.in); got >= 0 {
			ps := Prefixes(tt.in)
			if last := ps[len(ps)-1]; last.Start != got {
				t.Errorf("Open(%q) = %d, Prefixes ends with %v", tt.in, got, last)
			}
		}
	}
}

// FuzzOpen checks Open, which reads only the end of its input, against its
// definition: the last prefix Prefixes finds, when nothing after it is a
// '+', a space or a newline.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{"x ref+vault://a", "ref+a+ref+", "secretref+x", "ref+ ", "aref+b\n", "+", "ref"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := -1
		if ps := Prefixes(s); len(ps) > 0 {
			last := ps[len(ps)-1]
			if !strings.ContainsAny(s[last.End:], "+ \n") {
				want = last.Start
			}
		}
		if got := Open(s); got != want {
			t.Errorf("Open(%q) = %d, want %d", s, got, want)
		}
	})
}

func FuzzIndexPrefix(f *testing.F) {
	for _, s := range []string{"ref+", "a+ref+b", "re+f+ref", "+++", "xref+ref+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := indexPrefix(s), strings.Index(s, "ref+"); got != want {
			t.Errorf("indexPrefix(%q) = %d, want %d", s, got, want)
		}
	})
}
