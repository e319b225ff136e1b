package secrets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
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
// around it. Get should honour ctx; the Resolver returns on time even when it
// does not. Errors should not quote secret values: the Resolver passes them
// on, marked with ErrBackend unless they already wrap a sentinel of this
// package or a context error.
type Backend interface {
	Get(ctx context.Context, ref string) (string, error)
}

// maxNesting is vals' limit on references nested inside references.
const maxNesting = 10

// Resolver replaces ref+ references in strings with their values, through a
// Backend and behind a cache. It is safe for concurrent use.
//
// Concurrent misses of one reference make a single backend call, which runs
// detached from any one caller: a caller that gives up (cancellation,
// deadline) returns at once while the call goes on for the others, up to the
// resolver's timeout or the longest caller deadline known when it started.
// Its value is then cached. A backend call that never returns (vals takes no
// context) keeps one of the WithConcurrency slots until it does; such calls
// are logged as abandoned.
type Resolver struct {
	backend    Backend
	ttl        time.Duration
	timeout    time.Duration
	allowed    map[string]bool // lower-case schemes
	onResolved func(string)
	log        *slog.Logger // nil: no logging

	cache     *lru.Cache[string, entry]     // nil when the TTL is zero
	templates *lru.Cache[string, *template] // parsed strings
	sem       chan struct{}                 // one token per backend call in flight
	flights   singleflight.Group

	// gen counts Purges. A backend call stores its value only if no Purge
	// happened since it started, and calls started before a Purge are not
	// joined after it; mu makes the check and the store one step.
	mu  sync.Mutex
	gen atomic.Uint64
}

type entry struct {
	value   string
	expires time.Time
}

// New returns a Resolver. Without options it resolves through vals in
// process (NewValsBackend), caches values for DefaultTTL, allows
// DefaultSchemes, and logs nothing.
func New(opts ...Option) (*Resolver, error) {
	c := config{
		ttl:         DefaultTTL,
		timeout:     DefaultTimeout,
		maxEntries:  DefaultMaxEntries,
		concurrency: DefaultConcurrency,
		schemes:     DefaultSchemes(),
	}
	for _, o := range opts {
		o(&c)
	}
	switch {
	case c.ttl < 0:
		return nil, fmt.Errorf("secrets: negative TTL %v", c.ttl)
	case c.timeout <= 0:
		return nil, fmt.Errorf("secrets: timeout must be positive, got %v", c.timeout)
	case c.maxEntries < 1:
		return nil, fmt.Errorf("secrets: max entries must be at least 1, got %d", c.maxEntries)
	case c.concurrency < 1:
		return nil, fmt.Errorf("secrets: concurrency must be at least 1, got %d", c.concurrency)
	}
	if c.backend == nil {
		c.backend = NewValsBackend(ValsOptions{})
	}
	r := &Resolver{
		backend:    c.backend,
		ttl:        c.ttl,
		timeout:    c.timeout,
		allowed:    make(map[string]bool, len(c.schemes)),
		onResolved: c.onResolved,
		log:        c.logger,
		sem:        make(chan struct{}, c.concurrency),
	}
	for _, s := range c.schemes {
		if s == "" || strings.ContainsAny(s, ":/+ ") {
			return nil, fmt.Errorf("secrets: invalid scheme %q (want a name such as \"vault\")", s)
		}
		r.allowed[strings.ToLower(s)] = true
	}
	var err error
	if r.templates, err = lru.New[string, *template](c.maxEntries); err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if c.ttl > 0 {
		cache, err := lru.New[string, entry](c.maxEntries)
		if err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
		r.cache = cache
	}
	return r, nil
}

// IsRef reports whether s holds at least one reference, that is whether
// Resolve would ask a backend (or the cache) for anything. A string such as
// "ref+vault://secret/api#token" is one; "password: ref+envsubst://$DB_PASSWORD" holds
// one; "hello" and "ref+nothing" (no "://") hold none.
func IsRef(s string) bool { return ref.Contains(s) }

// Purge forgets every cached value now: the next Resolve of any reference
// asks the backend, and does not join a backend call that started before.
func (r *Resolver) Purge() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen.Add(1)
	if r.cache != nil {
		r.cache.Purge()
	}
}

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
	return r.resolve(ctx, s)
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

func (r *Resolver) resolve(ctx context.Context, s string) (string, error) {
	if t, ok := r.templates.Get(s); ok {
		return r.substitute(ctx, s, t, nil)
	}
	spans := ref.FindAll(s)
	if err := r.checkSchemes(s, spans); err != nil {
		return "", err
	}
	in := s
	var m masker
	if hasNesting(s) {
		var err error
		if s, err = r.expandNested(ctx, s, &m); err != nil {
			return "", err
		}
		spans = ref.FindAll(s)
	}
	if len(spans) == 0 {
		return s, nil
	}
	t := parse(spans)
	if len(m) == 0 && len(in) <= maxTemplate {
		// Nothing was spliced: the parse depends on s alone, and its schemes
		// have been checked against the (fixed) allow-list.
		r.templates.Add(in, t)
	}
	return r.substitute(ctx, s, t, m)
}

// substitute replaces the references of s, parsed as t, by their values.
// Distinct references are looked up once each, misses concurrently.
func (r *Resolver) substitute(ctx context.Context, s string, t *template, m masker) (string, error) {
	values := make([]string, len(t.keys))
	var missing []int
	for j, k := range t.keys {
		if v, ok := r.cached(k); ok {
			values[j] = v
		} else {
			missing = append(missing, j)
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		j := missing[0]
		v, err := r.lookup(ctx, t.keys[j], m)
		if err != nil {
			return "", err
		}
		values[j] = v
	default:
		g, gctx := errgroup.WithContext(ctx)
		for _, j := range missing {
			g.Go(func() error {
				v, err := r.lookup(gctx, t.keys[j], m)
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

// checkSchemes fails on the first reference in s, nested or not, whose
// scheme is not allowed, before any backend is asked. lookup checks again,
// for references that only appear once inner values are spliced in.
func (r *Resolver) checkSchemes(s string, spans []ref.Span) error {
	starts := make(map[int]bool, len(spans))
	for _, sp := range spans {
		if err := r.allow(sp.Ref, nil); err != nil {
			return err
		}
		starts[sp.Start] = true
	}
	for _, p := range prefixes(s) {
		if starts[p.start] {
			continue
		}
		// A reference that starts inside another one: a nested reference.
		if inner := ref.FindAll(s[p.start:]); len(inner) > 0 && inner[0].Start == 0 {
			if err := r.allow(inner[0].Ref, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Resolver) allow(rf string, m masker) error {
	scheme := strings.ToLower(ref.Scheme(rf)) // vals (net/url) lower-cases schemes too
	if r.allowed[scheme] {
		return nil
	}
	return &Error{
		Ref: m.mask(safeRef(rf)),
		Err: newError(ErrSchemeNotAllowed, fmt.Sprintf(
			"%q is not in the allow-list; allow it with secrets.WithSchemes(append(secrets.DefaultSchemes(), %q)...)", scheme, scheme)),
	}
}

// safeRef names a reference (with or without its "ref+" prefix) for an
// error or a log line: "ref+SCHEME://PATH#FRAGMENT", query removed.
func safeRef(rf string) string {
	if !strings.HasPrefix(rf, "ref+") {
		rf = "ref+" + rf
	}
	return ref.Safe(rf)
}

type prefix struct{ start, end int }

// prefixes returns where "ref+" and "secretref+" start and end in s, as vals'
// nesting scan sees them.
func prefixes(s string) []prefix {
	var out []prefix
	for off := 0; ; {
		i := strings.Index(s[off:], "ref+")
		if i < 0 {
			return out
		}
		start := off + i
		if start >= len("secret") && s[start-len("secret"):start] == "secret" {
			start -= len("secret")
		}
		out = append(out, prefix{start, off + i + len("ref+")})
		off += i + len("ref+")
	}
}

// hasNesting reports cheaply whether s may hold a nested reference: vals only
// looks for one when s has two prefixes or more.
func hasNesting(s string) bool {
	i := strings.Index(s, "ref+")
	return i >= 0 && strings.Contains(s[i+4:], "ref+")
}

// expandNested resolves nested references inside out, as vals'
// resolveInnerRefs does: a prefix that follows the previous one with no
// separator (space, newline, tab, quote, comma) in between is part of the
// previous reference; the rightmost such is resolved, its value spliced in,
// and the scan starts again. m records each splice so that messages about the
// outer reference show the inner reference instead of its value.
func (r *Resolver) expandNested(ctx context.Context, s string, m *masker) (string, error) {
	for depth := 0; ; depth++ {
		pos := prefixes(s)
		spliced := false
		for i := len(pos) - 1; i >= 1 && !spliced; i-- {
			if strings.ContainsAny(s[pos[i-1].end:pos[i].start], " \n\r\t\",") {
				continue // an independent reference
			}
			start := pos[i].start
			inner := ref.FindAll(s[start:])
			if len(inner) == 0 {
				continue
			}
			sp := inner[0]
			if depth >= maxNesting {
				return "", &Error{Ref: m.mask(safeRef(sp.Ref)), Err: newError(ErrInvalidRef,
					fmt.Sprintf("references nested more than %d deep", maxNesting))}
			}
			v, err := r.lookup(ctx, "ref+"+sp.Ref, *m)
			if err != nil {
				return "", err
			}
			*m = append(*m, substitution{value: v, shown: m.mask(safeRef(sp.Ref))})
			s = s[:start+sp.Start] + v + s[start+sp.End:]
			spliced = true
		}
		if !spliced {
			return s, nil
		}
	}
}

// cached returns the cached value of key if it has not expired.
func (r *Resolver) cached(key string) (string, bool) {
	if r.cache == nil {
		return "", false
	}
	e, ok := r.cache.Get(key)
	if !ok || !time.Now().Before(e.expires) {
		return "", false
	}
	return e.value, true
}

// lookup returns the value of one reference, key = "ref+" + reference, from
// the cache or the backend. m masks values spliced into key (nested
// references) in errors and logs.
func (r *Resolver) lookup(ctx context.Context, key string, m masker) (string, error) {
	if err := r.allow(key, m); err != nil {
		return "", err
	}
	logging := r.log != nil && r.log.Enabled(ctx, slog.LevelDebug)
	if v, ok := r.cached(key); ok {
		if logging {
			r.log.LogAttrs(ctx, slog.LevelDebug, "secret cache hit", slog.String("ref", m.mask(ref.Safe(key))))
		}
		return v, nil
	}
	begin := time.Now()
	v, shared, err := r.fetchShared(ctx, key)
	took := time.Since(begin)
	if err != nil {
		e := &Error{Ref: m.mask(ref.Safe(key)), Err: m.maskErr(err)}
		if r.log != nil {
			r.log.LogAttrs(ctx, slog.LevelWarn, "secret resolution failed", slog.String("ref", e.Ref),
				slog.Duration("took", took), slog.String("error", e.Err.Error()))
		}
		return "", e
	}
	if logging {
		r.log.LogAttrs(ctx, slog.LevelDebug, "secret cache miss resolved", slog.String("ref", m.mask(ref.Safe(key))),
			slog.Duration("took", took), slog.Bool("shared", shared))
	}
	return v, nil
}

// fetchShared asks the backend for key through the singleflight group, and
// waits for the answer or for ctx.
func (r *Resolver) fetchShared(ctx context.Context, key string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("not started: %w", err)
	}
	gen := r.gen.Load()
	flight := strconv.FormatUint(gen, 10) + " " + key
	ch := r.flights.DoChan(flight, func() (any, error) { return r.fetch(ctx, key, gen) })
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Shared, res.Err
		}
		return res.Val.(string), res.Shared, nil
	case <-ctx.Done():
		return "", false, fmt.Errorf("gave up waiting for the backend: %w", ctx.Err())
	}
}

type fetched struct {
	value string
	err   error
}

// fetch makes one backend call for key, on behalf of every caller waiting in
// the singleflight group. It runs detached from the first caller's
// cancellation, bounded by the resolver's timeout or that caller's deadline,
// whichever is later, so that one impatient caller cannot fail the others.
func (r *Resolver) fetch(first context.Context, key string, gen uint64) (any, error) {
	timeout := r.timeout
	if dl, ok := first.Deadline(); ok {
		timeout = max(timeout, time.Until(dl))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(first), timeout)
	defer cancel()
	timedOut := func() error {
		return fmt.Errorf("no answer within %v: %w", timeout, context.DeadlineExceeded)
	}

	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("all %d backend slots busy: %w", cap(r.sem), timedOut())
	}
	done := make(chan fetched, 1)
	go func() {
		defer func() { <-r.sem }() // only once the backend has returned: the bound is real
		defer func() {
			if p := recover(); p != nil {
				done <- fetched{err: newError(ErrBackend, "the backend panicked (panic value withheld)")}
			}
		}()
		v, err := r.backend.Get(ctx, key)
		done <- fetched{value: v, err: err}
	}()

	var res fetched
	select {
	case res = <-done:
	case <-ctx.Done():
		if r.log != nil {
			// The flight's own context: the key may hold spliced values, so
			// name only the scheme.
			r.log.LogAttrs(ctx, slog.LevelWarn, "secret backend call abandoned after timeout; it keeps a concurrency slot until it returns",
				slog.String("scheme", ref.Scheme(key)), slog.Duration("timeout", timeout))
		}
		return nil, timedOut()
	}
	if res.err != nil {
		return nil, backendError(res.err)
	}
	if err := r.report(res.value); err != nil {
		return nil, err
	}
	if r.cache != nil {
		r.mu.Lock()
		if r.gen.Load() == gen {
			r.cache.Add(key, entry{value: res.value, expires: time.Now().Add(r.ttl)})
		}
		r.mu.Unlock()
	}
	return res.value, nil
}

// report tells the OnResolved hook about a value; a panic in the hook fails
// the lookup rather than the process.
func (r *Resolver) report(v string) (err error) {
	if r.onResolved == nil || v == "" {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrBackend, "the OnResolved hook panicked (panic value withheld)")
		}
	}()
	r.onResolved(v)
	return nil
}

// backendError marks an error from a Backend with ErrBackend unless it
// already says what kind it is.
func backendError(err error) error {
	for _, kind := range []error{ErrNotFound, ErrNotScalar, ErrBackend, ErrInvalidRef, ErrSchemeNotAllowed,
		context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, kind) {
			return err
		}
	}
	return fmt.Errorf("%w: %w", ErrBackend, err)
}
