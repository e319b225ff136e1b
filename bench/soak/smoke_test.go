package main

import (
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the soak for 3 s with 4 workers, 100 known secrets and 10
// references, through the whole fault schedule (each phase a few hundred
// milliseconds), so that `go test ./...` notices when the program stops
// working. It checks that it ran and printed its summary, no timing.
func TestSmoke(t *testing.T) {
	s := settings{
		duration: 3 * time.Second, workers: 4, known: 100, growth: 5, refs: 10, recordKB: 4, rate: 20,
		reload: 200 * time.Millisecond, refresh: time.Second, deadline: 100 * time.Millisecond,
	}
	var out strings.Builder
	if err := run(s, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"loaded 10 references and 100 known secrets", "whole run:", "render  n=", "recovery:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
