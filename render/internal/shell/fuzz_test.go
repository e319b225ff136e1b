package shell

import (
	"errors"
	"strings"
	"testing"
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
