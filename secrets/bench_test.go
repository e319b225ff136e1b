package secrets_test

import (
	"context"
	"errors"
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
			f.SetLatency(50 * time.Millisecond)
			r := newResolver(b, f)
			if _, err := r.Resolve(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OneCallerPerRef", func(b *testing.B) {
		for b.Loop() {
			f := newFake(values)
			f.SetLatency(50 * time.Millisecond)
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
		f.SetLatency(10 * time.Millisecond)
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
		calls += f.Total()
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

// A snapshot's pinned value, as the loader serves an inline | vals.
func BenchmarkSnapshotHit(b *testing.B) {
	const ref = "ref+fake://db/password"
	r := newResolver(b, newFake(map[string]string{ref: "S3CRET-bench"}))
	snap := r.Snapshot()
	ctx := context.Background()
	if _, err := snap.Resolve(ctx, ref); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snap.Resolve(ctx, ref); err != nil {
			b.Fatal(err)
		}
	}
}

// During an outage: a reference whose breaker is open fails at once, and a
// stale value is served at once, instead of each waiting for the backend.
func BenchmarkOutage(b *testing.B) {
	const ref = "ref+fake://db/password"
	ctx := context.Background()
	b.Run("FailFast", func(b *testing.B) {
		f := newFake(nil)
		f.FailAll(errDown)
		r := newResolver(b, f, secrets.WithCircuitBreaker(1, time.Hour, time.Hour))
		_, _ = r.Resolve(ctx, ref)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Resolve(ctx, ref); !errors.Is(err, secrets.ErrCircuitOpen) {
				b.Fatal(err)
			}
		}
	})
	b.Run("StaleIfError", func(b *testing.B) {
		f := newFake(map[string]string{ref: "S3CRET"})
		r := newResolver(b, f, secrets.WithCircuitBreaker(1, time.Hour, time.Hour))
		_, _ = r.Resolve(ctx, ref)
		r.MarkStale()
		f.FailAll(errDown)
		b.ReportAllocs()
		for b.Loop() {
			if v, err := r.Resolve(ctx, ref); err != nil || v != "S3CRET" {
				b.Fatal(err)
			}
		}
	})
}

// MarkStale over a full cache (it rewrites every entry under the lock).
func BenchmarkMarkStale10k(b *testing.B) {
	values := map[string]string{}
	for i := range 10_000 {
		values[fmt.Sprintf("ref+fake://k/%d", i)] = "v"
	}
	r := newResolver(b, newFake(values))
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for ref := range values { // refetched: fresh again
			if _, err := r.Resolve(ctx, ref); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		r.MarkStale()
	}
}
