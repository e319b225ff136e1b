package redact

import (
	"fmt"
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

// JSON allocates for its output, not for each value of its input: a
// numeric secret has every number's texts written out (floatLeaks), into a
// buffer that is reused.
func TestJSONAllocationsDoNotGrowWithNumbers(t *testing.T) {
	if raceEnabled {
		t.Skip("under the race detector sync.Pool drops the scratch at random: the count would not be the code's")
	}
	r := newRedactor(t)
	r.Add("8675309123", "s3cr3t-value-of-the-job") // one numeric secret
	record := func(numbers int) []byte {
		b := []byte(`{"values":[`)
		for i := range numbers {
			if i > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, "%d.5", 1000+i)
		}
		return append(b, "]}"...)
	}
	few, many := record(10), record(2000)
	allocs := func(doc []byte) float64 {
		return testing.AllocsPerRun(20, func() {
			if _, err := r.JSON(doc); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(few), allocs(many); b > a+2 {
		t.Errorf("JSON of 10 numbers allocates %.0f times, of 2,000 numbers %.0f times: want the same", a, b)
	}
}
