package sopsdec

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getsops/sops/v3"
	sopsconfig "github.com/getsops/sops/v3/config"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"

	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
)

// treeCases are YAML texts whose comments and shapes sops' store reads in
// ways easy to get wrong, besides the fixtures.
var treeCases = []string{
	"",
	"# only a comment\n",
	"---\n",
	"--- # a document comment\n",
	"a: 1\n---\nb: 2\n",
	"a: 1\n--- # head\n# foot of nothing\n",
	"# head\na: 1 # line\n# foot\nb: [1, 2] # flow\n",
	"list:\n  # before\n  - a # inline\n  # between\n  - b\n  # after\n",
	"list: # on the key\n  - x\n",
	"m:\n  # inside\n  k: v\n  # foot of k\n",
	"m: # line of m\n  k: v\n",
	"nested:\n  - - a # deep\n    - b\n  - {c: d} # flow map\n",
	"empty_list: []\nempty_map: {}\nnull_value:\ntilde: ~\n",
	"types: [1, 1.5, true, 2024-01-01, 0x10, .nan, -.inf, !!binary aGk=]\n",
	"s: |\n  multi\n  line\n",
	"1: int key\n",
	"? [a]\n: complex key\n",
	"a: 1\na: 2\n",
	"a: !!int x\n",
	"- a list document\n",
	"just a scalar\n",
	"a: 1\n---\n- second is a list\n",
	"a: 1\n---\nb: !!int x\n",
	"a: 1\n---\nb: 1\nb: 2\n",
	"sops:\n  mac: x\nv: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n",
}

// TestTreeMatchesSopsStore checks that treeOf builds, from our own parse,
// the tree sops' YAML store builds from the same bytes (or fails where it
// fails), on every YAML fixture, plain and encrypted, and on treeCases.
func TestTreeMatchesSopsStore(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{}
	for i, c := range treeCases {
		inputs["case "+string(rune('A'+i))] = []byte(c)
	}
	for _, fx := range sopstest.Fixtures(t) {
		if fx.Format == "yaml" {
			inputs[fx.Name] = fx.Data
		}
	}
	plain, err := filepath.Glob(filepath.Join(sopstest.Dir(t), "plain", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plain {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs["plain/"+filepath.Base(p)] = data
	}
	if len(inputs) < 50 {
		t.Fatalf("only %d inputs: fixtures missing?", len(inputs))
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if msg := compareTrees(data); msg != "" {
				t.Errorf("%q: %s", data, msg)
			}
		})
	}
}

// compareTrees returns how treeOf differs from sops' store on data, or "".
// Text yaml.v3 cannot parse, that holds no document, or aliases never
// reaches treeOf (Decrypt refuses it first).
func compareTrees(data []byte) string {
	docs, err := parseAll(data)
	if err != nil || (len(docs) == 0 && len(data) > 0) || hasAlias(docs) {
		return ""
	}
	want, wantErr := sopsyaml.NewStore(&sopsconfig.YAMLStoreConfig{}).LoadPlainFile(data)
	got, gotErr := treeOf(docs)
	switch {
	case (wantErr != nil) != (gotErr != nil):
		return "sops' store error " + errText(wantErr) + ", ours " + errText(gotErr)
	case wantErr == nil && len(want) == 0 && len(got) == 0:
		return ""
	case wantErr == nil && !reflect.DeepEqual(withoutNaN(got), withoutNaN(want)):
		return "trees differ"
	}
	return ""
}

// nanLeaf stands for NaN, which reflect.DeepEqual finds unequal to itself.
type nanLeaf struct{}

// withoutNaN returns v with every NaN leaf replaced by nanLeaf.
func withoutNaN(v any) any {
	switch v := v.(type) {
	case sops.TreeBranches:
		out := make([]any, len(v))
		for i, b := range v {
			out[i] = withoutNaN(b)
		}
		return out
	case sops.TreeBranch:
		out := make(sops.TreeBranch, len(v))
		for i, item := range v {
			out[i] = sops.TreeItem{Key: withoutNaN(item.Key), Value: withoutNaN(item.Value)}
		}
		return out
	case []any:
		if v == nil {
			return v
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withoutNaN(e)
		}
		return out
	case float64:
		if math.IsNaN(v) {
			return nanLeaf{}
		}
	}
	return v
}

func errText(err error) string {
	if err == nil {
		return "none"
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

// FuzzTreeMatchesSopsStore compares treeOf with sops' YAML store on
// arbitrary YAML.
func FuzzTreeMatchesSopsStore(f *testing.F) {
	for _, c := range treeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		if msg := compareTrees(data); msg != "" {
			t.Errorf("%q: %s", data, msg)
		}
	})
}
