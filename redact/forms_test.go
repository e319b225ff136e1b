package redact

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

func TestEncodedFormsAreMasked(t *testing.T) {
	t.Parallel()
	const secret = `p@ss "wo\rd"/1<2>&é+%`
	goJSON := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	tests := []struct {
		name string
		enc  string
	}{
		{"base64 std", base64.StdEncoding.EncodeToString([]byte(secret))},
		{"base64 std unpadded", base64.RawStdEncoding.EncodeToString([]byte(secret))},
		{"base64 url", base64.URLEncoding.EncodeToString([]byte(secret))},
		{"base64 url unpadded", base64.RawURLEncoding.EncodeToString([]byte(secret))},
		{"JSON, Go", goJSON(secret)},
		{"JSON, no HTML escaping", `p@ss \"wo\\rd\"/1<2>&é+%`},
		{"JSON, ASCII only", `p@ss \"wo\\rd\"/1<2>&\u00e9+%`},
		{"JSON, escaped slash", `p@ss \"wo\\rd\"\/1<2>&é+%`},
		{"JSON in JSON", goJSON(`{"k":"` + `p@ss \"wo\\rd\"/1<2>&é+%` + `"}`)},
		{"URL query", url.QueryEscape(secret)},
		{"URL query, lower-case hex", strings.ToLower(url.QueryEscape(secret))},
		{"URL path", url.PathEscape(secret)},
		{"URL path, lower-case hex", lowerHex(url.PathEscape(secret))},
	}
	r := newRedactor(t)
	r.Add(secret)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := r.String("before " + tt.enc + " after")
			testkit.AssertNoLeak(t, "output", out, secret, tt.enc)
			if !strings.HasPrefix(out, "before ") || !strings.HasSuffix(out, " after") {
				t.Errorf("text around the secret changed: %s", testkit.Hide(out, secret, tt.enc))
			}
		})
	}
}

func TestEachLineOfAMultiLineSecret(t *testing.T) {
	t.Parallel()
	key := "-----BEGIN DEMO KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\r\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ\n-----END DEMO KEY-----\n"
	r := newRedactor(t)
	r.Add(key)
	lines := strings.Split(strings.ReplaceAll(key, "\r", ""), "\n")
	for i, line := range lines {
		if line == "" {
			continue
		}
		// A log that shows one line of the key, indented.
		out := r.String("  got: " + line + " (line)")
		if strings.Contains(out, line) {
			t.Errorf("line %d of the key leaked", i)
		}
	}
	// The whole key, re-indented as YAML would.
	indented := "key: |\n    " + strings.Join(lines, "\n    ")
	testkit.AssertNoLeak(t, "output", r.String(indented), lines[1], lines[2])
}

// A secret inside a larger base64 text shares its first and last characters
// with its neighbours; none of the characters that carry a bit of the secret
// may stay visible, whatever the alignment and the alphabet.
func TestBase64InsideLargerEncodedText(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	secrets := []string{"abcd", "hunter22", "s3cr3t-token-value", "\x00\xff\x10binary\x7f"}
	r := newRedactor(t)
	r.Add(secrets...)
	m := r.load()
	for _, secret := range secrets {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			for pre := range 6 {
				for post := range 6 {
					data := make([]byte, pre+len(secret)+post)
					for i := range data {
						data[i] = byte(rng.UintN(256))
					}
					copy(data[pre:], secret)
					text := enc.EncodeToString(data)
					// characters holding a bit of the secret
					first := 8 * pre / 6
					last := (8*(pre+len(secret)) + 5) / 6
					if post == 0 {
						last = len(text) // and the padding after it
					}
					spans := m.spans([]byte(text), nil)
					for c := first; c < last; c++ {
						if !covered(spans, c) {
							t.Errorf("secret of %d bytes, %d bytes in, %d after: encoded character %d visible", len(secret), pre, post, c)
							break
						}
					}
				}
			}
		}
	}
}

func covered(spans []span, i int) bool {
	for _, s := range spans {
		if s.start <= i && i < s.end {
			return true
		}
	}
	return false
}

func TestBase64CoresAreLongEnough(t *testing.T) {
	t.Parallel()
	// With the default minimum, every core of a secret at the minimum length
	// is long enough to be searched, so the base64 of a long secret is always
	// masked inside text.
	for n := DefaultMinLength; n < 40; n++ {
		for align := range 3 {
			core, _ := base64Core(strings.Repeat("x", n), base64.RawStdEncoding, align)
			if len(core) < DefaultMinLength {
				t.Errorf("secret of %d bytes at alignment %d: core of %d characters", n, align, len(core))
			}
		}
	}
}

func TestAppendJSONEscaped(t *testing.T) {
	t.Parallel()
	in := "a\"b\\c\n\r\t\b\f\x01</>&é😀\u2028\xff"
	want := `a\"b\\c\n\r\t\b\f\u0001</>&é😀\u2028\ufffd`
	if got := string(appendJSONEscaped(nil, in)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// encoding/json decodes what went in (but for the invalid byte).
	var back string
	if err := json.Unmarshal([]byte(`"`+string(appendJSONEscaped(nil, in[:len(in)-1]))+`"`), &back); err != nil || back != in[:len(in)-1] {
		t.Errorf("round trip: %q, %v", back, err)
	}
}

// lowerHex rewrites the %XX escapes of a URL-escaped text in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

// Secrets that differ only in ASCII case are one folded pattern: 4,096 of
// them were 4,096 patterns under one anchor, which each position of a text
// near them walked (21.9 s for 1 MB).
func TestCaseVariantsAreOnePattern(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	const secret = "abcdefghijkl"
	for i := range 512 {
		b := []byte(secret)
		for j := range b {
			if i>>j&1 == 1 {
				b[j] -= 'a' - 'A'
			}
		}
		r.Add(string(b))
	}
	n := 0
	for id := range r.ix.patterns {
		if p := r.ix.pattern(id); p.kind == folded && strings.EqualFold(string(p.appendText(nil)), secret) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d folded patterns for the case variants of one secret, want 1", n)
	}
	if got := r.String("x ABCdefGHIjkl x"); got != "x "+Mask+" x" {
		t.Errorf("got %q", got)
	}
}
