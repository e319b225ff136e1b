package redact

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// benchSecretCounts are the sizes of the goals: ≥ 150 MB/s with 1,000
// secrets, and ≥ 20× the one-secret-after-another loop at 1,000.
var benchSecretCounts = []int{1, 100, 1000, 10000}

const benchRecordSize = 10 << 20

// benchRecord is the 10 MB job record, made once for all benchmarks (its text
// does not depend on the number of secrets).
var benchRecord = sync.OnceValues(func() ([]byte, any) {
	doc, _ := jobRecord(benchRecordSize, 1)
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		panic(err)
	}
	return doc, v
})

func benchRedactor(b *testing.B, n int) *Redactor {
	r := newRedactor(b)
	r.Add(testSecrets(n)...)
	return r
}

func BenchmarkValue(b *testing.B) {
	doc, v := benchRecord()
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r := benchRedactor(b, n)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				r.Value(v)
			}
		})
	}
}

func BenchmarkJSON(b *testing.B) {
	doc, _ := benchRecord()
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r := benchRedactor(b, n)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.JSON(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBaselineReplaceAll is the loop this package replaces: one
// strings.ReplaceAll per secret, over the whole JSON text at once (kinder to
// the loop than one pass per field). It leaks overlapping secrets and knows
// no encodings; it is here for its speed only.
func BenchmarkBaselineReplaceAll(b *testing.B) {
	doc, _ := benchRecord()
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets := testSecrets(n)
			text := string(doc)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				out := text
				for _, s := range secrets {
					out = strings.ReplaceAll(out, s, Mask)
				}
			}
		})
	}
}

// BenchmarkBaselineValue is the same loop field by field, as the engine this
// package replaces ran it on a job record's values.
func BenchmarkBaselineValue(b *testing.B) {
	doc, v := benchRecord()
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets := testSecrets(n)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				replaceEach(v, secrets)
			}
		})
	}
}

func replaceEach(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		for _, s := range secrets {
			x = strings.ReplaceAll(x, s, Mask)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = replaceEach(e, secrets)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = replaceEach(e, secrets)
		}
		return out
	}
	return v
}

// BenchmarkSpans is the matcher alone on the record's text as one string:
// the automaton, the confirmation of hits, and references.
func BenchmarkSpans(b *testing.B) {
	doc, _ := benchRecord()
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r := benchRedactor(b, n)
			b.Logf("%d patterns, %d anchors", r.ix.patterns, r.ix.anchors)
			m := r.load()
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			var spans []span
			for b.Loop() {
				spans = m.spans(doc, spans)
			}
		})
	}
}

func BenchmarkWriter(b *testing.B) {
	doc, _ := benchRecord()
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			r := benchRedactor(b, n)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				w := r.Writer(io.Discard)
				for i := 0; i < len(doc); i += 4096 {
					_, _ = w.Write(doc[i:min(i+4096, len(doc))])
				}
				_ = w.Close()
			}
		})
	}
}

// BenchmarkAdd is the cost of teaching a fresh Redactor n secrets: deriving
// their forms in Add, and building the automaton at the first mask after.
func BenchmarkAdd(b *testing.B) {
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets := testSecrets(n)
			b.ReportAllocs()
			for b.Loop() {
				r := newRedactor(b)
				r.Add(secrets...)
				r.String("")
			}
		})
	}
}

// BenchmarkFirstLongMask is the one-time cost the benchmarks of masking
// leave out: Add, then the first mask of a text long enough to be sampled
// (128 bytes, its ends cut), which builds the sampled filters. Only the
// mask is timed.
func BenchmarkFirstLongMask(b *testing.B) {
	text := strings.Repeat("no secret ", 13)
	for _, n := range benchSecretCounts {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets := testSecrets(n)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				r := newRedactor(b)
				r.Add(secrets...)
				b.StartTimer()
				r.String(text)
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	r := benchRedactor(b, 1000)
	for _, tc := range []struct{ name, in string }{
		{"clean", "deploying service shard 42 to eu-north-1 ... ok"},
		{"secret", "Authorization: Bearer " + testSecrets(1)[0]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.in)))
			b.ReportAllocs()
			for b.Loop() {
				r.String(tc.in)
			}
		})
	}
}

// denseRecord is a 10 MB JSON record of words where one word in 40 is one of
// secrets, taken in turn: many matches, not only many patterns.
func denseRecord(secrets []string) []byte {
	rng := rand.New(rand.NewPCG(3, 3))
	words := []string{"deploy", "shard", "eu-north-1", "ok", "retrying", "connection", "service", "42", "--verbose", "finished"}
	var lines []string
	var line strings.Builder
	total := 0
	for i := 0; total < benchRecordSize; i++ {
		if i%40 == 39 {
			line.WriteString(secrets[(i/40)%len(secrets)])
		} else {
			line.WriteString(words[rng.IntN(len(words))])
		}
		line.WriteByte(' ')
		if line.Len() > 200 {
			total += line.Len() + 4
			lines = append(lines, line.String())
			line.Reset()
		}
	}
	doc, err := json.Marshal(map[string]any{"logs": lines})
	if err != nil {
		panic(err)
	}
	return doc
}

// BenchmarkJSONDense masks a record where one word in 40 is a known secret,
// with 1 and with 10,000 known: the goal is that 10,000 cost less than
// twice what one costs.
func BenchmarkJSONDense(b *testing.B) {
	for _, n := range []int{1, 1000, 10000} {
		b.Run(fmt.Sprintf("secrets=%d", n), func(b *testing.B) {
			secrets := testSecrets(n)
			doc := denseRecord(secrets)
			r := newRedactor(b)
			r.Add(secrets...)
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.JSON(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEscapeDense masks 1 MB texts made of escapes, with a short, a
// long and a PEM-sized secret known: the cost must not grow with the
// secret's length (it did, as the text's length times the secret's).
func BenchmarkEscapeDense(b *testing.B) {
	texts := []struct{ name, unit string }{
		{"backslashes", `\\`},
		{"percent", "%41"},
		{"escaped-json", `{\"level\":\"info\",\"msg\":\"request served ok\"}` + "\n"},
	}
	for _, size := range []int{8, 256, 1700} {
		secret := strings.Repeat("k3y", size/3+1)[:size]
		for _, tt := range texts {
			b.Run(fmt.Sprintf("secret=%d/%s", size, tt.name), func(b *testing.B) {
				r := newRedactor(b)
				r.Add(secret)
				text := strings.Repeat(tt.unit, 1<<20/len(tt.unit))
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					r.String(text)
				}
			})
		}
	}
}
