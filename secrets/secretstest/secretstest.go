// Package secretstest provides a fake [secrets.Backend] for the unit tests
// of code that resolves secrets: an engine's, or this module's own. A
// [Store] holds secrets in memory; a test can make it slow, failing,
// panicking or hanging, and asks it how often it was called.
//
//	store := secretstest.New(map[string]string{"ref+fake://db/password": "example-pw"})
//	r, _ := secrets.New(secrets.WithBackend(store), secrets.WithSchemes("fake"))
//	store.SetLatency(50 * time.Millisecond) // a slow backend…
//	store.FailAll(errors.New("connection refused")) // …or one that is down
//	release := store.Hang()   // every call from now on blocks…
//	defer release()           // …until the test lets it go
//
// A loader takes it through loader.WithResolverOptions:
//
//	loader.Load(ctx, fsys, loader.WithResolverOptions(
//		secrets.WithBackend(store), secrets.WithSchemes("fake")))
//
// Like vals, a Store ignores its context unless told otherwise
// ([Store.HonourContext]): a backend call that never returns is what a
// Resolver must survive. Values are looked up when a call starts; latency,
// hangs and panics come after, so a call answers with what the store held
// when it was asked. A reference the store does not hold is
// [secrets.ErrNotFound]. Its errors are the ones the test gave it, or
// context errors, or secrets.ErrNotFound: none holds a value.
//
// The package sits beside what it fakes, as net/http/httptest does; to make
// encrypted workspace files for a test, see loader/loadertest.
package secretstest

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// Store is a fake secret store. Its zero value is not usable; call New.
// It is safe for concurrent use.
type Store struct {
	mu      sync.Mutex
	values  map[string]string
	errs    map[string]error
	failAll error
	calls   map[string]int
	latency time.Duration
	panics  bool
	honour  bool
	// gate, when set, is waited on by every call that starts while it is
	// set; gateOnce limits it to the first such call.
	gate     chan struct{}
	gateOnce bool

	total    atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64
	blocked  atomic.Int64
}

// New returns a store holding values (reference → value). The map is
// copied.
func New(values map[string]string) *Store {
	s := &Store{values: map[string]string{}, errs: map[string]error{}, calls: map[string]int{}}
	for k, v := range values {
		s.values[k] = v
	}
	return s
}

// Get answers one reference, as a secrets.Backend.
func (s *Store) Get(ctx context.Context, ref string) (string, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxIn.Load()
		if n <= m || s.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	s.total.Add(1)

	s.mu.Lock()
	s.calls[ref]++
	value, found := s.values[ref]
	err, failed := s.errs[ref]
	if s.failAll != nil && !failed {
		err, failed = s.failAll, true
	}
	latency, panics, honour := s.latency, s.panics, s.honour
	gate := s.gate
	if gate != nil && s.gateOnce {
		s.gate = nil
	}
	s.mu.Unlock()

	if gate != nil {
		s.blocked.Add(1)
		select {
		case <-gate:
			s.blocked.Add(-1)
		case <-done(ctx, honour):
			s.blocked.Add(-1)
			return "", ctx.Err()
		}
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-done(ctx, honour):
			t.Stop()
			return "", ctx.Err()
		}
	}
	if panics {
		panic("secretstest: panic with S3CRET-PANIC")
	}
	switch {
	case failed:
		return "", err
	case found:
		return value, nil
	}
	return "", secrets.ErrNotFound
}

func done(ctx context.Context, honour bool) <-chan struct{} {
	if honour {
		return ctx.Done()
	}
	return nil
}

// Set stores value under ref.
func (s *Store) Set(ref, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[ref] = value
}

// Fail makes ref fail with err from now on; a nil err lets it answer again.
func (s *Store) Fail(ref string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.errs, ref)
	} else {
		s.errs[ref] = err
	}
}

// FailAll makes every reference without an error of its own fail with err
// (an outage); nil ends the outage.
func (s *Store) FailAll(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = err
}

// SetLatency makes every call that starts from now on take d before it
// answers.
func (s *Store) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetPanics makes every call that starts from now on panic (with a message
// that holds "S3CRET-PANIC", to check it never reaches an error).
func (s *Store) SetPanics(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.panics = on
}

// HonourContext makes latency and hangs end when the call's context is
// done, as a well-behaved backend would. By default they do not, like vals.
func (s *Store) HonourContext(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.honour = on
}

// Hang makes every call that starts from now on block until release is
// called; release is idempotent. Calls that start after release answer at
// once. A test that never calls release has calls that never return.
func (s *Store) Hang() (release func()) { return s.hang(false) }

// HangNext makes only the next call block, until release.
func (s *Store) HangNext() (release func()) { return s.hang(true) }

func (s *Store) hang(once bool) func() {
	gate := make(chan struct{})
	s.mu.Lock()
	s.gate, s.gateOnce = gate, once
	s.mu.Unlock()
	var o sync.Once
	return func() {
		o.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}

// ResumeNew makes calls that start from now on answer at once, while the
// calls blocked in a hang stay blocked until it is released: a backend that
// recovered, with its hung calls still hung.
func (s *Store) ResumeNew() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gate = nil
}

// Calls returns how many calls asked for ref.
func (s *Store) Calls(ref string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[ref]
}

// Total returns how many calls were made.
func (s *Store) Total() int64 { return s.total.Load() }

// InFlight returns how many calls are running now (hung ones included).
func (s *Store) InFlight() int64 { return s.inFlight.Load() }

// MaxInFlight returns the most calls that ran at once.
func (s *Store) MaxInFlight() int64 { return s.maxIn.Load() }

// Blocked returns how many calls are blocked in a hang now.
func (s *Store) Blocked() int64 { return s.blocked.Load() }

// WaitTotal waits until at least n calls were made, or ctx is done.
func (s *Store) WaitTotal(ctx context.Context, n int64) error {
	return waitFor(ctx, func() bool { return s.total.Load() >= n })
}

// WaitBlocked waits until at least n calls are blocked in a hang, or ctx
// is done.
func (s *Store) WaitBlocked(ctx context.Context, n int64) error {
	return waitFor(ctx, func() bool { return s.blocked.Load() >= n })
}

func waitFor(ctx context.Context, cond func() bool) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
