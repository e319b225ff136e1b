package loader

import (
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestKeyPathText checks that a key path written out lazily is the text
// the walks built eagerly before: "." before each key and "[i]" for each
// index (String), or joinKey's rule (joined); and that inFlowOrHook reads
// off the path what the prefix test on that text said.
func TestKeyPathText(t *testing.T) {
	t.Parallel()
	type step struct {
		key string
		idx int // -1 for a key
	}
	cases := [][]step{
		{},
		{{"T", -1}},
		{{"T", -1}, {"flow", -1}},
		{{"T", -1}, {"flow", -1}, {"s", -1}},
		{{"T", -1}, {"flow", -1}, {"", 0}},
		{{"T", -1}, {"flow.x", -1}},
		{{"T", -1}, {"on_success", -1}},
		{{"T", -1}, {"on_", -1}, {"", 2}},
		{{"T", -1}, {"on", -1}, {"_x", -1}},
		{{"T", -1}, {"flo", -1}, {"w.x", -1}},
		{{"a.b", -1}, {"flow", -1}, {"s", -1}, {"", 1}},
		{{"", 0}, {"flow", -1}, {"s", -1}},
		{{"", -1}, {"", -1}, {"x", -1}},
		{{"T", -1}, {"", -1}, {"flow", -1}, {"x", -1}},
	}
	for _, root := range []string{"tasks", "", "actions"} {
		for _, c := range cases {
			p := keyPath{root: root}
			eager, joined := root, root
			for _, s := range c {
				if s.idx >= 0 {
					p.pushIndex(s.idx)
					eager += "[" + strconv.Itoa(s.idx) + "]"
					joined = joinKey(joined, strconv.Itoa(s.idx), true)
				} else {
					p.pushKey(s.key)
					eager += "." + s.key
					joined = joinKey(joined, s.key, false)
				}
			}
			if got := p.String(); got != eager {
				t.Errorf("String() = %q, want %q", got, eager)
			}
			if got := p.joined(); got != joined {
				t.Errorf("joined() = %q, want %q", got, joined)
			}
			if root != "tasks" || len(c) == 0 || c[0].idx >= 0 {
				continue
			}
			part := strings.TrimPrefix(eager, "tasks."+c[0].key+".")
			want := strings.HasPrefix(part, "flow.") || strings.HasPrefix(part, "on_")
			if got := inFlowOrHook(&p); got != want {
				t.Errorf("inFlowOrHook(%q) = %v, want %v", eager, got, want)
			}
		}
	}
}

// TestScalarValueString checks that scalarValue's shortcut for strings
// gives what the YAML decoder gives.
func TestScalarValueString(t *testing.T) {
	t.Parallel()
	src := "a: plain\nb: '123'\nc: \"true\"\nd: !!str 12\ne: |\n  x\n  y\nf: !!str\ng: ~x\nh: 0x1F_str\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	top := doc.Content[0]
	for i := 1; i < len(top.Content); i += 2 {
		n := top.Content[i]
		if n.Tag != "!!str" {
			continue
		}
		var want any
		if err := n.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := scalarValue(n); got != want {
			t.Errorf("%s: scalarValue = %#v, Decode = %#v", top.Content[i-1].Value, got, want)
		}
	}
}
