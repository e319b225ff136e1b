package main

import (
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/moto"
)

// TestSmoke runs the comparison tiny (3 parameters, one timed run) against
// moto_server, without the vals program of the baseline, so that `go test
// ./...` notices when the program stops working. It checks no timing.
// Without moto_server it skips (fails under HUSHFLOW_REQUIRE_MOTO=1), as the
// other AWS tests do.
func TestSmoke(t *testing.T) {
	srv := moto.Use(t)
	var out strings.Builder
	if err := run(t.Context(), &out, srv, "", 3, 1); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Resolve cold, one after another", "Resolve cold, one string of all", "floor: one SDK client", "above the floor"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
