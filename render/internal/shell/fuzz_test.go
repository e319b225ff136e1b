package shell

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzQuoter places any value in any template of the corpus: the placing
// templates (run through the installed shells, the program must receive
// the value exactly and no file may appear) and the refusing ones (the
// value must be refused, but for a decimal number where only arithmetic
// is the hazard). The author's text is fixed: the fuzzer only writes data,
// as a job's input would, so nothing it writes runs unless quoting fails.
func FuzzQuoter(f *testing.F) {
	for i := range placing {
		for _, v := range []string{"", "a b", "'\"$(touch pwned)", "EOF", "\t\n\\"} {
			f.Add(uint16(i), v)
		}
	}
	for i := range refusing {
		f.Add(uint16(len(placing)+i), "plain")
	}
	for _, v := range payloads {
		if len(v) < 1000 {
			f.Add(uint16(0), v)
		}
	}
	sh := shells(f)
	f.Fuzz(func(t *testing.T, idx uint16, v string) {
		n := int(idx) % (len(placing) + len(refusing) + len(refusingUnlessDecimal))
		switch {
		case n < len(placing):
			checkTemplate(t, placing[n], v, sh)
		default:
			n -= len(placing)
			text, mayPlace := "", false
			if n < len(refusing) {
				text = refusing[n]
			} else {
				text, mayPlace = refusingUnlessDecimal[n-len(refusing)], isDecimal(v)
			}
			out, err := render(text, v)
			if err == nil && !mayPlace {
				t.Fatalf("%q: value %q placed as %q, want refused", text, v, out)
			}
			if err != nil && !errors.Is(err, ErrUnsafe) {
				t.Fatalf("%q: %v is not ErrUnsafe", text, err)
			}
			if err != nil && len(v) >= 8 && strings.Contains(err.Error(), v) {
				t.Fatalf("error %q holds the value", err)
			}
		}
	})
}

// FuzzAuthorSyntax checks any author text against the shells' own parsers,
// without running it (sh -n reads commands and executes none, so the
// fuzzer's text never runs): a placed value must not change whether the
// script parses. The same text with the value x in every hole is the
// reference; a value that ended a quote, a here-document or a command
// early would, for most texts, turn a script that parses into one that
// does not, or the other way round.
func FuzzAuthorSyntax(f *testing.F) {
	for _, tpl := range placing {
		f.Add(tpl.text, "a'b\"c$d`e\\\n)")
	}
	for _, text := range refusing {
		f.Add(text, "x")
	}
	sh := shells(f)
	f.Fuzz(func(t *testing.T, text, v string) {
		if !strings.Contains(text, hole) {
			return
		}
		got, err := render(text, v)
		if err != nil {
			return
		}
		ref, err := render(text, "x")
		if err != nil {
			return
		}
		for _, s := range sh {
			okGot := parses(t, s, got)
			okRef := parses(t, s, ref)
			if okGot != okRef {
				t.Fatalf("%s: the value %q changes whether the script parses (%v with it, %v with x):\n%q\n%q", s.name, v, okGot, okRef, got, ref)
			}
		}
	})
}

// parses reports whether the shell parses script (sh -n: no command runs).
func parses(t *testing.T, s shellBin, script string) bool {
	t.Helper()
	file := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := exec.CommandContext(ctx, s.path, "-n", file).Run()
	if ctx.Err() != nil {
		t.Skipf("%s -n did not finish", s.name)
	}
	return err == nil
}

// FuzzAuthorText lexes any author text with a value in each hole, without
// running it (the fuzzer's text is not run: it could be any command). The
// Quoter must not panic, must give back text without values unchanged,
// must keep the author's text around each value byte for byte, and must
// refuse only with an *Error.
func FuzzAuthorText(f *testing.F) {
	for _, tpl := range placing {
		f.Add(tpl.text, "a'b\"c$d")
	}
	for _, text := range refusing {
		f.Add(text, "x")
	}
	f.Fuzz(func(t *testing.T, text, v string) {
		q := NewQuoter()
		q.Author(text)
		if got, err := q.String(); err != nil || got != text {
			t.Fatalf("text without values: got %q, %v", got, err)
		}
		parts := strings.Split(text, hole)
		q = NewQuoter()
		var placed []string
		for i, p := range parts {
			q.Author(p)
			if i == len(parts)-1 {
				break
			}
			before := q.out.Len() + q.pending.Len()
			if err := q.Value(v); err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("refusal %v is not an *Error", err)
				}
				return
			}
			placed = append(placed, q.out.String()[before:])
		}
		got, err := q.String()
		if err != nil {
			return
		}
		var want strings.Builder
		for i, p := range parts {
			want.WriteString(p)
			if i < len(placed) {
				want.WriteString(placed[i])
			}
		}
		if got != want.String() {
			t.Fatalf("author text changed: got %q, want %q", got, want.String())
		}
	})
}
