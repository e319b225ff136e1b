package secrets

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// The breaker's state machine, on a clock of the test's own.
func TestBreakerOpensGrowsProbesAndCloses(t *testing.T) {
	t.Parallel()
	const key, scope = "ref+fake://kk", "fake?"
	bs := newBreakers(2, 100*time.Millisecond, 400*time.Millisecond, 100)
	t0 := time.Unix(1000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	fail := newError(ErrBackend, "down")

	admit := func(now time.Time) (ticket, error) { return bs.admit(key, now) }
	mustAdmit := func(now time.Time, what string) ticket {
		t.Helper()
		tk, err := admit(now)
		if err != nil {
			t.Fatalf("%s: refused: %v", what, err)
		}
		return tk
	}
	mustRefuse := func(now time.Time, what string) {
		t.Helper()
		if _, err := admit(now); !errors.Is(err, ErrCircuitOpen) || !errors.Is(err, ErrBackend) {
			t.Fatalf("%s: got %v, want a fast failure wrapping the last error", what, err)
		}
	}

	bs.record(mustAdmit(at(0), "first"), key, fail, false, at(0))
	bs.record(mustAdmit(at(1), "second"), key, fail, false, at(1)) // opens for 100ms
	mustRefuse(at(50*time.Millisecond), "inside the first interval")
	probe := mustAdmit(at(101*time.Millisecond), "the first probe")
	mustRefuse(at(102*time.Millisecond), "beside the probe")
	bs.record(probe, key, fail, false, at(110*time.Millisecond)) // the probe failed: 200ms
	mustRefuse(at(300*time.Millisecond), "inside the doubled interval")
	mustAdmit(at(311*time.Millisecond), "the second probe") // it hangs
	mustRefuse(at(500*time.Millisecond), "while the probe hangs")
	// The hung probe counts as failed: the next interval is 400ms (the cap).
	late := mustAdmit(at(712*time.Millisecond), "a probe beside the hung one")
	mustRefuse(at(1100*time.Millisecond), "inside the capped interval")
	bs.record(late, key, nil, false, at(1101*time.Millisecond)) // success: closed
	mustAdmit(at(1102*time.Millisecond), "after the success")
	if len(bs.m) != 0 {
		t.Errorf("%d entries left after recovery, want 0", len(bs.m))
	}
}

// Results of calls admitted before the breaker opened do not push it
// further; one success of any of them closes it.
func TestBreakerIgnoresStaleResults(t *testing.T) {
	t.Parallel()
	const scope = "fake?"
	bs := newBreakers(2, time.Second, time.Second, 100)
	now := time.Unix(1000, 0)
	var tks []ticket
	for i := range 5 {
		tk, _ := bs.admit(fmt.Sprint("ref+fake://k", i), now)
		tks = append(tks, tk)
	}
	for i, tk := range tks[:4] {
		bs.record(tk, fmt.Sprint("ref+fake://k", i), context.DeadlineExceeded, false, now)
	}
	b := bs.m[breakerKey{true, scope}]
	if b == nil || !b.open || b.interval != time.Second {
		t.Fatalf("backend breaker %+v: want open for 1s, not grown by the late failures", b)
	}
	bs.record(tks[4], "ref+fake://k4", nil, false, now)
	if _, err := bs.admit("ref+fake://k9", now); err != nil {
		t.Errorf("a success did not close the backend's breaker: %v", err)
	}
}

type constBackend string

func (c constBackend) Get(context.Context, string) (string, error) { return string(c), nil }

// Expiry is spread over the last tenth of the TTL.
func TestExpiryIsJittered(t *testing.T) {
	t.Parallel()
	r, err := New(WithBackend(constBackend("v")), WithSchemes("fake"), WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	distinct := map[time.Duration]bool{}
	for i := range 50 {
		key := fmt.Sprintf("ref+fake://k/%d", i)
		if _, err := r.Resolve(t.Context(), key); err != nil {
			t.Fatal(err)
		}
		e, _ := r.cache.Peek(key)
		d := e.expires.Sub(begin)
		if d < 54*time.Minute || d > time.Hour+time.Second {
			t.Errorf("%s expires after %v, want between 0.9 and 1 TTL", key, d)
		}
		distinct[d.Truncate(time.Second)] = true
	}
	if len(distinct) < 10 {
		t.Errorf("50 values fetched together expire in only %d distinct seconds", len(distinct))
	}
}
