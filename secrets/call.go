package secrets

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hushflow/hushflow/internal/ref"
)

// fetchShared asks the backend for key through the singleflight group, and
// waits for the answer or for ctx. spliced says that key holds values of
// nested references (which logs and shared errors must not show).
func (r *Resolver) fetchShared(ctx context.Context, key string, spliced bool) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("not started: %w", err)
	}
	gen := r.now()
	flight := key
	if gen.marks != 0 {
		flight = strconv.FormatUint(gen.marks, 10) + " " + key
	}
	ch := r.flights.DoChan(flight, func() (any, error) { return r.call(ctx, key, gen, spliced) })
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Shared, res.Err
		}
		return res.Val.(string), res.Shared, nil
	case <-ctx.Done():
		return "", false, fmt.Errorf("gave up waiting for the backend%s: %w", r.abandonedNote(), ctx.Err())
	}
}

// abandonedNote says how many abandoned calls are still running, if any:
// the reason a backend may look slow.
func (r *Resolver) abandonedNote() string {
	n := r.abandoned.Load()
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d calls abandoned after the %v timeout are still running)", n, r.timeout)
}

// call makes one backend call for key, on behalf of every caller waiting in
// the singleflight group, unless the circuit breaker says to fail fast; it
// reports and caches the value.
func (r *Resolver) call(first context.Context, key string, gen generation, spliced bool) (any, error) {
	tk, err := r.breakers.admit(key, time.Now())
	if err != nil {
		return nil, err
	}
	v, err := r.callBackend(first, key, spliced)
	if err != nil {
		err = scrub(key, backendError(err))
	}
	if r.breakers.record(tk, key, err, spliced, time.Now()) && r.log != nil {
		r.log.LogAttrs(first, slog.LevelWarn, "secret lookups failing fast after repeated failures",
			slog.String("ref", r.logName(key, spliced)), slog.String("error", err.Error()))
	}
	if err != nil {
		return nil, err
	}
	if err := r.report(v); err != nil {
		return nil, err
	}
	r.store(key, v, gen)
	return v, nil
}

// logName names key in a log line: without query and userinfo, or by its
// scheme alone when it holds values of nested references.
func (r *Resolver) logName(key string, spliced bool) string {
	if spliced {
		return "ref+" + ref.Scheme(key) + "://…"
	}
	return ref.Safe(key)
}

// backendScope names the backend a key goes to, as vals groups providers:
// its scheme and its query parameters (a Vault address, an AWS region).
func backendScope(key string) string {
	p, err := ref.Parse(key)
	if err != nil {
		return strings.ToLower(ref.Scheme(key))
	}
	return strings.ToLower(p.Scheme) + "?" + p.Query.Encode()
}

// The states of a backend call, for giving its slot back exactly once.
const (
	running int32 = iota
	returned
	abandoned
)

// callBackend is the one detached call with a timeout in this package: it
// runs the backend in a goroutine of its own, bounded by the resolver's
// timeout, holding one concurrency slot. If the backend has not returned
// when the timeout expires, the call is abandoned: the slot is given back
// at once, the goroutine is counted until the backend returns, and the
// waiters get context.DeadlineExceeded.
func (r *Resolver) callBackend(first context.Context, key string, spliced bool) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(first), r.timeout)
	defer cancel()
	if err := r.acquireSlot(ctx); err != nil {
		return "", err
	}
	b := r.backendFor(key)
	var state atomic.Int32
	type outcome struct {
		value string
		err   error
	}
	done := make(chan outcome, 1)
	begin := time.Now()
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o = outcome{err: newError(ErrBackend, "the backend panicked (panic value withheld)")}
			}
			if state.CompareAndSwap(running, returned) {
				<-r.sem
				done <- o
				return
			}
			r.abandoned.Add(-1)
			if r.log != nil {
				r.log.LogAttrs(context.Background(), slog.LevelInfo, "abandoned secret backend call returned",
					slog.String("ref", r.logName(key, spliced)), slog.Duration("took", time.Since(begin)))
			}
		}()
		o.value, o.err = b.Get(ctx, key)
	}()

	select {
	case o := <-done:
		return o.value, o.err
	case <-ctx.Done():
		if !state.CompareAndSwap(running, abandoned) {
			o := <-done // it returned just now
			return o.value, o.err
		}
		return "", r.abandon(first, key, spliced)
	}
}

// acquireSlot takes one of the concurrency slots, or fails when none comes
// free before ctx's deadline or when too many abandoned calls still run.
func (r *Resolver) acquireSlot(ctx context.Context) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("all %d backend slots stayed busy for %v%s: %w",
			cap(r.sem), r.timeout, r.abandonedNote(), context.DeadlineExceeded)
	}
	// The cap is checked holding a slot: a call that waited for its slot
	// while others were abandoned does not slip past it. Hung calls then
	// never keep more than maxAbandoned + concurrency goroutines.
	if n := r.abandoned.Load(); n > 0 && n >= r.maxAbandoned {
		<-r.sem
		return newError(ErrBackend, fmt.Sprintf(
			"%d backend calls abandoned after the %v timeout have not returned (WithMaxAbandoned allows %d); no new call starts until one does",
			n, r.timeout, r.maxAbandoned))
	}
	return nil
}

// abandon gives back the slot of a call that outlived the timeout, counts
// it, and returns the error its waiters get.
func (r *Resolver) abandon(ctx context.Context, key string, spliced bool) error {
	<-r.sem
	n := r.abandoned.Add(1)
	if r.log != nil {
		r.log.LogAttrs(ctx, slog.LevelWarn, "secret backend call abandoned after timeout; its slot is given back",
			slog.String("ref", r.logName(key, spliced)), slog.Duration("timeout", r.timeout),
			slog.Int64("abandoned", n), slog.Int64("max_abandoned", r.maxAbandoned))
	}
	return fmt.Errorf("no answer within %v; the call was abandoned (%d abandoned calls still running): %w",
		r.timeout, n, context.DeadlineExceeded)
}

// backendFor returns the backend that answers key, as its scheme's entry
// routes it (the scheme registry): the in-process file reader for confined schemes
// (file, sops, tfstate) unless WithBackend replaced vals and no files were
// given; the resolver's backend otherwise.
func (r *Resolver) backendFor(key string) Backend {
	if lookupScheme(ref.Scheme(key)).confined && r.files != nil {
		return r.files
	}
	return r.backend
}
