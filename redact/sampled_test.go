package redact

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// otherAlphabet swaps base64's '+' and '-', '/' and '_'.
var otherAlphabet = strings.NewReplacer("+", "-", "-", "+", "/", "_", "_", "/")

// TestSampledCutsTakeBothAlphabets is the case an adversarial review found:
// a piece of a secret cut by the end of a text, with '-' and '_' spelled
// '+' and '/', is masked (the ends compare with foldTable) whether the
// ends are searched by their few anchors or, past maxFewAnchors secrets,
// through their sampled filters.
func TestSampledCutsTakeBothAlphabets(t *testing.T) {
	t.Parallel()
	const secret = "qz7k-wm3x_pt9v-rn4b_hs2c"
	for _, fillers := range []int{maxFewAnchors - 1, maxFewAnchors} {
		r := newRedactor(t)
		for i := range fillers {
			r.Add(fmt.Sprintf("f%02dsecretvalue%02d", i, i))
		}
		r.Add(secret)
		for _, text := range []string{"log: qz7k+wm3x/pt9", "m3x/pt9v+rn4b/hs2c tail", "log: qz7k-wm3x_pt9"} {
			if got := r.String(text); !strings.Contains(got, Mask) {
				t.Errorf("%d secrets: String(%q) = %q, want a piece masked", fillers+1, text, got)
			}
		}
	}
}

// everyPosition makes a matcher test every position, never with a
// sampled filter.
func everyPosition(m *matcher) { m.unsampled = true }

// TestSampleKeysHoldEverySpelling checks the keys a pattern files in the
// sampled filter against texts its kind matches: every window at an offset
// below the stride, in random spellings (either case of a folded letter,
// either base64 alphabet), has its key among them.
func TestSampleKeysHoldEverySpelling(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 40))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/-_=%&;'\" \n\\\x00\x7f\x80\xc3\xff@`[{"
	for round := range 2000 {
		k := kind(rng.IntN(3))
		stride := minStride + rng.IntN(maxStride-minStride+1)
		text := make([]byte, stride+windowLen-1+rng.IntN(30))
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if k == folded {
			text = []byte(foldASCII(string(text)))
		}
		keys, ok := appendWindowKeys(nil, string(text), k, stride)
		if !ok {
			continue // too many spellings: the filter is dropped, nothing to hold
		}
		for range 20 {
			spelled := make([]byte, len(text))
			for i, c := range text {
				raw, n := spellings(k, c)
				spelled[i] = raw[rng.IntN(n)]
			}
			if !textMatches(k, spelled, string(text)) {
				t.Fatalf("round %d: %q does not match %q as kind %d", round, spelled, text, k)
			}
			for off := range stride {
				key := sampleKey(binary.LittleEndian.Uint64(spelled[off:]))
				if !slices.Contains(keys, key) {
					t.Fatalf("round %d, kind %d, stride %d: the window at %d of %q is not filed", round, k, stride, off, spelled)
				}
			}
		}
	}
}

// TestSampledScanAgreesWithFullScan checks the sampled scan against the
// test of every position: the same spans, for secrets of every length the
// sampled filter accepts, in texts that hold them in every form, in other
// cases and alphabets, cut, and with escapes around them.
func TestSampledScanAgreesWithFullScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(41, 9))
	word := wordsOf(rng)
	// Secrets of one line: the lines of a longer one are patterns of
	// their own, which a short line makes too short to sample.
	oneLine := func(n int) string { return strings.ReplaceAll(word(n), "\n", "x") }
	used := 0
	for round := range 150 {
		r := newRedactor(t)
		var secrets []string
		for range 10 + rng.IntN(40) {
			secrets = append(secrets, oneLine(minStride+windowLen-1+rng.IntN(40)))
		}
		// Secrets that share their first bytes are filed under anchors
		// further into their text.
		for range rng.IntN(2) * (maxChain + 1 + rng.IntN(10)) {
			secrets = append(secrets, "sk_live_"+oneLine(minStride+rng.IntN(40)))
		}
		r.Add(secrets...)
		var text strings.Builder
		for text.Len() < 4096 || rng.IntN(8) != 0 {
			s := secrets[rng.IntN(len(secrets))]
			piece := []string{
				s, strings.ToUpper(s), hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s)),
				base64.URLEncoding.EncodeToString([]byte(s)), url.QueryEscape(s), strings.ReplaceAll(s, "a", `\u0061`),
				s[:len(s)/2+1], s[len(s)/3:], word(rng.IntN(80)), decimalList(s),
			}[rng.IntN(11)]
			text.WriteString(piece)
			text.WriteString(word(rng.IntN(8)))
		}
		b := []byte(text.String())
		r.String(text.String()) // builds the sampled filter
		if r.ix.sampled.Load() == nil {
			continue
		}
		used++
		for _, e := range []edges{0, edgeStart | edgeEnd} {
			got, want := spansBothWays(r, b, e, everyPosition)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, %d secrets, stride %d, edges %b, %d bytes: sampled %v, every position %v", round, len(secrets), r.load().sampled.stride, e, len(b), got, want)
			}
		}
	}
	t.Logf("the sampled filter was used in %d rounds", used)
	if used < 100 {
		t.Fatalf("the sampled filter was used in %d rounds of 150: the test compares too little", used)
	}
}

// TestSampledFilterLifecycle checks when the sampled filter is kept: the
// first long mask with many patterns builds it, an Add of a shorter
// pattern shrinks its stride to what that pattern allows, and a pattern
// too short for minStride drops it for good, after which masking is as
// before.
func TestSampledFilterLifecycle(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	rng := rand.New(rand.NewPCG(3, 3))
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secret := func() string { // 32 bytes: stride maxStride
		b := make([]byte, 32)
		for i := range b {
			b[i] = alnum[rng.IntN(len(alnum))]
		}
		return string(b)
	}
	long := secret()
	r.Add(long)
	for r.ix.patterns <= maxFew {
		r.Add(secret())
	}
	if s := r.ix.sampled.Load(); s != nil {
		t.Fatalf("before any mask: sampled %+v, want none yet", s)
	}
	r.String(strings.Repeat("no secret here ", 4))
	if s := r.ix.sampled.Load(); s != nil {
		t.Fatalf("after a 60-byte mask: sampled %+v, want none yet", s)
	}
	r.String(strings.Repeat("no secret here ", 5))
	if s := r.ix.sampled.Load(); s == nil || s.stride != maxStride {
		t.Fatalf("after a 75-byte mask: sampled %+v, want stride %d", s, maxStride)
	}
	// Built late, it is still sized for what it holds: at most two
	// windows a word, as Add keeps it.
	late := newRedactor(t)
	for range 500 {
		late.Add(secret())
	}
	late.String(strings.Repeat("no secret here ", 5))
	if s := late.ix.sampled.Load(); s == nil || late.ix.sampledEntries > 2*len(s.f.words) {
		t.Fatalf("built after %d patterns: %d windows in %d words", late.ix.patterns, late.ix.sampledEntries, len(s.f.words))
	}
	r.Add("Zr8pQw3nXy5v") // 12 bytes: stride 5
	if s := r.ix.sampled.Load(); s == nil || s.stride != 12-windowLen+1 {
		t.Fatalf("after a 12-byte secret: sampled %+v, want stride %d", s, 12-windowLen+1)
	}
	r.Add("Hm4tBk9s") // 8 bytes: too short to sample
	if s := r.ix.sampled.Load(); s != nil {
		t.Fatalf("after an 8-byte secret: sampled %+v, want none", s)
	}
	r.Add("Wc5xJz2dVn7qLp3rTy6u") // long again: it stays dropped
	r.String(strings.Repeat("no secret here ", 5))
	if s := r.ix.sampled.Load(); s != nil {
		t.Fatalf("after a long secret following a short one: sampled %+v, want none", s)
	}
	for _, s := range []string{long, "Zr8pQw3nXy5v", "Hm4tBk9s", "Wc5xJz2dVn7qLp3rTy6u"} {
		text := strings.Repeat("log line ", 20) + strings.ToUpper(s) + strings.Repeat(" more", 20)
		if got := r.String(text); strings.Contains(strings.ToLower(got), strings.ToLower(s)) {
			t.Errorf("secret %d bytes long left in the output", len(s))
		}
	}
}

// TestSampledCutsAgreeWithFullScan checks the pieces of secrets cut by the
// ends of a text, found through the heads' and tails' sampled filters,
// against the test of every position: texts that start with a suffix of
// a secret and end with a prefix of one, of every length, in either case.
func TestSampledCutsAgreeWithFullScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(42, 10))
	word := wordsOf(rng)
	oneLine := func(n int) string { return strings.ReplaceAll(word(n), "\n", "x") }
	used, found := 0, 0
	for round := range 100 {
		r := newRedactor(t)
		var secrets []string
		for range maxFewAnchors + 1 + rng.IntN(40) {
			secrets = append(secrets, oneLine(minStride+windowLen-1+rng.IntN(50)))
		}
		r.Add(secrets...)
		r.String(strings.Repeat("x", 100)) // builds the ends' sampled filters
		if r.heads.sampled.Load() == nil || r.tails.sampled.Load() == nil {
			continue
		}
		used++
		for range 50 {
			head, tail := secrets[rng.IntN(len(secrets))], secrets[rng.IntN(len(secrets))]
			text := head[rng.IntN(len(head)):] + word(rng.IntN(100)) + tail[:rng.IntN(len(tail)+1)]
			if rng.IntN(2) == 0 {
				text = strings.ToUpper(text)
			}
			if rng.IntN(2) == 0 {
				text = otherAlphabet.Replace(text)
			}
			b := []byte(text)
			got, want := spansBothWays(r, b, edgeStart|edgeEnd, everyPosition)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, %d secrets, %d bytes: sampled %v, every position %v", round, len(secrets), len(b), got, want)
			}
			found += len(got)
		}
	}
	t.Logf("sampled cuts used in %d rounds, %d spans found", used, found)
	if used < 80 || found < 1000 {
		t.Fatalf("sampled cuts used in %d rounds of 100, %d spans found: the test compares too little", used, found)
	}
}

// TestTextPrefix checks appendTextPrefix against the whole text cut, for
// every derivation, every kind, random secrets and lengths.
func TestTextPrefix(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(6, 6))
	for d := asIs; d <= base32StdOf+1; d++ {
		for range 300 {
			src := make([]byte, rng.IntN(60))
			for i := range src {
				src[i] = byte(rng.IntN(256))
			}
			p := pattern{src: string(src), kind: kind(rng.IntN(3)), enc: d}
			whole := p.appendText(nil)
			for n := 1; n <= len(whole)+2; n++ {
				got := p.appendTextPrefix([]byte("x"), n)
				if want := whole[:min(n, len(whole))]; string(got[1:]) != string(want) {
					t.Fatalf("derivation %d, kind %d, %d-byte secret: the first %d bytes are %q, want %q", d, p.kind, len(src), n, got[1:], want)
				}
			}
		}
	}
}
