package loader_test

import (
	"testing"

	"github.com/hushflow/hushflow/internal/benchws"
	"github.com/hushflow/hushflow/loader"
)

// BenchmarkLoad loads a generated workspace of 50 files, 10 of them
// encrypted with sops to an age key handed in as a value.
func BenchmarkLoad(b *testing.B) {
	ws, err := benchws.Generate(benchws.Spec{Files: 50, Encrypted: 10})
	if err != nil {
		b.Fatal(err)
	}
	fsys := ws.FS()
	b.ReportAllocs()
	for b.Loop() {
		w, err := loader.Load(b.Context(), fsys, loader.WithAgeIdentities(ws.Identity))
		if err != nil {
			b.Fatal(err)
		}
		if len(w.Files()) != 50 {
			b.Fatalf("%d files", len(w.Files()))
		}
	}
}
