package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The circuit breaker is written here rather than taken from
// github.com/sony/gobreaker/v2 (v2.4.0): gobreaker's open interval is a fixed
// Timeout, while this one must grow with each failed probe; it fails with
// its own ErrOpenState, while callers here must get the last failure; and
// it holds one state machine per breaker, while this resolver needs one per
// reference and per backend, created only on failure and bounded in number.
// What is left is the small state machine below.

// breakers tracks the references and backends that fail in a row. An entry
// exists only while its key is failing, so the happy path costs one map
// lookup under a lock, on cache misses only.
type breakers struct {
	failures      int
	open, maxOpen time.Duration
	limit         int

	mu sync.Mutex
	m  map[breakerKey]*breaker
}

type breakerKey struct {
	backend bool   // a backend scope, not a reference
	name    string // the reference key, or the backend scope
}

type breaker struct {
	fails    int       // failures in a row
	gen      uint64    // bumped at every change of state; results of calls admitted before are ignored
	open     bool      // failing fast until until, then letting one probe through per interval
	until    time.Time // end of the current interval
	interval time.Duration
	probe    bool  // a probe was let through in the current interval
	last     error // the last failure
}

// ticket records the generations a call was admitted in.
type ticket struct{ ref, backend uint64 }

func newBreakers(failures int, open, maxOpen time.Duration, limit int) *breakers {
	return &breakers{failures: failures, open: open, maxOpen: maxOpen, limit: limit, m: map[breakerKey]*breaker{}}
}

// admit lets a call for key go ahead, or returns the error to fail fast
// with. Nothing is parsed while nothing fails.
func (bs *breakers) admit(key string, now time.Time) (ticket, error) {
	if bs == nil {
		return ticket{}, nil
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if len(bs.m) == 0 {
		return ticket{}, nil
	}
	scope := backendScope(key)
	rb, sb := bs.m[breakerKey{false, key}], bs.m[breakerKey{true, scope}]
	if rb != nil && rb.blocked(now) {
		return ticket{}, fmt.Errorf("%w for %v more, after %d failures in a row; the last: %w",
			ErrCircuitOpen, rb.until.Sub(now).Round(time.Millisecond), rb.fails, rb.last)
	}
	if sb != nil && sb.blocked(now) {
		scheme, _, _ := strings.Cut(scope, "?")
		return ticket{}, fmt.Errorf("%w for %v more: the last %d calls to this %s backend failed; the last: %w",
			ErrCircuitOpen, sb.until.Sub(now).Round(time.Millisecond), sb.fails, scheme, sb.last)
	}
	var tk ticket
	if rb != nil {
		tk.ref = rb.admit(now, bs.maxOpen)
	}
	if sb != nil {
		tk.backend = sb.admit(now, bs.maxOpen)
	}
	return tk, nil
}

func (b *breaker) blocked(now time.Time) bool { return b.open && now.Before(b.until) }

// admit lets one call through: any while closed, one probe per interval
// while open. A probe let through while the last one has not answered
// counts that one as failed: the interval doubles.
func (b *breaker) admit(now time.Time, maxOpen time.Duration) uint64 {
	if b.open {
		if b.probe {
			b.interval = min(2*b.interval, maxOpen)
		}
		b.probe = true
		b.gen++
		b.until = now.Add(b.interval)
	}
	return b.gen
}

// record notes the result of a call admitted with tk, and reports whether
// it made a breaker open. Every failure counts against the reference; only
// backend errors and timeouts count against the backend, where a definite
// answer (not found, …) is a success. spliced says key holds values of
// nested references: the failure kept for other references of the backend
// is then only its kind.
func (bs *breakers) record(tk ticket, key string, err error, spliced bool, now time.Time) bool {
	if bs == nil {
		return false
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if err == nil && len(bs.m) == 0 {
		return false
	}
	scope := backendScope(key)
	tripped := bs.result(breakerKey{false, key}, tk.ref, err, now)
	var backendErr error
	if err != nil && (errors.Is(err, ErrBackend) || errors.Is(err, context.DeadlineExceeded)) {
		backendErr = err
		if spliced {
			backendErr = fmt.Errorf("%w (for a reference built from nested values: its message is withheld)", kindOf(err))
		}
	}
	return bs.result(breakerKey{true, scope}, tk.backend, backendErr, now) || tripped
}

func (bs *breakers) result(k breakerKey, gen uint64, err error, now time.Time) (tripped bool) {
	b := bs.m[k]
	if err == nil {
		if b != nil {
			delete(bs.m, k) // closed: forget the key
		}
		return false
	}
	if b == nil {
		if len(bs.m) >= bs.limit {
			return false // too many failing keys to track: this one is not
		}
		b = &breaker{}
		bs.m[k] = b
	}
	if gen != b.gen {
		return false // admitted before the last change of state
	}
	b.last = err
	if !b.open {
		b.fails++
		if b.fails < bs.failures {
			return false
		}
		b.open, b.interval, b.probe = true, bs.open, false
		b.until = now.Add(b.interval)
		b.gen++
		return true
	}
	b.interval = min(2*b.interval, bs.maxOpen) // a probe failed
	b.until = now.Add(b.interval)
	b.probe = false
	b.gen++
	return false
}
