package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// faultSettings size runFaults: the program's are 3 s a fault, 64 workers
// and 100 references; the smoke test's are tiny.
type faultSettings struct {
	phase   time.Duration // how long each fault lasts
	workers int
	refs    int
}

// runFaults puts a Resolver with default settings in front of a fake
// backend and s.workers workers that resolve with a 100 ms deadline, then
// breaks the backend three ways (it fails, it hangs for good, it is slower
// than the refresh interval) and prints, for each, what the workers saw
// during the fault and how long after the backend recovered the first new
// reference resolved.
func runFaults(out io.Writer, s faultSettings) error {
	fmt.Fprintln(out, "fault                   ok%   p50_ms  p99_ms  recovery_ms  goroutines_after")
	for _, fault := range []struct {
		name   string
		inject func(*secretstest.Store, *secrets.Resolver) (recover func())
	}{
		{"errors", func(f *secretstest.Store, _ *secrets.Resolver) func() {
			f.FailAll(errors.New("connection refused"))
			return func() { f.FailAll(nil) }
		}},
		{"hang (never returns)", func(f *secretstest.Store, _ *secrets.Resolver) func() {
			f.Hang() // the hung calls are never released
			return f.ResumeNew
		}},
		{"slow 2s, refresh 1.5s", func(f *secretstest.Store, r *secrets.Resolver) func() {
			f.SetLatency(2 * time.Second)
			stop := make(chan struct{})
			go func() {
				t := time.NewTicker(1500 * time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						r.MarkStale()
					}
				}
			}()
			return func() { close(stop); f.SetLatency(0) }
		}},
	} {
		f := secretstest.New(nil)
		for i := range s.refs {
			f.Set(fmt.Sprintf("ref+fake://app/key%d", i), fmt.Sprintf("value-%d", i))
			f.Set(fmt.Sprintf("ref+fake://new/%d", i), "new")
		}
		r, err := secrets.New(secrets.WithBackend(f), secrets.WithSchemes("fake"), secrets.WithTimeout(time.Second))
		if err != nil {
			return err
		}
		work := func(stop <-chan struct{}, lat *[]time.Duration, mu *sync.Mutex, ok, all *atomic.Int64) {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				begin := time.Now()
				_, err := r.Resolve(ctx, fmt.Sprintf("ref+fake://app/key%d", i%s.refs))
				cancel()
				d := time.Since(begin)
				all.Add(1)
				if err == nil {
					ok.Add(1)
				}
				mu.Lock()
				*lat = append(*lat, d)
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}
		// Warm: every value cached once.
		for i := range s.refs {
			_, _ = r.Resolve(context.Background(), fmt.Sprintf("ref+fake://app/key%d", i))
		}
		r.MarkStale()
		recoverFn := fault.inject(f, r)
		var mu sync.Mutex
		var lat []time.Duration
		var ok, all atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range s.workers {
			wg.Go(func() { work(stop, &lat, &mu, &ok, &all) })
		}
		time.Sleep(s.phase)
		close(stop)
		wg.Wait()
		recoverFn()
		recovered := time.Now()
		var recovery time.Duration
		for i := 0; ; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			_, err := r.Resolve(ctx, fmt.Sprintf("ref+fake://new/%d", i%s.refs))
			cancel()
			if err == nil {
				recovery = time.Since(recovered)
				break
			}
			if time.Since(recovered) > 10*time.Second {
				recovery = -time.Millisecond // never: printed as -1
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			if len(lat) == 0 {
				return 0
			}
			return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
		}
		fmt.Fprintf(out, "%-22s %5.1f %8.2f %7.2f %12.1f %17d\n", fault.name,
			100*float64(ok.Load())/float64(max(all.Load(), 1)), pct(0.5), pct(0.99),
			float64(recovery.Microseconds())/1000, runtime.NumGoroutine())
	}
	return nil
}
