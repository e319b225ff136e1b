package secrets_test

// Issue 13: a resolver that cannot wedge, outages that keep what still
// works. Each test fails on the resolver before MarkStale, abandonment and
// the circuit breaker.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

var errDown = errors.New("dial tcp 10.0.0.1:8200: connect: connection refused")

func ctxFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// A backend call that never returns gives its slot back at the resolver's
// timeout; once the backend answers again, a new reference resolves at once
// although the hung calls never return.
func TestHungCallsGiveBackTheirSlots(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFake(map[string]string{"ref+fake://new": "S3CRET-new"})
		release := f.Hang()
		t.Cleanup(release)
		var log syncBuffer
		r := newResolver(t, f, secrets.WithConcurrency(2), secrets.WithTimeout(30*time.Millisecond),
			secrets.WithoutCircuitBreaker(), secrets.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))

		for i := range 6 { // three times the slots
			ref := fmt.Sprintf("ref+fake://hung/%d", i)
			_, err := r.Resolve(ctxFor(t, 2*time.Second), ref)
			wantErr(t, err, ref, context.DeadlineExceeded)
			if err != nil && !strings.Contains(err.Error(), "abandoned") {
				t.Errorf("call %d: error %q does not say the call was abandoned", i, show(err))
			}
		}
		if n := f.Total(); n != 6 {
			t.Errorf("%d of 6 calls reached the backend: hung calls kept their slots", n)
		}
		f.ResumeNew() // the backend recovers; the six hung calls stay hung
		got, err := r.Resolve(ctxFor(t, time.Second), "ref+fake://new")
		if err != nil || got != "S3CRET-new" {
			t.Fatalf("after the backend recovered: %s", show(err))
		}
		if !strings.Contains(log.String(), "abandoned after timeout") {
			t.Error("no log line for the abandoned calls")
		}
	})
}

// While WithMaxAbandoned calls are abandoned and still running, no new call
// starts, and the error says why; once they return, calls start again.
func TestAbandonedCallsAreCapped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFake(map[string]string{"ref+fake://later": "S3CRET-later"})
		release := f.Hang()
		t.Cleanup(release)
		r := newResolver(t, f, secrets.WithTimeout(20*time.Millisecond), secrets.WithMaxAbandoned(2), secrets.WithoutCircuitBreaker())
		for i := range 2 {
			_, _ = r.Resolve(t.Context(), fmt.Sprintf("ref+fake://hung/%d", i))
		}
		_, err := r.Resolve(t.Context(), "ref+fake://hung/3")
		wantErr(t, err, "ref+fake://hung/3", secrets.ErrBackend)
		if err != nil && !strings.Contains(err.Error(), "WithMaxAbandoned") {
			t.Errorf("error %q does not say abandoned calls are the reason", show(err))
		}
		if n := f.Total(); n != 2 {
			t.Errorf("backend called %d times, want 2: the cap let a call through", n)
		}
		f.ResumeNew()
		release() // the hung calls return
		if err := waitUntil(t, func() bool { _, err := r.Resolve(t.Context(), "ref+fake://later"); return err == nil }); err != nil {
			t.Fatal("calls did not start again after the abandoned ones returned")
		}
	})
}

// waitUntil polls cond for up to 5 s.
func waitUntil(t *testing.T, cond func() bool) error {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return nil
		}
	}
	return errors.New("timed out")
}

// No goroutine outlives the calls it waits for: while the backend hangs,
// only the abandoned calls (at most WithMaxAbandoned) are left running, and
// they end when the backend returns. Not parallel: it counts the process's
// goroutines, on the wall clock: goroutines outside a synctest bubble do
// not run in its virtual time.
func TestNoGoroutineLeak(t *testing.T) {
	const maxAbandoned, concurrency = 5, 2
	const bound = maxAbandoned + concurrency // calls in their slots when the cap is reached may be abandoned too
	before := runtime.NumGoroutine()
	func() {
		f := newFake(map[string]string{"ref+fake://ok": "S3CRET"})
		release := f.Hang()
		r := newResolver(t, f, secrets.WithTimeout(10*time.Millisecond),
			secrets.WithMaxAbandoned(maxAbandoned), secrets.WithConcurrency(concurrency), secrets.WithoutCircuitBreaker())
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%4)*5*time.Millisecond)
				defer cancel()
				_, _ = r.Resolve(ctx, fmt.Sprintf("ref+fake://k/%d ref+fake://ok", i%7))
			})
		}
		wg.Wait()
		if f.InFlight() == 0 {
			t.Error("no call was left hanging: the test proves nothing")
		}
		if err := waitUntil(t, func() bool { return runtime.NumGoroutine() <= before+bound }); err != nil {
			t.Errorf("%d goroutines while the backend hangs, want at most %d + %d", runtime.NumGoroutine(), before, bound)
		}
		if n := f.InFlight(); n > bound {
			t.Errorf("%d calls hang, more than %d", n, bound)
		}
		release()
	}()
	if err := waitUntil(t, func() bool { return runtime.NumGoroutine() <= before }); err != nil {
		t.Errorf("%d goroutines before, %d after the backend returned", before, runtime.NumGoroutine())
	}
}

// After repeated failures, calls fail fast with the last error, for the
// reference and for every reference of that backend.
func TestFailsFastAfterRepeatedFailures(t *testing.T) {
	t.Parallel()
	f := newFake(nil)
	f.FailAll(errDown)
	r := newResolver(t, f, secrets.WithCircuitBreaker(3, time.Hour, time.Hour))
	for range 3 {
		_, err := r.Resolve(t.Context(), "ref+fake://a/1")
		wantErr(t, err, "ref+fake://a/1", secrets.ErrBackend)
	}
	calls := f.Total()
	for _, ref := range []string{"ref+fake://a/1", "ref+fake://b/2"} {
		_, err := r.Resolve(t.Context(), ref)
		wantErr(t, err, ref, secrets.ErrCircuitOpen, secrets.ErrBackend)
		if err != nil && !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("%s: error %q does not carry the last failure", ref, show(err))
		}
	}
	if f.Total() != calls {
		t.Errorf("the backend was asked while failing fast")
	}
	// A definite answer is not an outage: it opens only its reference.
	g := newFake(nil)
	r2 := newResolver(t, g, secrets.WithCircuitBreaker(2, time.Hour, time.Hour))
	for range 2 {
		_, _ = r2.Resolve(t.Context(), "ref+fake://missing")
	}
	_, err := r2.Resolve(t.Context(), "ref+fake://missing")
	wantErr(t, err, "ref+fake://missing", secrets.ErrCircuitOpen, secrets.ErrNotFound)
	g.Set("ref+fake://other", "S3CRET-o")
	if v, err := r2.Resolve(t.Context(), "ref+fake://other"); err != nil || v != "S3CRET-o" {
		t.Errorf("another reference of a backend that answers failed: %s", show(err))
	}
}

// With the default breaker, a backend that recovers is used again within a
// second.
func TestBreakerLetsARecoveredBackendBackWithinASecond(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://flaky"
		f := newFake(map[string]string{ref: "S3CRET-back"})
		f.FailAll(errDown)
		r := newResolver(t, f)
		for range 3 * secrets.DefaultBreakerFailures { // several failed probes: the interval grew
			_, _ = r.Resolve(t.Context(), ref)
			time.Sleep(secrets.DefaultBreakerOpen)
		}
		f.FailAll(nil)
		recovered := time.Now()
		for {
			v, err := r.Resolve(t.Context(), ref)
			if err == nil && v == "S3CRET-back" {
				break
			}
			if time.Since(recovered) > time.Second {
				t.Fatalf("still failing a second after the backend recovered: %s", show(err))
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// A refresh marks values stale: a stale value keeps serving while the
// backend is down, with a warning, and the next success replaces it.
func TestMarkStaleServesStaleIfError(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://db/password"
	f := newFake(map[string]string{ref: "S3CRET-v1"})
	var log syncBuffer
	r := newResolver(t, f, secrets.WithoutCircuitBreaker(), secrets.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if v, err := r.Resolve(t.Context(), ref); err != nil || v != "S3CRET-v1" {
		t.Fatal(show(err))
	}
	r.MarkStale()
	f.FailAll(errDown)
	for _, in := range []string{ref, "pw=" + ref} {
		v, err := r.Resolve(t.Context(), in)
		if err != nil || !strings.HasSuffix(v, "S3CRET-v1") {
			t.Fatalf("Resolve(%q) during the outage: %s; want the stale value", in, show(err))
		}
	}
	if n := f.Total(); n != 3 {
		t.Errorf("backend called %d times, want 3: a stale value must be refetched on every use", n)
	}
	if !strings.Contains(log.String(), "secret served stale") {
		t.Error("no warning that a stale value was served")
	}
	assertNoLeak(t, "log", log.String(), "S3CRET-v1")

	f.FailAll(nil)
	f.Set(ref, "S3CRET-v2")
	if v, err := r.Resolve(t.Context(), ref); err != nil || v != "S3CRET-v2" {
		t.Errorf("after the outage: want the new value (err %s)", show(err))
	}
	// A definite answer is not hidden behind the stale value.
	r.MarkStale()
	f.Fail(ref, fmt.Errorf("deleted: %w", secrets.ErrNotFound))
	_, err := r.Resolve(t.Context(), ref)
	wantErr(t, err, ref, secrets.ErrNotFound)
	// Purge forgets: nothing stale to serve.
	f.Fail(ref, nil)
	_, _ = r.Resolve(t.Context(), ref)
	r.Purge()
	f.FailAll(errDown)
	_, err = r.Resolve(t.Context(), ref)
	wantErr(t, err, ref, secrets.ErrBackend)
}

func TestStaleValuesHaveAMaximumAge(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://kk"
	for _, tc := range []struct {
		name      string
		opts      []secrets.Option
		wantStale bool
	}{
		{"past the TTL", []secrets.Option{secrets.WithTTL(time.Millisecond)}, true},
		{"past max stale", []secrets.Option{secrets.WithTTL(time.Millisecond), secrets.WithMaxStale(time.Millisecond)}, false},
		{"max stale zero", []secrets.Option{secrets.WithTTL(time.Millisecond), secrets.WithMaxStale(0)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				f := newFake(map[string]string{ref: "S3CRET"})
				r := newResolver(t, f, append(tc.opts, secrets.WithoutCircuitBreaker())...)
				if _, err := r.Resolve(t.Context(), ref); err != nil {
					t.Fatal(show(err))
				}
				time.Sleep(10 * time.Millisecond)
				f.FailAll(errDown)
				v, err := r.Resolve(t.Context(), ref)
				if tc.wantStale && (err != nil || v != "S3CRET") {
					t.Errorf("want the stale value, got err %s", show(err))
				}
				if !tc.wantStale {
					wantErr(t, err, ref, secrets.ErrBackend)
				}
			})
		})
	}
}

// A backend slower than the refresh interval: every caller still gets a
// value (fresh, or stale at its deadline), and values fetched across a
// MarkStale reach the cache.
func TestSlowBackendWithFrequentRefreshes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://slow"
		f := newFake(map[string]string{ref: "S3CRET-1"})
		f.SetLatency(60 * time.Millisecond)
		r := newResolver(t, f)
		if _, err := r.Resolve(ctxFor(t, time.Second), ref); err != nil {
			t.Fatal(show(err))
		}
		stop := make(chan struct{})
		var refreshes sync.WaitGroup
		refreshes.Go(func() {
			tick := time.NewTicker(25 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					r.MarkStale()
				}
			}
		})
		f.Set(ref, "S3CRET-2")
		var ok, saw2 atomic.Int64
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				time.Sleep(time.Duration(i) * 5 * time.Millisecond)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond) // shorter than the backend
				defer cancel()
				v, err := r.Resolve(ctx, ref)
				if err == nil && strings.HasPrefix(v, "S3CRET-") {
					ok.Add(1)
				}
				if v == "S3CRET-2" {
					saw2.Add(1)
				}
			})
		}
		wg.Wait()
		close(stop)
		refreshes.Wait()
		if n := ok.Load(); n != 40 {
			t.Errorf("%d of 40 resolves succeeded", n)
		}
		if saw2.Load() == 0 {
			t.Error("the value fetched across refreshes never reached anyone")
		}
		time.Sleep(time.Second) // virtual time: the detached refetches end before the bubble does
	})
}

// A call that finishes after a Purge answers its callers but is not cached;
// one that started after it is.
func TestCallsAcrossAPurge(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://pp"
		f := newFake(map[string]string{ref: "S3CRET-a"})
		release := f.HangNext()
		r := newResolver(t, f)
		first := make(chan string)
		go func() {
			v, _ := r.Resolve(context.Background(), ref)
			first <- v
		}()
		if err := f.WaitBlocked(ctxFor(t, 5*time.Second), 1); err != nil {
			t.Fatal(err)
		}
		r.Purge()
		release()
		if v := <-first; v != "S3CRET-a" {
			t.Error("the caller of a call that finished after Purge got no value")
		}
		if _, err := r.Resolve(t.Context(), ref); err != nil {
			t.Fatal(show(err))
		}
		_, _ = r.Resolve(t.Context(), ref)
		if n := f.Total(); n != 2 {
			t.Errorf("backend called %d times, want 2 (the pre-Purge value not cached, the next one cached)", n)
		}
	})
}
