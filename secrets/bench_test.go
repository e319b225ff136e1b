package secrets_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/helmfile/vals"

	"github.com/hushflow/hushflow/secrets"
)

func BenchmarkResolve(b *testing.B) {
	const ref = "ref+fake://db/password"
	f := newFake(map[string]string{ref: "S3CRET-bench"})
	r := newResolver(b, f)
	ctx := context.Background()
	if _, err := r.Resolve(ctx, ref); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, in string }{
		{"CacheHit", ref},
		{"CacheHitInText", "DB_PASSWORD=ref+fake://db/password+; export DB_PASSWORD"},
		{"Plain", "deploy --env prod --replicas 3"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				if _, err := r.Resolve(ctx, bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The baseline the issue quotes: vals' own Get on a string with no reference.
func BenchmarkValsRuntimeGetPlain(b *testing.B) {
	rt, err := vals.New(vals.Options{LogOutput: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rt.Get("deploy --env prod --replicas 3"); err != nil {
			b.Fatal(err)
		}
	}
}

// 100 distinct references, cold, against a backend that takes 50 ms per
// call: one after the other that is 5 s.
func BenchmarkResolve100DistinctCold50ms(b *testing.B) {
	refs := make([]string, 100)
	values := map[string]string{}
	for i := range refs {
		refs[i] = fmt.Sprintf("ref+fake://app/key%d", i)
		values[refs[i]] = fmt.Sprintf("S3CRET-%d", i)
	}
	b.Run("OneStringOfAll", func(b *testing.B) {
		in := strings.Join(refs, " ")
		for b.Loop() {
			f := newFake(values)
			f.latency = 50 * time.Millisecond
			r := newResolver(b, f)
			if _, err := r.Resolve(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OneCallerPerRef", func(b *testing.B) {
		for b.Loop() {
			f := newFake(values)
			f.latency = 50 * time.Millisecond
			r := newResolver(b, f)
			var wg sync.WaitGroup
			for _, ref := range refs {
				wg.Go(func() {
					if _, err := r.Resolve(context.Background(), ref); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()
		}
	})
}

// 64 goroutines miss the same reference at once: one backend call.
func BenchmarkResolve64SameMiss(b *testing.B) {
	const ref = "ref+fake://shared/key"
	var calls int64
	for b.Loop() {
		f := newFake(map[string]string{ref: "S3CRET"})
		f.latency = 10 * time.Millisecond
		r := newResolver(b, f)
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				if _, err := r.Resolve(context.Background(), ref); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		calls += f.total.Load()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "backend-calls/op")
}

// Through the real vals file backend: 100 references, cold (a fresh resolver,
// a fresh vals runtime per reference) and warm.
func BenchmarkValsFile100(b *testing.B) {
	dir := b.TempDir()
	refs := make([]string, 100)
	for i := range refs {
		p := filepath.Join(dir, fmt.Sprintf("s%d.yaml", i))
		if err := os.WriteFile(p, fmt.Appendf(nil, "db:\n  password: S3CRET-%d\n", i), 0o600); err != nil {
			b.Fatal(err)
		}
		refs[i] = "ref+file://" + p + "#/db/password"
	}
	ctx := context.Background()
	resolveAll := func(r *secrets.Resolver) {
		for _, ref := range refs {
			if _, err := r.Resolve(ctx, ref); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("Cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resolveAll(newValsResolver(b))
		}
	})
	b.Run("Warm", func(b *testing.B) {
		r := newValsResolver(b)
		resolveAll(r)
		b.ReportAllocs()
		for b.Loop() {
			resolveAll(r)
		}
	})
}
