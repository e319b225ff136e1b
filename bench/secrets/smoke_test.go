package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs both modes of the program tiny, so that `go test ./...`
// notices when they stop working: three ref+file:// references as run.sh
// writes them (absolute paths, read by vals in process), and the fault
// scenarios for a fraction of a second each with 4 workers. It checks no
// timing.
func TestSmoke(t *testing.T) {
	t.Run("refs", func(t *testing.T) {
		dir := t.TempDir()
		var refs []string
		for i := range 3 {
			file := filepath.Join(dir, fmt.Sprintf("s%d.yaml", i))
			if err := os.WriteFile(file, fmt.Appendf(nil, "db:\n  password: bench-secret-%d\n", i), 0o600); err != nil {
				t.Fatal(err)
			}
			refs = append(refs, "ref+file://"+file+"#/db/password")
		}
		var out strings.Builder
		if err := run(t.Context(), &out, refs); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"refs 3\n", "cold_ns ", "warm_ns ", "cold_one_string_ns "} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("faults", func(t *testing.T) {
		var out strings.Builder
		if err := runFaults(&out, faultSettings{phase: 200 * time.Millisecond, workers: 4, refs: 5}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"errors ", "hang (never returns) ", "slow 2s, refresh 1.5s "} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
}
