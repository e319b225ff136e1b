package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// withoutFew returns the spans m finds in b with every pattern and every
// end tested position by position, as with more than maxFew patterns.
func withoutFew(r *Redactor, b []byte, e edges) []span {
	few, heads, tails := r.ix.few.Load(), r.heads.fewAnchors.Load(), r.tails.fewAnchors.Load()
	r.ix.few.Store(nil)
	r.heads.fewAnchors.Store(nil)
	r.tails.fewAnchors.Store(nil)
	defer func() {
		r.ix.few.Store(few)
		r.heads.fewAnchors.Store(heads)
		r.tails.fewAnchors.Store(tails)
	}()
	m := r.load()
	return slices.Clone(m.spansAt(b, nil, e))
}

// TestFewAgreesWithEveryPosition checks the scan for few patterns (a rare
// byte each, by IndexByte) against the scan of every position, which finds
// every occurrence by construction: same spans, on texts that hold the
// secrets and pieces of them in their forms, at the ends and inside.
func TestFewAgreesWithEveryPosition(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 22))
	word := wordsOf(rng)
	for round := range 300 {
		r, err := New()
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for range 1 + rng.IntN(4) {
			secrets = append(secrets, word(4+rng.IntN(40)))
		}
		r.Add(secrets...)
		if r.ix.few.Load() == nil {
			t.Fatalf("round %d: %d secrets are not few", round, len(secrets))
		}
		var text strings.Builder
		if round%2 == 0 {
			text.WriteString(word(64)) // long enough for the few scan
		}
		for range 1 + rng.IntN(12) {
			s := secrets[rng.IntN(len(secrets))]
			piece := []string{
				s, strings.ToUpper(s), hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s)),
				base64.URLEncoding.EncodeToString([]byte("x" + s)), s[:len(s)/2+1], s[len(s)/2:], word(rng.IntN(30)),
				strings.ReplaceAll(s, "a", "%61"), decimalList(s),
			}[rng.IntN(10)]
			text.WriteString(piece)
			text.WriteString(word(rng.IntN(6)))
		}
		b := []byte(text.String())
		for _, e := range []edges{0, edgeStart, edgeEnd, edgeStart | edgeEnd} {
			m := r.load()
			got := slices.Clone(m.spansAt(b, nil, e))
			want := withoutFew(r, b, e)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, edges %b, %d bytes: few scan found %v, every position %v", round, e, len(b), got, want)
			}
		}
	}
}

// wordsOf returns a maker of random words of letters, digits and the bytes
// escapes start at.
func wordsOf(rng *rand.Rand) func(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/-_=%&;'\" \n\\"
	return func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
}

func decimalList(s string) string {
	var parts []string
	for i := 0; i < len(s); i++ {
		parts = append(parts, fmt.Sprint(s[i]))
	}
	return strings.Join(parts, " ")
}

// TestCutPiecesWithManySecrets checks the ends of a text for pieces of
// secrets when too many are known for a rare byte each: a prefix that ends
// the text and a suffix that starts it, each at least half a secret, are
// masked; the middle is left alone.
func TestCutPiecesWithManySecrets(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(24, 7))
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var secrets []string
	for range 40 {
		b := make([]byte, 16+rng.IntN(30))
		for i := range b {
			b[i] = alnum[rng.IntN(len(alnum))]
		}
		secrets = append(secrets, string(b))
	}
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	r.Add(secrets...)
	if r.heads.fewAnchors.Load() != nil || r.tails.fewAnchors.Load() != nil {
		t.Fatal("40 secrets still have few anchors at the ends: the test does not reach the filter")
	}
	for i, s := range secrets {
		head, tail := s[:len(s)/2+1], s[len(s)/2-1:]
		for _, tt := range []struct {
			text, want string
		}{
			{"log: " + head, "log: " + Mask},
			{tail + " done", Mask + " done"},
			{"log: " + head + " more", "log: " + head + " more"},
		} {
			if got := r.String(tt.text); got != tt.want {
				t.Errorf("secret %d: String of a %d-byte text masks wrong (got %d bytes, want %d)", i, len(tt.text), len(got), len(tt.want))
			}
		}
	}
}
