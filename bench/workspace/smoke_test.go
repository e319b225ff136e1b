package main

import (
	"strings"
	"testing"
)

// TestSmoke runs the program's hushflow side tiny (5 files, 3 references,
// 3 steps, one timed run), without the sops and vals programs of the
// baseline, so that `go test ./...` notices when it stops working. It
// checks no timing.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	cfg := config{runs: 1, files: 5, encrypted: 2, refs: 3, steps: 3}
	if err := run(t.Context(), &out, cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "hushflow (LoadDir + 3 RenderStep") {
		t.Errorf("output:\n%s", out.String())
	}
}
