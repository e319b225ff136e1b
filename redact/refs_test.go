package redact

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/ref"
)

// findRefs must find what ref.FindAll finds, only faster.
func TestFindRefsAgreesWithRef(t *testing.T) {
	t.Parallel()
	for _, in := range refSeeds {
		checkFindRefs(t, in)
	}
}

var refSeeds = []string{
	"", "ref+", "not-a-ref", "ref+awsssm:///prod/db/password",
	"a ref+echo://xx+ b ref+echo://yy", "ref+echo://xxref+vault://yy+",
	"secretref+file://a.yaml#/k", "secretsecretref+file://a.yaml#/k",
	"ref+ spaced scheme\nstill://path here", "ref+echo://x", `{"k":"ref+echo://xy"}`,
	`"ref+echo://xy", 1`, "ref+echo://aa\nref+echo://bb", "ref+a:b://cc", "ref+a+b://cc",
	"ref+echo://ab\",", "xref+echo://ab,ref+echo://cd", "ref+://xy", "ref+echo:/x/yy z",
}

func checkFindRefs(t *testing.T, in string) {
	t.Helper()
	var want []span
	for _, s := range ref.FindAll(in) {
		want = append(want, span{s.Start, s.End})
	}
	if got := findRefs([]byte(in), nil); !reflect.DeepEqual(got, want) {
		t.Errorf("findRefs(%q) = %v, ref.FindAll finds %v", in, got, want)
	}
}

func FuzzFindRefs(f *testing.F) {
	for _, s := range refSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Count(in, "ref+") > 50 {
			return
		}
		checkFindRefs(t, in)
	})
}
