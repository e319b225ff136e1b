package loader_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/internal/benchws"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
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

// latencyBackend answers every reference after a fixed delay.
type latencyBackend struct{ delay time.Duration }

func (b latencyBackend) Get(ctx context.Context, r string) (string, error) {
	select {
	case <-time.After(b.delay):
		return "value-of-" + r, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// BenchmarkLoadSecrets100 loads a secrets: section of 100 distinct
// references against a backend that takes 50ms a call, cold each time:
// resolved one after another it would take 5s.
func BenchmarkLoadSecrets100(b *testing.B) {
	var doc strings.Builder
	doc.WriteString("secrets:\n")
	for i := range 100 {
		fmt.Fprintf(&doc, "  S%03d: \"{{ 'ref+slow://secret-%03d' | vals }}\"\n", i, i)
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(doc.String())}}
	for _, bc := range []struct {
		name string
		opts []secrets.Option
	}{
		{"concurrency=default", nil},
		{"concurrency=100", []secrets.Option{secrets.WithConcurrency(100)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := append([]secrets.Option{secrets.WithBackend(latencyBackend{50 * time.Millisecond}), secrets.WithSchemes("slow")}, bc.opts...)
			for b.Loop() {
				ws, err := loader.Load(b.Context(), fsys, loader.WithResolverOptions(opts...))
				if err != nil {
					b.Fatal(err)
				}
				if len(ws.Secrets()) != 100 {
					b.Fatal("secrets missing")
				}
			}
		})
	}
}
