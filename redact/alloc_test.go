package redact

import (
	"io"
	"testing"

	"github.com/hushflow/hushflow/bench/redact/corpus"
)

// A Writer in its steady state allocates at most once a Write: it reuses
// its buffer, its output and the buffers of its views (issue 22's goal).
func TestWriterSteadyStateAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1 MiB log")
	}
	for _, n := range []int{1, 100} { // few patterns, many
		secrets := testSecrets(n)
		text := corpus.CILog(1<<20, secrets, true)
		r := newRedactor(t)
		r.Add(secrets...)
		for _, size := range []int{4 << 10, 64 << 10} {
			w := r.Writer(io.Discard)
			i := 0
			next := func() {
				if i+size > len(text) {
					i = 0
				}
				_, _ = w.Write(text[i : i+size])
				i += size
			}
			for range 32 { // warm up: buffers reach their size
				next()
			}
			if allocs := testing.AllocsPerRun(64, next); allocs > 1 {
				t.Errorf("%d secrets, writes of %d bytes: %.1f allocations a Write, want at most 1", n, size, allocs)
			}
			_ = w.Close()
		}
	}
}
