package redact

import (
	"bytes"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A writer (Add) holding the Redactor's lock, as a long rebuild would, does
// not stop maskers: no mask takes that lock. Without time limits: the
// masker either finishes, or the stacks of all goroutines show it waiting
// on a mutex.
func TestMaskersNeverWaitForAWriter(t *testing.T) {
	r := newRedactor(t)
	r.Add(testSecrets(3000)...)
	r.Add("new-secret-value") // news: the old design rebuilt at the next mask
	text := "a log line with new-secret-value in it"

	r.mu.Lock() // a writer is busy
	done := make(chan string)
	go func() { done <- r.String(text) }()
	for {
		select {
		case got := <-done:
			r.mu.Unlock()
			if got != "a log line with "+Mask+" in it" {
				t.Errorf("got %s", testkit.Hide(got, "new-secret-value"))
			}
			return
		default:
		}
		if maskerWaitsOnMutex() {
			r.mu.Unlock()
			<-done
			t.Fatal("a masker waits for the writer's lock")
		}
		runtime.Gosched()
	}
}

// maskerWaitsOnMutex reports whether a goroutine in the middle of a mask is
// blocked on a sync.Mutex.
func maskerWaitsOnMutex() bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "redact.(*Redactor).String") && strings.Contains(g, "sync.(*Mutex).Lock") {
			return true
		}
	}
	return false
}

// The first mask after an Add of one new value to thousands known builds
// nothing: it allocates nothing at all.
func TestMaskAfterAddBuildsNothing(t *testing.T) {
	// Not parallel: AllocsPerRun refuses to run in a parallel test.
	r := newRedactor(t)
	r.Add(testSecrets(3000)...)
	text := "nothing secret here, just a log line of some length"
	r.String(text)
	i := 0
	allocs := testing.AllocsPerRun(20, func() {
		i++
		r.Add(fmt.Sprintf("fresh-secret-%06d", i))
		r.String(text)
	})
	addOnly := testing.AllocsPerRun(20, func() {
		i++
		r.Add(fmt.Sprintf("fresh-secret-%06d", i))
	})
	// A few allocations of slack: the index's tables (patterns, the ends of
	// secrets) grow at their own thresholds, in one loop or the other.
	if allocs > addOnly+4 {
		t.Errorf("Add then mask: %.0f allocations, Add alone %.0f: the mask built something", allocs, addOnly)
	}
	if addOnly > 200 {
		t.Errorf("Add of one value to 3,000 allocates %.0f times", addOnly)
	}
	// A value already known costs a lookup: no allocation.
	if n := testing.AllocsPerRun(100, func() { r.Add("fresh-secret-000001") }); n != 0 {
		t.Errorf("Add of a known value allocated %.0f times", n)
	}
}

// A secret is masked from the moment Add returns, by maskers running all
// along; run with -race.
func TestSecretMaskedOnceAddReturns(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add(testSecrets(2000)...)
	added := make(chan string)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for s := range added {
				if got := r.String("x " + s + " x"); got != "x "+Mask+" x" {
					t.Error("a secret added before was not masked")
				}
			}
		})
	}
	for i := range 300 {
		s := fmt.Sprintf("rotated-secret-%04d-value", i)
		r.Add(s)
		added <- s
	}
	close(added)
	wg.Wait()
}

// Live heap per secret stays small, so that 100,000 secrets fit in 250 MB
// (each secret is filed as about twenty patterns: its hex, spaced hex, byte
// list, base64 and base32 forms, and its ends for the pieces a cut leaves).
func TestLiveHeapPerSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 20,000 secrets")
	}
	secrets := testSecrets(20000)
	before := testkit.LiveHeap()
	r := newRedactor(t)
	r.Add(secrets...)
	r.String("mask once, so that whatever a mask needs is built")
	after := testkit.LiveHeap()
	runtime.KeepAlive(r)
	if per := (after - before) / uint64(len(secrets)); per > 2500 {
		t.Errorf("%d bytes of live heap per secret, want at most 2,500", per)
	} else {
		t.Logf("%d bytes of live heap per secret (secret text included)", per)
	}
}

// Knows turning true means Add would return at once: from then on every
// mask must hide the value, a short one masked only as a whole value and a
// long one bound to a slog handler's With included. Add used to publish
// the values as known before their whole-value lengths and the handlers'
// generation (a short value then showed in about half the tries).
func TestKnownValuesAreMasked(t *testing.T) {
	t.Parallel()
	known := testSecrets(5000)
	for i := range 30 {
		r := newRedactor(t)
		r.Add(known...)
		long := fmt.Sprintf("bound-long-secret-%04d", i)
		var buf bytes.Buffer
		logger := slog.New(r.Handler(slog.NewTextHandler(&buf, nil))).With("tok", long)
		logger.Info("before") // binds the With attribute at this generation
		short := fmt.Sprintf("q%d", i%10)
		batch := append(testSecrets(3000)[1:], short, long)
		done := make(chan struct{})
		go func() { defer close(done); r.Add(batch...) }()
		for !r.Knows(short) || !r.Knows(long) {
			runtime.Gosched()
		}
		if got := r.String(short); got != Mask {
			t.Errorf("try %d: a short value Knows reports is not masked", i)
		}
		buf.Reset()
		logger.Info("after")
		testkit.AssertNoLeak(t, "a With attribute bound before the Add", buf.String(), long)
		<-done
	}
}
