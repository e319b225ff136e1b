package secrets

import (
	"log/slog"
	"time"
)

// Defaults of a Resolver, each changed by the option of the same name.
const (
	// DefaultTTL is how long a resolved value is served from the cache. Five
	// minutes bounds how long a rotated secret can hide behind the cache while
	// keeping a busy engine from asking its secret store on every step; call
	// Purge to pick up a rotation at once (on a workspace reload, say).
	DefaultTTL = 5 * time.Minute

	// DefaultTimeout bounds one backend call when the caller's context has no
	// deadline (vals' providers take no context; an AWS call whose endpoint
	// never answers blocks for ever).
	DefaultTimeout = 30 * time.Second

	// DefaultMaxEntries bounds the cache.
	DefaultMaxEntries = 10_000

	// DefaultConcurrency bounds the backend calls in flight at once.
	DefaultConcurrency = 32
)

// An Option configures a Resolver in New.
type Option func(*config)

type config struct {
	backend     Backend
	ttl         time.Duration
	timeout     time.Duration
	maxEntries  int
	concurrency int
	schemes     []string
	onResolved  func(value string)
	logger      *slog.Logger
}

// WithBackend replaces the default backend (vals, in process, see
// NewValsBackend). Use it for a fake in tests or a backend of your own; the
// scheme allow-list still applies, so allow your scheme with WithSchemes.
func WithBackend(b Backend) Option { return func(c *config) { c.backend = b } }

// WithTTL sets how long a resolved value is served from the cache (default
// DefaultTTL). Zero turns the cache off: every Resolve asks the backend, and
// only concurrent calls for one reference share a backend call.
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithSchemes replaces the allow-list of reference schemes ("vault",
// "awsssm", …; see DefaultSchemes). A reference whose scheme is not listed
// fails with ErrSchemeNotAllowed before any backend is asked. Schemes are
// compared without regard to case, as vals does.
func WithSchemes(schemes ...string) Option {
	return func(c *config) { c.schemes = append([]string{}, schemes...) }
}

// OnResolved registers f to be told every value a backend returned, before
// Resolve returns it to anyone, so that a redactor can mask it from then on.
// f is called from the goroutine that asked the backend, at least once per
// value and per TTL; it is not called for empty values (nothing to mask) nor
// for cache hits. f must be safe for concurrent use.
func OnResolved(f func(value string)) Option { return func(c *config) { c.onResolved = f } }

// WithLogger logs cache hits and misses (Debug), backend latencies (Debug) and
// failures (Warn) to l. Log lines name references without their query and
// never hold a value. The default is no logging.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithTimeout sets the time a backend call may take when the caller's context
// has no later deadline (default DefaultTimeout). It must be positive.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMaxEntries bounds the number of cached values (default
// DefaultMaxEntries); the least recently used is dropped first.
func WithMaxEntries(n int) Option { return func(c *config) { c.maxEntries = n } }

// WithConcurrency bounds the backend calls in flight at once, across all
// references and callers (default DefaultConcurrency). A backend call that
// never returns keeps its slot: see Resolver.
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }
