package advtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/render"
)

// TestListOfLargeStringsEscapesMaxOutput: a list counts 16 bytes an item
// for WithMaxOutput, whatever its items hold, so a list literal naming one
// string a thousand times is turned into text (printed, joined, as_str, ~,
// a filter argument) before any budget looks at the result's size. With
// WithMaxOutput(64 KiB) each of these renders allocates hundreds of MiB;
// at the 16 MiB default the same template (30,000 items fit in 64 KiB of
// template) asks for hundreds of GiB: the process dies.
func TestListOfLargeStringsEscapesMaxOutput(t *testing.T) {
	const limit = 64 << 10
	build := `{% set s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}` + strings.Repeat(`{% set s = s ~ s %}`, 11) // s is 64 KiB
	list := "[" + strings.Repeat("s,", 999) + "s]"
	for _, tc := range []struct{ name, tmpl string }{
		{"print", `{{ ` + list + ` }}`},
		{"join", `{{ ` + list + ` | join(sep="") | length }}`},
		{"django join", `{{ ` + list + `|join:"" }}`},
		{"as_str", `{{ ` + list + ` | as_str | length }}`},
		{"tilde", `{{ ` + list + ` ~ "" }}`},
		{"argument", `{{ "a" | replace(from="a", to=` + list + `) }}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := engineWith(t, render.WithMaxOutput(limit))
			var err error
			n := allocated(func() { _, err = e.Render(context.Background(), build+tc.tmpl, nil) })
			if n > 512*limit {
				t.Errorf("allocated %d MiB under WithMaxOutput(%d KiB) (err: %v)", n>>20, limit>>10, err)
			}
		})
	}
}
