package redact_test

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/bench/redact/corpus"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/redact"
)

// The workloads of issue 22: about 4 MiB of CI log written to a Writer in
// 4 KiB and 64 KiB writes, and a job record given to JSON; 1 to 10,000
// secrets; sparse (no secret in the text) or dense (one word in 40 a
// secret). The peers (strings.NewReplacer, strings.ReplaceAll per secret,
// an Aho–Corasick automaton) run on the same bytes in bench/redact/peers.

const corpusSize = 4 << 20

var corpusCounts = []int{1, 100, 1000, 10000}

type corpusKey struct {
	n     int
	dense bool
	json  bool
}

var corpora sync.Map // corpusKey → []byte

func corpusText(n int, dense, record bool) ([]byte, []string) {
	secrets := testkit.Secrets(n, 7)
	k := corpusKey{n, dense, record}
	if !dense {
		k.n = 0 // a sparse text does not depend on the secrets
	}
	if v, ok := corpora.Load(k); ok {
		return v.([]byte), secrets
	}
	var text []byte
	if record {
		text = corpus.JobRecord(corpusSize, secrets, dense)
	} else {
		text = corpus.CILog(corpusSize, secrets, dense)
	}
	corpora.Store(k, text)
	return text, secrets
}

// warmUp has r build what its first long mask builds (the sampled
// filters), as a Redactor that has masked before holds it: a one-time
// cost, which BenchmarkFirstLongMask measures.
func warmUp(r *redact.Redactor) { r.String(strings.Repeat("no secret ", 13)) }

func density(dense bool) string {
	if dense {
		return "dense"
	}
	return "sparse"
}

func BenchmarkCILogWriter(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		for _, n := range corpusCounts {
			for _, dense := range []bool{false, true} {
				b.Run(fmt.Sprintf("write=%dKiB/secrets=%d/%s", size>>10, n, density(dense)), func(b *testing.B) {
					text, secrets := corpusText(n, dense, false)
					r, err := redact.New()
					if err != nil {
						b.Fatal(err)
					}
					r.Add(secrets...)
					warmUp(r)
					b.SetBytes(int64(len(text)))
					b.ReportAllocs()
					for b.Loop() {
						w := r.Writer(io.Discard)
						for i := 0; i < len(text); i += size {
							if _, err := w.Write(text[i:min(i+size, len(text))]); err != nil {
								b.Fatal(err)
							}
						}
						if err := w.Close(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkCILogReplacer is strings.NewReplacer over the same log, in the
// same writes (it masks the raw form only, and no secret cut by a write).
func BenchmarkCILogReplacer(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		for _, n := range corpusCounts {
			for _, dense := range []bool{false, true} {
				b.Run(fmt.Sprintf("write=%dKiB/secrets=%d/%s", size>>10, n, density(dense)), func(b *testing.B) {
					text, secrets := corpusText(n, dense, false)
					pairs := make([]string, 0, 2*len(secrets))
					for _, s := range secrets {
						pairs = append(pairs, s, redact.Mask)
					}
					rep := strings.NewReplacer(pairs...)
					b.SetBytes(int64(len(text)))
					b.ReportAllocs()
					for b.Loop() {
						for i := 0; i < len(text); i += size {
							_, _ = rep.WriteString(io.Discard, string(text[i:min(i+size, len(text))]))
						}
					}
				})
			}
		}
	}
}

func BenchmarkRecordJSON(b *testing.B) {
	for _, n := range corpusCounts {
		for _, dense := range []bool{false, true} {
			b.Run(fmt.Sprintf("secrets=%d/%s", n, density(dense)), func(b *testing.B) {
				text, secrets := corpusText(n, dense, true)
				r, err := redact.New()
				if err != nil {
					b.Fatal(err)
				}
				r.Add(secrets...)
				warmUp(r)
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := r.JSON(text); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRecordJSONValid is the floor JSON is measured against: checking
// the same record's syntax, masking nothing.
func BenchmarkRecordJSONValid(b *testing.B) {
	for _, dense := range []bool{false, true} {
		b.Run(density(dense), func(b *testing.B) {
			text, _ := corpusText(1, dense, true)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if !json.Valid(text) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
