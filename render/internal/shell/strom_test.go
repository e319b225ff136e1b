package shell

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// stromTemplates put a value as a plain word or inside quotes, as templates
// written for Strøm's plain text substitution do.
var stromTemplates = []string{
	"argv " + hole,
	"argv --name=" + hole + " " + hole + ".txt",
	`argv "` + hole + `"`,
	`argv 'a ` + hole + ` b'`,
	`argv "a ` + hole + ` b" x` + hole,
	"X=" + hole + "; argv \"$X\" $X",
	"export X=" + hole + "; argv \"$X\"",
	"argv ${u:-" + hole + "} \"${u:-" + hole + "}\"",
	"cat <<EOF\n" + hole + "\nEOF",
	"cat <<'EOF'\n\t" + hole + "\nEOF",
	"case " + hole + " in " + hole + ") argv same;; *) argv differ;; esac",
	"for i in " + hole + " b; do argv \"$i\"; done",
	"# " + hole + "\nargv " + hole,
}

// stromSameText reports whether text puts values only where an inert
// value is written as it is: arguments, assignments, quotes, here-documents
// (case words and patterns and ${…} words are always quoted).
func stromSameText(text string) bool {
	return !strings.Contains(text, "case ") && !strings.Contains(text, "${u:-"+hole+"} ")
}

// plainAlphabet holds the bytes a "plain" value is made of: no blank, no
// quote, no glob, no expansion, no operator.
const plainAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=,-"

// TestStromCompatibility is a property test: for a plain value, the
// command sh runs receives the same arguments whether the template is
// rendered with plain substitution (Strøm) or with the Quoter.
func TestStromCompatibility(t *testing.T) {
	t.Parallel()
	sh := shells(t)
	rng := rand.New(rand.NewPCG(19, 2026))
	runs := 300
	if testing.Short() {
		runs = 40
	}
	for range runs {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteByte(plainAlphabet[rng.IntN(len(plainAlphabet))])
		}
		v := b.String()
		text := stromTemplates[rng.IntN(len(stromTemplates))]
		quoted, err := render(text, v)
		if err != nil {
			t.Fatalf("%q with %q: refused: %v", text, v, err)
		}
		plain := plainSubst(text, v)
		if isInert(v) && stromSameText(text) && quoted != plain {
			t.Errorf("%q with %q: text changed from %q to %q, though no byte of the value is special", text, v, plain, quoted)
		}
		for _, s := range sh {
			want := runScript(t, s, plain, nil)
			got := runScript(t, s, quoted, nil)
			if got.stdout != want.stdout || (got.err == nil) != (want.err == nil) {
				t.Errorf("%s: %q with %q:\nplain  %q -> %q (%v)\nquoted %q -> %q (%v)", s.name, text, v, plain, want.stdout, want.err, quoted, got.stdout, got.err)
			}
		}
	}
}

// TestStromChanges documents, by running them, the cases where the Quoter
// changes what a template written for plain substitution means: the value
// is one argument, never split, globbed or expanded.
func TestStromChanges(t *testing.T) {
	t.Parallel()
	sh := shells(t)
	tests := []struct {
		name, text, value, plainWant, quotedWant string
	}{
		{"spaces make one argument", "argv " + hole, "a b", args("a", "b"), args("a b")},
		{"empty is one empty argument", "argv " + hole + " end", "", args("end"), args("", "end")},
		{"no globbing", "touch f1 f2; argv " + hole, "f*", args("f1", "f2"), args("f*")},
		{"no expansion", "argv " + hole, "$HOME", args(testHome), args("$HOME")},
		{"no expansion inside double quotes", `argv "` + hole + `"`, "$HOME", args(testHome), args("$HOME")},
		{"a quote does not end the author's quote", `argv 'a ` + hole + `'`, "it's", "", args("a it's")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			quoted, err := render(tt.text, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sh {
				plain := runScript(t, s, plainSubst(tt.text, tt.value), nil)
				got := runScript(t, s, quoted, nil)
				if plain.stdout != tt.plainWant || got.stdout != tt.quotedWant {
					t.Errorf("%s: plain substitution gave %q (want %q), quoting gave %q (want %q)", s.name, plain.stdout, tt.plainWant, got.stdout, tt.quotedWant)
				}
			}
		})
	}
}
