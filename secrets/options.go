package secrets

import (
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// Defaults of a Resolver, each changed by the option of the same name.
const (
	// DefaultTTL is how long a resolved value is served from the cache. Five
	// minutes bounds how long a rotated secret can hide behind the cache while
	// keeping a busy engine from asking its secret store on every step; call
	// MarkStale or Purge to pick up a rotation at once (on a workspace
	// reload, say). Each value is kept for a random time between 90% and
	// 100% of the TTL, so that replicas started together do not all refetch
	// in the same second.
	DefaultTTL = 5 * time.Minute

	// DefaultTimeout bounds one backend call (vals' providers take no
	// context; an AWS call whose endpoint never answers blocks for ever).
	// When it expires the call is abandoned: its concurrency slot is given
	// back and its waiters get an error.
	DefaultTimeout = 30 * time.Second

	// DefaultMaxEntries bounds the cache.
	DefaultMaxEntries = 10_000

	// DefaultConcurrency bounds the backend calls in flight at once.
	DefaultConcurrency = 32

	// DefaultMaxAbandoned bounds the abandoned backend calls (those that
	// did not return within the timeout) still running in the background.
	DefaultMaxAbandoned = 256

	// DefaultMaxStale is how long a value past its TTL, or marked stale by
	// MarkStale, may still be served when refetching it fails.
	DefaultMaxStale = 15 * time.Minute

	// DefaultBreakerFailures is how many failures in a row of one reference,
	// or of one backend, make the resolver fail fast.
	DefaultBreakerFailures = 5
	// DefaultBreakerOpen is how long the resolver first fails fast before it
	// lets one probe through; each failed probe doubles it, up to
	// DefaultBreakerMaxOpen. Both are short so that a recovered backend is
	// used again within a second.
	DefaultBreakerOpen    = 100 * time.Millisecond
	DefaultBreakerMaxOpen = 800 * time.Millisecond
)

// An Option configures a Resolver in New. Options only record their
// arguments; New checks them all and reports every one that is wrong (a nil
// Option included), each wrapping [ErrInvalidOption], joined with
// errors.Join.
type Option func(*config)

type config struct {
	backend      Backend
	backendSet   bool
	ttl          time.Duration
	timeout      time.Duration
	maxEntries   int
	concurrency  int
	maxAbandoned int
	maxStale     time.Duration
	schemes      []string
	hooks        []func(value string)
	nilHook      bool
	logger       *slog.Logger
	loggerSet    bool

	breakerOff      bool
	breakerFailures int
	breakerOpen     time.Duration
	breakerMaxOpen  time.Duration

	fsys       fs.FS
	fsysSet    bool
	absDirs    []string
	ageKeys    []string
	ageKeysSet bool
	// parsedAgeKeys are ageKeys parsed, once, by validate: parsing an
	// X25519 identity derives its public key, a scalar multiplication.
	parsedAgeKeys sopsdec.Keys
}

func defaults() config {
	return config{
		ttl:             DefaultTTL,
		timeout:         DefaultTimeout,
		maxEntries:      DefaultMaxEntries,
		concurrency:     DefaultConcurrency,
		maxAbandoned:    DefaultMaxAbandoned,
		maxStale:        DefaultMaxStale,
		schemes:         DefaultSchemes(),
		breakerFailures: DefaultBreakerFailures,
		breakerOpen:     DefaultBreakerOpen,
		breakerMaxOpen:  DefaultBreakerMaxOpen,
	}
}

// validate returns an error for every option that is wrong, each naming
// it. It is one flat check per option, in the order the options are
// documented: long, but one place to read them all.
func (c *config) validate() []error {
	var errs []error
	bad := func(option, format string, args ...any) {
		errs = append(errs, fmt.Errorf("secrets: %w: %s: %s", ErrInvalidOption, option, fmt.Sprintf(format, args...)))
	}
	if c.backendSet && c.backend == nil {
		bad("WithBackend", "nil backend")
	}
	if c.ttl < 0 {
		bad("WithTTL", "negative TTL %v (0 turns the cache off)", c.ttl)
	}
	if c.timeout <= 0 {
		bad("WithTimeout", "the timeout must be positive, got %v", c.timeout)
	}
	if c.maxEntries < 1 {
		bad("WithMaxEntries", "must be at least 1, got %d", c.maxEntries)
	}
	if c.concurrency < 1 {
		bad("WithConcurrency", "must be at least 1, got %d", c.concurrency)
	}
	if c.maxAbandoned < 0 {
		bad("WithMaxAbandoned", "must not be negative, got %d", c.maxAbandoned)
	}
	if c.maxStale < 0 {
		bad("WithMaxStale", "must not be negative, got %v (0 never serves a stale value)", c.maxStale)
	}
	for _, s := range c.schemes {
		if s == "" || strings.ContainsAny(s, ":/+ ") {
			bad("WithSchemes", "invalid scheme %q (want a name such as \"vault\")", s)
		}
	}
	if c.nilHook {
		bad("WithOnResolved", "nil function")
	}
	if c.loggerSet && c.logger == nil {
		bad("WithLogger", "nil logger (leave the option out to log nothing)")
	}
	if !c.breakerOff {
		switch {
		case c.breakerFailures < 1:
			bad("WithCircuitBreaker", "failures must be at least 1, got %d", c.breakerFailures)
		case c.breakerOpen <= 0 || c.breakerMaxOpen < c.breakerOpen:
			bad("WithCircuitBreaker", "want 0 < open (%v) <= maxOpen (%v)", c.breakerOpen, c.breakerMaxOpen)
		}
	}
	if c.fsysSet && c.fsys == nil {
		bad("WithFiles", "nil file system")
	}
	for _, d := range c.absDirs {
		switch {
		case !filepath.IsAbs(d):
			bad("WithAbsoluteDirs", "%q is not an absolute path", d)
		case filepath.Clean(d) != d:
			bad("WithAbsoluteDirs", "%q is not clean (want %q)", d, filepath.Clean(d))
		case d == string(filepath.Separator):
			bad("WithAbsoluteDirs", "%q names the whole file system", d)
		}
	}
	if c.ageKeysSet {
		if len(c.ageKeys) == 0 {
			bad("WithAgeIdentities", "no identity given")
		} else if keys, err := sopsdec.AgeKeys(c.ageKeys...); err != nil {
			errs = append(errs, fmt.Errorf("secrets: %w: WithAgeIdentities: %w", ErrInvalidOption, err))
		} else {
			c.parsedAgeKeys = keys
		}
		if !c.fsysSet && len(c.absDirs) == 0 {
			bad("WithAgeIdentities", "sops references are decrypted in process only with WithFiles or WithAbsoluteDirs")
		}
	}
	return errs
}

// WithBackend replaces the default backend (vals, in process, see
// NewValsBackend). Use it for a fake in tests or a backend of your own; the
// scheme allow-list still applies, so allow your scheme with WithSchemes.
// With WithFiles or WithAbsoluteDirs, "file", "sops" and "tfstate"
// references never reach the backend; without them, they do.
func WithBackend(b Backend) Option {
	return func(c *config) { c.backend, c.backendSet = b, true }
}

// WithTTL sets how long a resolved value is served from the cache (default
// DefaultTTL; each value is kept for a random 90–100% of it). Zero turns the
// cache off: every Resolve asks the backend, only concurrent calls for one
// reference share a backend call, and nothing is left to serve stale.
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithSchemes replaces the allow-list of reference schemes ("vault",
// "awsssm", …; see DefaultSchemes). A reference whose scheme is not listed
// fails with ErrSchemeNotAllowed before any backend is asked. Schemes are
// compared without regard to case, as vals does.
func WithSchemes(schemes ...string) Option {
	return func(c *config) { c.schemes = append([]string{}, schemes...) }
}

// WithOnResolved registers f to be told every value a backend returned,
// before Resolve returns it to anyone, so that a redactor can mask it from
// then on. It may be given several times: every hook is called, in the
// order given (the loader adds its redactor's hook beside a user's). A hook
// is called from the goroutine that asked the backend, at least once per
// value and per TTL; not for empty values (nothing to mask) nor for cache
// hits. It must be safe for concurrent use. A hook that panics fails the
// lookup, not the process.
func WithOnResolved(f func(value string)) Option {
	return func(c *config) {
		if f == nil {
			c.nilHook = true
			return
		}
		c.hooks = append(c.hooks, f)
	}
}

// WithLogger logs cache hits and misses (Debug), backend latencies (Debug),
// failures, stale values served and abandoned calls (Warn) to l. Log lines
// name references without their query or userinfo and never hold a value.
// The default is no logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger, c.loggerSet = l, true }
}

// WithTimeout bounds each backend call to d (default DefaultTimeout),
// whatever the deadlines of the callers waiting for it. A caller whose
// context ends sooner returns then; the call goes on for the others, up to
// d. A call that has not returned after d is abandoned: its waiters get
// context.DeadlineExceeded, its WithConcurrency slot is given back, and it
// counts against WithMaxAbandoned until it returns. d must be positive.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithMaxEntries bounds the number of cached values (default
// DefaultMaxEntries); the least recently used is dropped first. It also
// bounds the parsed strings remembered, the failures tracked by the
// circuit breaker and the values a Snapshot pins.
func WithMaxEntries(n int) Option { return func(c *config) { c.maxEntries = n } }

// WithConcurrency bounds the backend calls in flight at once, across all
// references and callers (default DefaultConcurrency). A call abandoned
// after WithTimeout no longer holds its slot.
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithMaxAbandoned bounds the abandoned backend calls that may still be
// running in the background (default DefaultMaxAbandoned). vals cannot be
// stopped, so a call that hangs for good keeps a goroutine; while n of them
// are running, no new backend call is started and Resolve fails with an
// error that says so. Calls already in their slots when the cap is reached
// may still be abandoned, so hung calls never keep more than n +
// WithConcurrency goroutines. Zero refuses new calls as soon as one is
// abandoned.
func WithMaxAbandoned(n int) Option { return func(c *config) { c.maxAbandoned = n } }

// WithMaxStale sets how long a value may be served after it went stale (its
// TTL passed, or MarkStale was called) when refetching it fails with a
// backend error or a timeout (default DefaultMaxStale): stale-if-error. Each
// such value is logged once at Warn level. A definite answer (ErrNotFound,
// ErrNotScalar) is not an outage and is never hidden behind a stale value.
// Zero never serves a stale value.
func WithMaxStale(d time.Duration) Option { return func(c *config) { c.maxStale = d } }

// WithCircuitBreaker sets when the resolver fails fast: after failures
// failures in a row of one reference, or of one backend (a scheme and its
// query parameters, as vals groups providers), calls fail at once with the
// last error (wrapped with ErrCircuitOpen) for open, then one call is let
// through as a probe; each probe that fails, or does not answer within the
// interval, doubles the interval up to maxOpen, and a success closes the
// breaker. Only backend errors and timeouts count against a backend;
// every failure counts against its reference. Defaults:
// DefaultBreakerFailures, DefaultBreakerOpen, DefaultBreakerMaxOpen.
func WithCircuitBreaker(failures int, open, maxOpen time.Duration) Option {
	return func(c *config) {
		c.breakerOff = false
		c.breakerFailures, c.breakerOpen, c.breakerMaxOpen = failures, open, maxOpen
	}
}

// WithoutCircuitBreaker lets every call reach the backend, however often it
// failed before.
func WithoutCircuitBreaker() Option { return func(c *config) { c.breakerOff = true } }

// WithFiles makes "file", "sops" and "tfstate" references read through fsys, relative
// to its root, instead of the host's file system: "ref+file://conf/db.yaml#/password"
// reads "conf/db.yaml" in fsys. A path that climbs above the root ("..") or
// reaches through a symbolic link out of it fails with ErrOutsideRoot, and
// so does an absolute path unless WithAbsoluteDirs allows its directory.
// Hand in an os.Root's FS (which refuses links out of the root by itself) or
// any fs.FS (testing/fstest, embed.FS). "tfstate" references read their
// state file the same way. Without WithFiles or WithAbsoluteDirs, relative
// paths fail with ErrOutsideRoot.
func WithFiles(fsys fs.FS) Option {
	return func(c *config) { c.fsys, c.fsysSet = fsys, true }
}

// WithAbsoluteDirs allows "file", "sops" and "tfstate" references with an
// absolute path under one of dirs (mounted secrets such as "/run/secrets"),
// read through an os.Root of that directory: no ".." and no symbolic link
// out of it; and query parameters that name a host file (vault's
// token_file=, k8s' kubeConfigPath=) under one of dirs, whose links, resolved
// when the reference is, stay inside. It may be given several times; the
// directories add up. Without it, absolute paths fail with ErrOutsideRoot.
func WithAbsoluteDirs(dirs ...string) Option {
	return func(c *config) { c.absDirs = append(c.absDirs, dirs...) }
}

// WithAgeIdentities makes identities (AGE-SECRET-KEY-1…) the only keys that
// decrypt "sops" references read through WithFiles or WithAbsoluteDirs: the
// host's SOPS_AGE_KEY_FILE, KMS or PGP keys are never tried, so that one
// tenant's workspace cannot read what the host's keys decrypt. Without it,
// sops references use the keys the sops program would (its environment).
// It may be given several times; the identities add up.
func WithAgeIdentities(identities ...string) Option {
	return func(c *config) {
		c.ageKeys, c.ageKeysSet = append(c.ageKeys, identities...), true
	}
}
