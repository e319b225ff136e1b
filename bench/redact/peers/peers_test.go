package peers

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/hushflow/hushflow/bench/redact/corpus"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/redact"
)

const corpusSize = 4 << 20

var counts = []int{1, 100, 1000, 10000}

// masker masks one piece of text (a Write, or the whole record).
type masker struct {
	name string
	make func(b *testing.B, secrets []string) func(w io.Writer, p []byte)
}

var peers = []masker{
	{"NewReplacer", func(b *testing.B, secrets []string) func(io.Writer, []byte) {
		pairs := make([]string, 0, 2*len(secrets))
		for _, s := range secrets {
			pairs = append(pairs, s, redact.Mask)
		}
		rep := strings.NewReplacer(pairs...)
		return func(w io.Writer, p []byte) { _, _ = rep.WriteString(w, string(p)) }
	}},
	{"AhoCorasick", func(b *testing.B, secrets []string) func(io.Writer, []byte) {
		builder := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.LeftMostLongestMatch, DFA: true})
		rep := ahocorasick.NewReplacer(builder.Build(secrets))
		mask := func(ahocorasick.Match) (string, bool) { return redact.Mask, true }
		return func(w io.Writer, p []byte) { _, _ = io.WriteString(w, rep.ReplaceAllFunc(string(p), mask)) }
	}},
	{"ReplaceAll", func(b *testing.B, secrets []string) func(io.Writer, []byte) {
		return func(w io.Writer, p []byte) {
			s := string(p)
			for _, secret := range secrets {
				s = strings.ReplaceAll(s, secret, redact.Mask)
			}
			_, _ = io.WriteString(w, s)
		}
	}},
}

func density(dense bool) string {
	if dense {
		return "dense"
	}
	return "sparse"
}

func newRedactor(b *testing.B, secrets []string) *redact.Redactor {
	r, err := redact.New()
	if err != nil {
		b.Fatal(err)
	}
	r.Add(secrets...)
	// The first long mask builds the sampled filters, a one-time cost
	// (redact's BenchmarkFirstLongMask) like the peers' set-up.
	r.String(strings.Repeat("no secret ", 13))
	return r
}

// BenchmarkLog writes the CI log in writes of 4 KiB and 64 KiB: to the
// redactor's Writer, and through each peer write by write.
func BenchmarkLog(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		for _, n := range counts {
			for _, dense := range []bool{false, true} {
				secrets := testkit.Secrets(n, 7)
				text := corpus.CILog(corpusSize, secrets, dense)
				prefix := fmt.Sprintf("write=%dKiB/secrets=%d/%s/", size>>10, n, density(dense))
				b.Run(prefix+"hushflow", func(b *testing.B) {
					r := newRedactor(b, secrets)
					b.SetBytes(int64(len(text)))
					b.ReportAllocs()
					for b.Loop() {
						w := r.Writer(io.Discard)
						for i := 0; i < len(text); i += size {
							_, _ = w.Write(text[i:min(i+size, len(text))])
						}
						_ = w.Close()
					}
				})
				for _, p := range peers {
					if p.name == "ReplaceAll" && n > 1000 {
						continue // minutes per pass: its cost is writes × secrets
					}
					b.Run(prefix+p.name, func(b *testing.B) {
						mask := p.make(b, secrets)
						b.SetBytes(int64(len(text)))
						b.ReportAllocs()
						for b.Loop() {
							for i := 0; i < len(text); i += size {
								mask(io.Discard, text[i:min(i+size, len(text))])
							}
						}
					})
				}
			}
		}
	}
}

// BenchmarkRecord masks a job record written by encoding/json: the
// redactor's JSON, each peer over the whole text, and json.Valid on the
// same bytes, the floor.
func BenchmarkRecord(b *testing.B) {
	for _, n := range counts {
		for _, dense := range []bool{false, true} {
			secrets := testkit.Secrets(n, 7)
			text := corpus.JobRecord(corpusSize, secrets, dense)
			prefix := fmt.Sprintf("secrets=%d/%s/", n, density(dense))
			b.Run(prefix+"hushflow", func(b *testing.B) {
				r := newRedactor(b, secrets)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := r.JSON(text); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(prefix+"json.Valid", func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					if !json.Valid(text) {
						b.Fatal("invalid")
					}
				}
			})
			for _, p := range peers {
				if p.name == "ReplaceAll" && n > 1000 {
					continue
				}
				b.Run(prefix+p.name, func(b *testing.B) {
					mask := p.make(b, secrets)
					b.SetBytes(int64(len(text)))
					b.ReportAllocs()
					for b.Loop() {
						mask(io.Discard, text)
					}
				})
			}
		}
	}
}
