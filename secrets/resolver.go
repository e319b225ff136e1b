package secrets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/hushflow/hushflow/internal/ref"
)

// A Backend fetches the value of one reference. ref is a single reference
// in the form "ref+SCHEME://PATH?QUERY#FRAGMENT", never a string with text
// around it. Get should honour ctx (which carries the resolver's timeout and
// the values of the context of the first caller that asked); the Resolver
// returns on time even when it does not. Errors should not quote secret
// values: the Resolver removes the reference's own credentials from them,
// and marks them with ErrBackend unless they already wrap a sentinel of this
// package or a context error.
type Backend interface {
	Get(ctx context.Context, ref string) (string, error)
}

// maxNesting is vals' limit on references nested inside references.
const maxNesting = 10

// Resolver replaces ref+ references in strings with their values, through a
// Backend and behind a cache. It is safe for concurrent use.
//
// One Resolver serves one trust domain: its cache and its in-flight calls
// are keyed by reference alone, so a value fetched for one caller is served
// to every other caller that names the same reference, whatever their
// contexts carry. A backend that authorises per tenant through ctx must get
// one Resolver per tenant (the loader builds one per workspace source).
//
// Concurrent misses of one reference make a single backend call, which runs
// detached from any one caller: a caller that gives up (cancellation,
// deadline) returns at once while the call goes on for the others, up to
// the resolver's timeout (WithTimeout). Then the call is abandoned: its
// concurrency slot is given back, it is logged, and it is counted until it
// returns (WithMaxAbandoned).
type Resolver struct {
	backend      Backend
	files        *fileReader // nil: confined schemes go to the backend WithBackend gave
	ttl          time.Duration
	timeout      time.Duration
	maxStale     time.Duration
	maxEntries   int
	maxAbandoned int64
	allowed      map[string]bool // lower-case schemes
	hooks        []func(string)
	log          *slog.Logger // nil: no logging
	breakers     *breakers    // nil: no circuit breaker

	cache     *lru.Cache[string, *entry]    // nil when the TTL is zero
	templates *lru.Cache[string, *template] // parsed strings
	sem       chan struct{}                 // one token per backend call in flight
	flights   singleflight.Group
	abandoned atomic.Int64 // calls abandoned after the timeout, still running

	// purges counts Purge calls, marks counts MarkStale and Purge calls. A
	// backend call stores its value only if no Purge happened since it
	// started, and as already stale if a MarkStale did; calls started before
	// either are not joined after it. mu makes the check and the store one
	// step, and guards lastMark.
	mu       sync.Mutex
	purges   atomic.Uint64
	marks    atomic.Uint64
	lastMark time.Time
}

// New returns a Resolver. Without options it resolves through vals in
// process (NewValsBackend), caches values for DefaultTTL, allows
// DefaultSchemes, and logs nothing. Every option is checked, a nil one
// included; the error (an errors.Join) names each one that is wrong.
func New(opts ...Option) (*Resolver, error) {
	c := defaults()
	var errs []error
	for i, o := range opts {
		if o == nil {
			errs = append(errs, fmt.Errorf("secrets: %w: option %d is nil", ErrInvalidOption, i))
			continue
		}
		o(&c)
	}
	if err := errors.Join(append(errs, c.validate()...)...); err != nil {
		return nil, err
	}
	if c.backend == nil {
		c.backend = NewValsBackend(ValsOptions{})
	}
	files, err := newFileReader(&c)
	if err != nil {
		return nil, err
	}
	r := &Resolver{
		backend:      c.backend,
		files:        files,
		ttl:          c.ttl,
		timeout:      c.timeout,
		maxStale:     c.maxStale,
		maxEntries:   c.maxEntries,
		maxAbandoned: int64(c.maxAbandoned),
		allowed:      make(map[string]bool, len(c.schemes)),
		hooks:        c.hooks,
		log:          c.logger,
		sem:          make(chan struct{}, c.concurrency),
	}
	if !c.breakerOff {
		r.breakers = newBreakers(c.breakerFailures, c.breakerOpen, c.breakerMaxOpen, c.maxEntries)
	}
	for _, s := range c.schemes {
		r.allowed[strings.ToLower(s)] = true
	}
	if r.templates, err = lru.New[string, *template](c.maxEntries); err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if c.ttl > 0 {
		if r.cache, err = lru.New[string, *entry](c.maxEntries); err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
	}
	return r, nil
}

// IsRef reports whether s holds at least one reference, that is whether
// Resolve would ask a backend (or the cache) for anything. A string such as
// "ref+vault://secret/api#token" is one; "password: ref+envsubst://$DB_PASSWORD" holds
// one; "hello" and "ref+nothing" (no "://") hold none.
func IsRef(s string) bool { return ref.Contains(s) }

// Resolve returns s with every reference in it replaced by its value, as
// vals does: "ref+echo://a/b" becomes "a/b", "user=ref+echo://u+ pass=x" becomes
// "user=u pass=x", and a reference nested in another
// ("ref+echo://ref+envsubst://$HOME/x") is resolved inside out. A string with
// no reference comes back as it is, without touching any backend.
//
// Distinct references in one string are resolved concurrently. A reference
// whose value is null, or whose #/fragment names a key that does not exist,
// fails with ErrNotFound (vals would print "<nil>"); one that points at a map
// or list fails with ErrNotScalar. Errors are *Error values; see the sentinels
// for telling them apart. Resolve returns when ctx is done, even if a backend
// hangs.
func (r *Resolver) Resolve(ctx context.Context, s string) (string, error) {
	if !strings.Contains(s, "ref+") {
		return s, nil
	}
	// Fast path: s is exactly one reference, and its value is cached. Cache
	// keys are "ref+" + a reference without "+" (see lookup), which parse back
	// to themselves as one whole reference, so a key never stands for anything
	// else.
	if v, ok := r.cached(s); ok {
		if r.log != nil && r.log.Enabled(ctx, slog.LevelDebug) {
			r.log.LogAttrs(ctx, slog.LevelDebug, "secret cache hit", slog.String("ref", ref.Safe(s)))
		}
		return v, nil
	}
	return r.resolve(ctx, s, nil)
}

// template is a parsed string: where its references are, and the distinct
// cache keys they need. Strings are parsed once and remembered (vals' regular
// expression is most of the cost of resolving a string whose values are
// cached), unless they hold nested references, which depend on values.
type template struct {
	spans []ref.Span
	keys  []string // distinct "ref+" + reference, in order of appearance
	index []int    // span i needs keys[index[i]]
}

// maxTemplate bounds the length of the strings whose parse is remembered.
const maxTemplate = 4096

func parse(spans []ref.Span) *template {
	t := &template{spans: spans, keys: make([]string, 0, len(spans)), index: make([]int, len(spans))}
	var seen map[string]int // only for many references; a scan is cheaper for few
	if len(spans) > 16 {
		seen = make(map[string]int, len(spans))
	}
	for i, sp := range spans {
		k := "ref+" + sp.Ref
		j, ok := -1, false
		if seen != nil {
			j, ok = seen[k]
		} else {
			j = slices.Index(t.keys, k)
			ok = j >= 0
		}
		if !ok {
			j = len(t.keys)
			t.keys = append(t.keys, k)
			if seen != nil {
				seen[k] = j
			}
		}
		t.index[i] = j
	}
	return t
}

// resolve is Resolve past the fast path, for the resolver (snap nil) or a
// Snapshot.
func (r *Resolver) resolve(ctx context.Context, s string, snap *Snapshot) (string, error) {
	if t, ok := r.templates.Get(s); ok {
		return r.substitute(ctx, s, t, nil, snap)
	}
	if err := r.checkSchemes(s); err != nil {
		return "", err
	}
	in := s
	var x *expansion
	if ref.HasNesting(s) {
		var err error
		if x, err = r.expandNested(ctx, s, snap); err != nil {
			return "", err
		}
		s = x.s
	}
	spans := ref.FindAll(s)
	if len(spans) == 0 {
		return s, nil
	}
	if x != nil && len(x.splices) > 0 {
		for _, sp := range spans {
			if err := x.builtFromValue(sp.Start, sp.Ref); err != nil {
				return "", err
			}
		}
	}
	t := parse(spans)
	if (x == nil || len(x.splices) == 0) && len(in) <= maxTemplate {
		// Nothing was spliced: the parse depends on s alone, and its schemes
		// have been checked against the (fixed) allow-list.
		r.templates.Add(in, t)
	}
	return r.substitute(ctx, s, t, x, snap)
}

// substitute replaces the references of s, parsed as t, by their values.
// Distinct references are looked up once each, misses concurrently. x, when
// not nil, tells how values of nested references were spliced into s.
func (r *Resolver) substitute(ctx context.Context, s string, t *template, x *expansion, snap *Snapshot) (string, error) {
	values := make([]string, len(t.keys))
	var missing []int
	for j, k := range t.keys {
		if v, ok := r.value(k, snap); ok {
			values[j] = v
		} else {
			missing = append(missing, j)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		j := missing[0]
		v, err := r.lookup(ctx, t.keys[j], keyName(t, x, j), x.masker(), snap)
		if err != nil {
			return "", err
		}
		values[j] = v
	default:
		g, gctx := errgroup.WithContext(ctx)
		for _, j := range missing {
			g.Go(func() error {
				v, err := r.lookup(gctx, t.keys[j], keyName(t, x, j), x.masker(), snap)
				values[j] = v
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return "", err
		}
	}

	n := len(s)
	for i, sp := range t.spans {
		n += len(values[t.index[i]]) - (sp.End - sp.Start)
	}
	var b strings.Builder
	b.Grow(n)
	last := 0
	for i, sp := range t.spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString(values[t.index[i]])
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// keyName shows key j of t in errors and logs: without query and userinfo,
// and with the values of nested references shown as those references.
func keyName(t *template, x *expansion, j int) string {
	if x == nil || len(x.splices) == 0 {
		return ref.Safe(t.keys[j])
	}
	i := slices.Index(t.index, j)
	return x.show(t.spans[i].Start, t.spans[i].Ref)
}

// checkSchemes fails on the first reference in s, nested or not, whose
// scheme is not allowed, before any backend is asked. lookup checks again,
// for references that only appear once inner values are spliced in.
func (r *Resolver) checkSchemes(s string) error {
	for _, sp := range ref.All(s) {
		if err := r.allow("ref+"+sp.Ref, ""); err != nil {
			return err
		}
	}
	return nil
}

// allow checks the scheme of key ("ref+" + reference) against the
// allow-list; name is how to show key ("" for ref.Safe(key)). The scheme
// quoted in the error is text the author wrote: a scheme built from a value
// is refused earlier (expansion.builtFromValue), without quoting it.
func (r *Resolver) allow(key, name string) error {
	scheme := strings.ToLower(ref.Scheme(key)) // vals (net/url) lower-cases schemes too
	if r.allowed[scheme] {
		return nil
	}
	if name == "" {
		name = ref.Safe(key)
	}
	return &Error{
		Ref: name,
		Err: newError(ErrSchemeNotAllowed, fmt.Sprintf(
			"%q is not in the allow-list; allow it with secrets.WithSchemes(append(secrets.DefaultSchemes(), %q)...)", scheme, scheme)),
	}
}

// lookup returns the value of one reference, key = "ref+" + reference, from
// the snapshot, the cache or the backend, and serves a stale value when the
// backend fails. name shows key in errors and logs; m masks values spliced
// into key (nested references) in the text of errors.
func (r *Resolver) lookup(ctx context.Context, key, name string, m masker, snap *Snapshot) (string, error) {
	if v, ok := snap.get(key); ok {
		return v, nil
	}
	if err := r.allow(key, name); err != nil {
		return "", err
	}
	if err := r.confineQuery(key); err != nil {
		return "", &Error{Ref: name, Err: err}
	}
	logging := r.log != nil && r.log.Enabled(ctx, slog.LevelDebug)
	e, fresh := r.entry(key)
	if fresh {
		if logging {
			r.log.LogAttrs(ctx, slog.LevelDebug, "secret cache hit", slog.String("ref", name))
		}
		return snap.pin(key, e.value), nil
	}
	begin := time.Now()
	wait, cancel := r.staleWait(ctx, e)
	v, shared, err := r.fetchShared(wait, key, len(m) > 0)
	cancel()
	took := time.Since(begin)
	if err != nil {
		err = m.maskErr(err)
		if e != nil && r.servesStale(e, err) {
			r.warnStale(ctx, name, e, err)
			return snap.pin(key, e.value), nil
		}
		if r.log != nil {
			r.log.LogAttrs(ctx, slog.LevelWarn, "secret resolution failed", slog.String("ref", name),
				slog.Duration("took", took), slog.String("error", err.Error()))
		}
		return "", &Error{Ref: name, Err: err}
	}
	if logging {
		r.log.LogAttrs(ctx, slog.LevelDebug, "secret cache miss resolved", slog.String("ref", name),
			slog.Duration("took", took), slog.Bool("shared", shared))
	}
	return snap.pin(key, v), nil
}

// staleWait is how long lookup waits for a refetch when it holds a stale
// value it may serve: half the time the caller has left, so that a slow
// backend leaves time to serve the stale value and for the caller's own work
// after it (a render prints and masks what it got) before the caller's
// deadline, instead of failing at it (a larger share left too little under
// load in bench/soak, which measures it). The refetch goes on, detached, and
// caches what it gets for the next caller.
func (r *Resolver) staleWait(ctx context.Context, e *entry) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || e == nil || r.maxStale <= 0 || time.Since(e.expires) > r.maxStale {
		return ctx, func() {}
	}
	return context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
}

// report tells the WithOnResolved hooks about a value; a panic in a hook
// fails the lookup rather than the process.
func (r *Resolver) report(v string) (err error) {
	if len(r.hooks) == 0 || v == "" {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrBackend, "a WithOnResolved hook panicked (panic value withheld)")
		}
	}()
	for _, h := range r.hooks {
		h(v)
	}
	return nil
}

// backendError marks an error from a Backend with ErrBackend unless it
// already says what kind it is.
func backendError(err error) error {
	for _, kind := range []error{ErrNotFound, ErrNotScalar, ErrBackend, ErrInvalidRef, ErrSchemeNotAllowed,
		ErrOutsideRoot, ErrCircuitOpen, context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, kind) {
			return err
		}
	}
	return fmt.Errorf("%w: %w", ErrBackend, err)
}
