package redact

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// writeInPieces writes text to a Writer cut at the given offsets and returns
// what came out after Close.
func writeInPieces(t *testing.T, r *Redactor, text string, cuts ...int) string {
	t.Helper()
	var out bytes.Buffer
	w := r.Writer(&out)
	prev := 0
	for _, c := range append(cuts, len(text)) {
		if n, err := w.Write([]byte(text[prev:c])); err != nil || n != c-prev {
			t.Fatalf("Write = %d, %v", n, err)
		}
		prev = c
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// writeInSizes streams text through a Writer of r in writes of size bytes
// (the last one shorter) and returns what it wrote.
func writeInSizes(t *testing.T, r *Redactor, text string, size int) string {
	t.Helper()
	var cuts []int
	for c := size; c < len(text); c += size {
		cuts = append(cuts, c)
	}
	return writeInPieces(t, r, text, cuts...)
}

func TestWriterMasksSecretsSplitAcrossWrites(t *testing.T) {
	t.Parallel()
	secrets := []string{"abcd", "abcdef", "abab", "hunter22", "s3cr3t-token-value"}
	r := newRedactor(t)
	r.Add(secrets...)
	texts := []string{
		"log: abcdefgh and ababab, password=hunter22\n",
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("user:s3cr3t-token-value")) + "\n",
		"fetching ref+vault://secret/data/api#token+ then ref+awsssm:///prod/db at the end",
		"secretref+file://a.yaml#/k hunter22hunter22 x",
		"no secret in this line at all, just text that is long enough to be flushed early\n",
	}
	for _, text := range texts {
		want := r.String(text)
		for cut := 0; cut <= len(text); cut++ {
			if got := writeInPieces(t, r, text, cut); got != want {
				t.Fatalf("cut at %d: got %s, want %s", cut, testkit.Hide(got, secrets...), testkit.Hide(want, secrets...))
			}
		}
		every := make([]int, 0, len(text))
		for i := 1; i < len(text); i++ {
			every = append(every, i)
		}
		if got := writeInPieces(t, r, text, every...); got != want {
			t.Fatalf("byte by byte: got %s, want %s", testkit.Hide(got, secrets...), testkit.Hide(want, secrets...))
		}
	}
}

func TestWriterRandomPiecesMatchString(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	secrets := testSecrets(30)
	r := newRedactor(t)
	r.Add(secrets...)
	var sb strings.Builder
	for i := range 400 {
		sb.WriteString("line ")
		if i%7 == 0 {
			sb.WriteString(secrets[rng.IntN(len(secrets))])
		}
		if i%11 == 0 {
			sb.WriteString(" ref+vault://kv/app#key" + strings.Repeat("x", i%5))
		}
		sb.WriteString(" end\n")
	}
	text := sb.String()
	want := r.String(text)
	for range 20 {
		var cuts []int
		for c := rng.IntN(50); c < len(text); c += 1 + rng.IntN(120) {
			cuts = append(cuts, c)
		}
		if got := writeInPieces(t, r, text, cuts...); got != want {
			t.Fatal("random pieces give another result than String")
		}
	}
	testkit.AssertNoLeak(t, "output", want, secrets...)
}

func TestWriterHoldsBackOnlyTheLongestPattern(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("a-secret-of-some-length", "another-one")
	hold := r.load().maxLen + 4
	var out bytes.Buffer
	w := r.Writer(&out)
	text := strings.Repeat("plain log text ", 100)
	for i := 0; i < len(text); i += 7 {
		_, _ = w.Write([]byte(text[i:min(i+7, len(text))]))
		written := min(i+7, len(text))
		if held := written - out.Len(); held > hold {
			t.Fatalf("after %d bytes, %d held back, want at most %d", written, held, hold)
		}
	}
	_ = w.Close()
	if out.String() != text {
		t.Error("text without a secret changed")
	}
}

func TestWriterHoldsAReferenceUntilItEnds(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	var out bytes.Buffer
	w := r.Writer(&out)
	_, _ = w.Write([]byte("fetch ref+vault://secret/data/very/long/path/that/keeps/going/on/and/on"))
	if strings.Contains(out.String(), "ref+") || strings.Contains(out.String(), "vault") {
		t.Fatalf("part of an open reference was written: %q", out.String())
	}
	_, _ = w.Write([]byte("/more#token"))
	_, _ = w.Write([]byte(" done\n"))
	if want := "fetch " + Mask; !strings.HasPrefix(out.String(), want) {
		t.Errorf("after the reference ended: got %q, want %q first", out.String(), want)
	}
	_ = w.Close()
	if want := "fetch " + Mask + " done\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}

	// Close ends a reference.
	out.Reset()
	w = r.Writer(&out)
	_, _ = w.Write([]byte("x ref+awsssm:///prod/db/password"))
	_ = w.Close()
	if want := "x " + Mask; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestWriterMasksAnOverlongReference(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	var out bytes.Buffer
	w := r.Writer(&out)
	_, _ = w.Write([]byte("start ref+vault://"))
	for range 100 {
		_, _ = w.Write([]byte(strings.Repeat("p", 100)))
	}
	// Masked once it grew past maxReferenceHold, before it ended.
	if want := "start " + Mask; out.String() != want {
		t.Errorf("before the reference ends: got %.80q, want %q", out.String(), want)
	}
	_, _ = w.Write([]byte("ppp+ after\n"))
	_ = w.Close()
	if want := "start " + Mask + " after\n"; out.String() != want {
		t.Errorf("got %.80q, want %q", out.String(), want)
	}
}

func TestWriterAfterClose(t *testing.T) {
	t.Parallel()
	w := newRedactor(t).Writer(io.Discard)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close = %v, want os.ErrClosed", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriterReportsTheDownstreamError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk full")
	w := newRedactor(t).Writer(failingWriter{boom})
	long := strings.Repeat("x", 100)
	if _, err := w.Write([]byte(long)); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
	if _, err := w.Write([]byte(long)); !errors.Is(err, boom) {
		t.Errorf("second Write = %v, want the same error", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v, want the same error", err)
	}
}

func TestWriterConcurrentWrites(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("hunter22")
	var out bytes.Buffer
	w := r.Writer(&out)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = w.Write([]byte("password=hunter22\n"))
			}
		})
	}
	wg.Wait()
	_ = w.Close()
	if got, want := out.String(), strings.Repeat("password="+Mask+"\n", 800); got != want {
		t.Errorf("concurrent writes: %d bytes, want %d", len(got), len(want))
	}
}

// Base64 wrapped in lines, written in two pieces cut inside a line: the
// Writer keeps only the tail of the first piece, whose line then looked too
// short to be a wrapped line, and the secret across the next break showed
// (52 of 160 cuts of this text).
func TestWriterWrappedBase64CutInsideALine(t *testing.T) {
	t.Parallel()
	const secret = "Zq9-hunter2-XYZ"
	r := newRedactor(t)
	r.Add(secret)
	filler := strings.Repeat("the quick brown fox jumps over the lazy dog. ", 3)
	for _, tt := range []struct {
		width int
		eol   string
	}{{64, "\n"}, {76, "\r\n"}, {76, "\n"}} {
		for _, off := range []int{0, 7, 13, 22, 31} {
			plain := filler[:40+off] + secret + filler
			enc := base64.StdEncoding.EncodeToString([]byte(plain))
			// The characters of the encoding that only the secret decides.
			from, to := (40+off)*4/3+2, (40+off+len(secret))*4/3-2
			core := enc[from:to]
			text := "data:\n" + wrapLines(enc, tt.width, tt.eol) + "\nend\n"
			for cut := range len(text) + 1 {
				got := writeInPieces(t, r, text, cut)
				if joined := strings.NewReplacer("\r", "", "\n", "").Replace(got); strings.Contains(joined, core) {
					t.Fatalf("width %d, offset %d, cut at %d: the secret's base64 shows", tt.width, off, cut)
				}
			}
		}
	}
}

func wrapLines(s string, width int, eol string) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + eol)
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

// What the Writer holds back counts, for each trigger byte, a whole escape
// sequence and the indentation after a line break: a secret of 20 '∲'
// written as &ClockwiseContourIntegral; (26 bytes for 3) and base64
// indented 60 columns showed at some cuts when each trigger counted 16
// bytes. Base64 wrapped at widths that are not whole quanta (base64 -w 70)
// is joined too.
func TestWriterHoldsLongSequences(t *testing.T) {
	t.Parallel()
	entities := strings.Repeat("\u2232", 20) + "tail"
	indented := strings.Repeat("s3cr3t-key-material/", 10)
	wide := "correct horse battery staple, and a long enough secret value 0123456789"
	tests := []struct {
		name, secret, text string
	}{
		{"long named references", entities, "x " + strings.Repeat("&ClockwiseContourIntegral;", 20) + "tail y"},
		{"long named references, escaped twice", entities, "x " + strings.Repeat("&amp;ClockwiseContourIntegral;", 20) + "tail y"},
		{"base64 indented 60 columns", indented, "key: |\n" + indentLines(wrapLines(base64.StdEncoding.EncodeToString([]byte(indented)), 64, "\n"), 60) + "\nnext: 1\n"},
		{"base64 indented 80 columns, CRLF", indented, "key: |\r\n" + indentLines(wrapLines(base64.StdEncoding.EncodeToString([]byte(indented)), 64, "\r\n"), 80) + "\r\nnext: 1\r\n"},
		{"base64 at 70 columns", wide, "data:\n" + wrapLines(base64.StdEncoding.EncodeToString([]byte(wide)), 70, "\n") + "\nend\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRedactor(t)
			r.Add(tt.secret)
			want := r.String(tt.text)
			if want == tt.text {
				t.Fatal("String masks nothing")
			}
			for cut := range len(tt.text) + 1 {
				if got := writeInPieces(t, r, tt.text, cut); got != want {
					t.Fatalf("cut at %d: the Writer's output differs from String's:\n%s", cut, testkit.Hide(got, tt.secret))
				}
			}
		})
	}
}

// indentLines puts n spaces before each line of s.
func indentLines(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
