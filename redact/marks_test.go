package redact

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestMarksListEveryMarkedByte checks the lists of marks against a scan of
// every byte: random texts (every length around the 64-byte words), random
// sets of bytes.
func TestMarksListEveryMarkedByte(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 30))
	var mk marks
	for round := range 500 {
		var set markSet
		for range 1 + rng.IntN(20) {
			set.add(byte(rng.IntN(256)))
		}
		b := make([]byte, rng.IntN(300))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if rng.IntN(2) == 0 {
				b[i] = "ab%\n'\"+&"[rng.IntN(8)]
			}
		}
		mk.take(b, &set)
		for c := range 256 {
			got, ok := mk.of(byte(c))
			if ok != (set.mark[c] == 1) {
				t.Fatalf("round %d: byte %#x marked %v, set says %d", round, c, ok, set.mark[c])
			}
			if !ok {
				continue
			}
			var want []int32
			for i, x := range b {
				if x == byte(c) {
					want = append(want, int32(i))
				}
			}
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("round %d, %d bytes: byte %#x at %v, want %v", round, len(b), c, got, want)
			}
		}
	}
}

// TestMarksAgreeWithIndexByte checks the scan of texts long enough to be
// marked against the same scan by IndexByte: the same spans, with few
// patterns and with many, with escapes of every kind around the secrets.
func TestMarksAgreeWithIndexByte(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(31, 7))
	word := wordsOf(rng)
	for round := range 200 {
		r, err := New()
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		n := 1 + rng.IntN(3)
		if round%3 == 0 {
			n = 20 + rng.IntN(20) // too many for the few scan
		}
		for range n {
			secrets = append(secrets, word(6+rng.IntN(30)))
		}
		r.Add(secrets...)
		var text strings.Builder
		for text.Len() < minMarked || rng.IntN(4) != 0 {
			s := secrets[rng.IntN(len(secrets))]
			piece := []string{
				s, strings.ToUpper(s), hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s)),
				url.QueryEscape(s), strings.ReplaceAll(s, "'", `'\''`), strings.ReplaceAll(s, "a", `\u0061`),
				strings.ReplaceAll(s, "b", "&#98;"), s[:len(s)/2+1], word(rng.IntN(60)), decimalList(s),
			}[rng.IntN(11)]
			text.WriteString(piece)
			text.WriteString(word(rng.IntN(8)))
		}
		b := []byte(text.String())
		for _, e := range []edges{0, edgeStart | edgeEnd} {
			got, want := spansBothWays(r, b, e, func(m *matcher) { m.unmarked = true })
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, %d secrets, edges %b, %d bytes: with marks %v, by IndexByte %v", round, n, e, len(b), got, want)
			}
		}
	}
}
