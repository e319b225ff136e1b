package redact

import (
	"encoding/base64"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Each decoder reads the sequences serializers write, and only those.
func TestDecoders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"JSON escapes", `a\"b\\c\/d\n\u00e9\u00E9`, "a\"b\\c/d\néé"},
		{"surrogate pair", `\ud83d\ude00`, "😀"},
		{"lone surrogate", `\ud83dx`, "\uFFFDx"},
		{"JavaScript", `\x27\u{1F600}\'`, "'😀'"},
		{"Go and Python", `\U0001F600\a\v\e`, "😀\a\v\x1b"},
		{"octal", `\047\0z\400`, "'\x00z\x200"},
		{"shell line continuation", "a\\\nb", "ab"},
		{"backslash before a character", `\é\$\` + "`", "é$`"},
		{"backslash at the end", `a\`, `a\`},
		{"HTML", "&amp;&#39;&#x2B;&#X2b;&plus;&eacute;&NewLine;", "&'+++é\n"},
		{"HTML, not a reference", "&ampx; &nosuch; & amp; &#;", "&ampx; &nosuch; & amp; &#;"},
		{"HTML, a number is its code point", "&#150;&#0;&#x110000;", "\u0096\uFFFD\uFFFD"},
		{"URL", "%40%4a%4A%2", "@JJ%2"},
		{"URL query", "a+b%2Bc", "a b+c"},
		{"bash set -x", `'it'\''s'`, "'it's'"},
		{"another quote in quotes", `'it'"'"'s'`, "'it's'"},
		{"PEM", strings.Repeat("A", 64) + "\n" + strings.Repeat("B", 8), strings.Repeat("A", 64) + strings.Repeat("B", 8)},
		{"MIME, indented", strings.Repeat("A", 76) + "\r\n    BBBB", strings.Repeat("A", 76) + "BBBB"},
		{"any width", strings.Repeat("A", 70) + "\n" + strings.Repeat("B", 8), strings.Repeat("A", 70) + strings.Repeat("B", 8)},
		{"not base64 lines", strings.Repeat("A", 31) + "\nBBBB\n" + strings.Repeat("A", 64) + "\n\n", strings.Repeat("A", 31) + "\nBBBB\n" + strings.Repeat("A", 64) + "\n\n"},
		{"a short first line", "deploy\ning service", "deploy\ning service"},
	}
	for _, tt := range tests {
		b := []byte(tt.in)
		var got []string
		for di := range escapings {
			d := &escapings[di]
			var v view
			if !d.decodeAll(b, &v) {
				continue
			}
			got = append(got, string(v.text))
			// Each decoded byte maps to the text it came from.
			for i := range v.text {
				if v.from[i] > v.to[i] || int(v.to[i]) > len(b) || v.from[i] < 0 {
					t.Errorf("%s: byte %d maps to [%d, %d)", tt.name, i, v.from[i], v.to[i])
				}
			}
		}
		if len(got) == 0 {
			got = []string{tt.in}
		}
		found := false
		for _, g := range got {
			found = found || g == tt.want
		}
		if !found {
			t.Errorf("%s: %q decodes to %q, want %q among them", tt.name, tt.in, got, tt.want)
		}
	}
}

// A whole value that decodes to a short secret is masked; the same text
// inside a longer one is not (short secrets are never searched).
func TestShortSecretsInDecodedWholeValues(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("a&b")
	for _, in := range []string{"a&b", "a&amp;b", `a\u0026b`, "a%26b", "612662", "612662", "YSZi", "YSZi"} {
		if got := r.String(in); got != Mask {
			t.Errorf("String(%q) = %q, want the mask", in, got)
		}
	}
	for _, in := range []string{"xa&amp;b", "a&amp;b c"} {
		if got := r.String(in); got != in {
			t.Errorf("String(%q) = %q: a short secret was searched inside text", in, got)
		}
	}
}

// A text whose escapes nest densely is searched within a budget; over it,
// it is masked rather than let through.
func TestViewBudgetFailsClosed(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("a-secret-of-some-length")
	// Every byte triggers every decoder, at every level.
	in := strings.Repeat(`%26%5C'\''&#37;`, 2000)
	out := r.String(in)
	if out == in {
		t.Fatal("nothing masked: the budget was not reached, or not honoured")
	}
	if !strings.Contains(out, Mask) {
		t.Error("over budget, the text was not masked")
	}
}

// reachAfterWalk is the walk reachAhead replaces (one per sequence, which
// cost the text's length times the longest secret's where escapes are
// dense), with reachBefore's accounting: the reach a window's end must
// never fall short of.
func reachAfterWalk(b []byte, i, reach int) int {
	need, limit := reach, min(i+reach*maxExpansion, len(b))
	indent := false
	for n := 0; n < need && i < limit; n++ {
		switch c := b[i]; {
		case indent && (c == ' ' || c == '\t'):
			need++
		case isTriggerByte(c):
			need += allowance[c]
			indent = c == '\n'
		default:
			indent = false
		}
		i++
	}
	return i
}

// The window reachAhead computes covers the reach of every sequence in it,
// and goes no further than maxExpansion times the reach past the last one.
func TestReachAheadCoversEveryWalk(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	alphabet := []byte(`ab%\&'+ ` + "\r\n")
	for range 2000 {
		b := make([]byte, 1+rng.IntN(3000))
		density := 1 + rng.IntN(len(alphabet)*4)
		for i := range b {
			if k := rng.IntN(density); k < len(alphabet) {
				b[i] = alphabet[k]
			} else {
				b[i] = 'x'
			}
		}
		reach := 1 + rng.IntN(60)
		var ends []int
		for x := rng.IntN(20); x < len(b); x += 1 + rng.IntN(100) {
			ends = append(ends, x)
		}
		ahead := reachAhead{b: b, reach: reach}
		for first := 0; first < len(ends); {
			ahead.target = math.MinInt
			end := ahead.extend(ends[first])
			want := reachAfterWalk(b, ends[first], reach)
			last := first
			for last+1 < len(ends) && ends[last+1] <= end {
				last++
				end = ahead.extend(ends[last])
				want = max(want, reachAfterWalk(b, ends[last], reach))
			}
			if end < want || end > min(ends[last]+reach*maxExpansion, len(b)) {
				t.Fatalf("window of ends %v (reach %d) ends at %d; the walks reach %d", ends[first:last+1], reach, end, want)
			}
			first = last + 1
		}
	}
}

// A base64 core that ends or starts at a line break of wrapped base64 is
// widened over the character on the other side of the break, which holds
// bits of the secret too: every character that the unwrapped encoding
// masks is masked in the wrapped one, at every alignment and width.
func TestBase64CoreAtLineBreakWidened(t *testing.T) {
	t.Parallel()
	secrets := []string{"Xq7vLm2pR9sT4wK8zB", "correct horse battery staple 42"}
	for _, secret := range secrets {
		r := newRedactor(t)
		r.Add(secret)
		for pre := range 3 {
			data := strings.Repeat("\x00", pre) + secret + "\x00\x00tail of the record"
			enc := base64.StdEncoding.EncodeToString([]byte(data))
			m := r.load()
			plain := cover(m.spansAt([]byte(enc), nil, edgeStart|edgeEnd), len(enc))
			for width := minWrap; width <= 80; width++ {
				for _, br := range []string{"\n", "\r\n", "\n  "} {
					var text []byte
					var at []int // at[i]: the index in enc of text[i], -1 for a break
					for i := 0; i < len(enc); i += width {
						if i > 0 {
							text = append(text, br...)
							for range br {
								at = append(at, -1)
							}
						}
						for j := i; j < min(i+width, len(enc)); j++ {
							text = append(text, enc[j])
							at = append(at, j)
						}
					}
					m := r.load()
					wrapped := cover(m.spansAt(text, nil, edgeStart|edgeEnd), len(text))
					for i, j := range at {
						if j >= 0 && plain[j] && !wrapped[i] {
							t.Errorf("secret of %d bytes after %d, lines of %d, break %q: character %d of the encoding shown wrapped, masked unwrapped", len(secret), pre, width, br, j)
							break
						}
					}
				}
			}
		}
	}
}

func cover(spans []span, n int) []bool {
	c := make([]bool, n)
	for _, s := range spans {
		for i := s.start; i < s.end; i++ {
			c[i] = true
		}
	}
	return c
}

// TestMinLengthThreeUsesRunsOfThree checks that a pattern of three bytes
// (WithMinLength(3)) moves the escape filter to runs of three, built from
// every pattern filed, rather than to decoding every escape, and that
// escaped forms of both secrets are still masked.
func TestMinLengthThreeUsesRunsOfThree(t *testing.T) {
	t.Parallel()
	r, err := New(WithMinLength(3))
	if err != nil {
		t.Fatal(err)
	}
	r.Add("longer-secret-value", "xyz")
	if m := r.load(); m.grams.n != 3 {
		t.Fatalf("the escape filter reads runs of %d bytes, want 3", m.grams.n)
	}
	for _, in := range []string{"a %78yz b", "a x%79z b", "q=longer-secret-valu%65 x"} {
		if got := r.String(in); got == in {
			t.Errorf("a %d-byte escaped text is not masked", len(in))
		}
	}
}
