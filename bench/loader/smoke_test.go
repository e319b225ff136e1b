package main

import (
	"os/exec"
	"testing"
)

// TestSmoke runs the program's comparison once (one timed run of each
// side), so that `go test ./...` notices when it stops working. The sops
// program is not installed here, so true(1) stands in for it: the baseline's
// processes run and succeed but decrypt nothing, and the test checks only
// that the loader's side loads the generated workspace (run fails if it
// loads other than 50 files). No timing is checked.
func TestSmoke(t *testing.T) {
	stand, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1) to stand in for the sops program:", err)
	}
	if err := run(t.Context(), stand, 1); err != nil {
		t.Fatal(err)
	}
}
