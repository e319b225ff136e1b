package loader

import (
	"errors"
	"fmt"
	"slices"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
)

// Limits bound the resources one load may use. Start from [DefaultLimits]
// and change what you need: every field must be positive. Exceeding a limit
// is an [ErrLimit] error that names the limit.
type Limits struct {
	MaxFileSize  int64 // bytes in one file
	MaxTotalSize int64 // bytes in all the files of the workspace
	MaxFiles     int   // YAML files in the workspace
	MaxDepth     int   // directory levels below the root
	// MaxNodes bounds the YAML nodes of one file, counted with every alias
	// expanded where it is used: a "billion laughs" file fails fast and small.
	MaxNodes int
}

// DefaultLimits returns the limits used where none are set: generous for
// workflow files, and small enough that a hostile file cannot exhaust a
// server (4 MiB a file, 32 MiB in all, 10,000 files, 16 directory levels,
// 1,000,000 nodes a file).
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:  4 << 20,
		MaxTotalSize: 32 << 20,
		MaxFiles:     10_000,
		MaxDepth:     16,
		MaxNodes:     1_000_000,
	}
}

// validate names every field that is not positive.
func (l Limits) validate() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"MaxFileSize", l.MaxFileSize}, {"MaxTotalSize", l.MaxTotalSize}, {"MaxFiles", int64(l.MaxFiles)},
		{"MaxDepth", int64(l.MaxDepth)}, {"MaxNodes", int64(l.MaxNodes)},
	} {
		if f.v <= 0 {
			errs = append(errs, fmt.Errorf("loader: %w: WithLimits: %s is %d, it must be positive (start from DefaultLimits)", ErrInvalidOption, f.name, f.v))
		}
	}
	return errs
}

// An Option configures a load ([Load], [LoadDir]) or a [Reloader]. Options
// only record their arguments; Load and the Reloader's constructors check
// them and fail with an error that names every bad option (a nil one by
// its position), each wrapping [ErrInvalidOption], joined with
// [errors.Join].
type Option func(*config)

// ErrInvalidOption is wrapped by the error of [Load], [LoadDir] and the
// Reloader's constructors for each option that is nil or whose argument is
// out of range.
var ErrInvalidOption = errors.New("invalid option")

type config struct {
	ageIdentities []string
	limits        Limits
	include       []string // doublestar patterns; none means every YAML file
	exclude       []string
	skipBadFiles  bool
	redactor      *redact.Redactor
	resolverOpts  []secrets.Option
	renderOpts    []render.Option
	shellOff      bool // WithShellQuoting(false)
}

// newConfig applies opts over the defaults and validates the result,
// reporting every bad option at once.
func newConfig(opts []Option) (*config, error) {
	cfg := &config{limits: DefaultLimits()}
	var errs []error
	for i, o := range opts {
		if o == nil {
			errs = append(errs, fmt.Errorf("loader: %w: option %d is nil", ErrInvalidOption, i))
			continue
		}
		o(cfg)
	}
	errs = slices.Concat(errs, cfg.limits.validate(),
		validatePatterns("WithInclude", cfg.include),
		validatePatterns("WithExclude", cfg.exclude))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cfg, nil
}

// WithAgeIdentities hands age secret keys ("AGE-SECRET-KEY-1…") in as values,
// in age-keygen's file format: one key per line, "#" comments and blank lines
// allowed, several keys in one string accepted. When given, these are the only
// keys tried, for the workspace's sops files and for its ref+sops://
// references alike: the environment, key files and KMS are not consulted.
func WithAgeIdentities(keys ...string) Option {
	return func(c *config) { c.ageIdentities = append(c.ageIdentities, keys...) }
}

// WithLimits replaces [DefaultLimits]. Every field must be positive: start
// from DefaultLimits and change what you need.
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l }
}

// WithInclude loads only the YAML files whose path matches one of the
// patterns. Patterns are doublestar globs ("**/*.yaml", "tasks/*.yml")
// matched against the slash-separated path relative to the directory the
// workflow files are read from (the root, or its .workflows directory).
func WithInclude(patterns ...string) Option {
	return func(c *config) { c.include = append(c.include, patterns...) }
}

// WithExclude leaves out the files, and the directories with everything
// below them, whose path matches one of the patterns (doublestar globs, as
// for [WithInclude]): a folder of data that ref+file:// references read, say
// ("data", "**/fixtures"). Exclusion wins over inclusion.
func WithExclude(patterns ...string) Option {
	return func(c *config) { c.exclude = append(c.exclude, patterns...) }
}

// validatePatterns names every pattern that is not a valid glob.
func validatePatterns(option string, patterns []string) []error {
	var errs []error
	for _, p := range patterns {
		if !doublestar.ValidatePattern(p) {
			errs = append(errs, fmt.Errorf("loader: %w: %s: %q is not a valid pattern", ErrInvalidOption, option, p))
		}
	}
	return errs
}

// WithSkipBadFiles makes a bad file (one that does not parse, decrypt or
// merge, or holds a template that does not parse) a warning instead of an
// error: it is left out of the workspace and reported by
// [Workspace.Warnings]. Workspace-wide problems (too many files, unreadable
// root, bad keys, a secrets: entry that does not resolve, a template that
// reads a secret, connection or step the workspace does not have) still
// fail the load.
func WithSkipBadFiles() Option {
	return func(c *config) { c.skipBadFiles = true }
}

// WithResolverOptions configures the [secrets.Resolver] the loader builds
// for the workspace: its backend (a fake one in tests), TTL, allowed schemes
// (a tenant's engine narrows them: secrets.WithSchemes("vault", "awsssm")),
// timeouts, logger, absolute directories that ref+file:// may read
// (secrets.WithAbsoluteDirs("/run/secrets")).
//
// The loader builds one resolver per [Load], [LoadDir] or [Reloader] and
// adds three options of its own after these: file and sops references read
// through the workspace's own files (secrets.WithFiles), sops references
// decrypt with the keys of [WithAgeIdentities] when they are given, and
// every value resolved is taught to the workspace's redactor. A resolver,
// and so its cache, serves one workspace source: tenants never share one.
func WithResolverOptions(opts ...secrets.Option) Option {
	return func(c *config) { c.resolverOpts = append(c.resolverOpts, opts...) }
}

// WithRenderOptions configures the template engine that renders the
// workspace's templates: budgets (render.WithLimits) and
// render.WithDataReferences. The loader adds render.WithSecrets with the
// workspace's redactor.
func WithRenderOptions(opts ...render.Option) Option {
	return func(c *config) { c.renderOpts = append(c.renderOpts, opts...) }
}

// WithRedactor sets the redactor the workspace teaches every value that was
// encrypted at rest, resolved, or derived from a secret by a template. The
// default is a new [redact.Redactor]. A redactor only grows: a Reloader
// keeps one across reloads, so that a value from before a rotation stays
// masked.
func WithRedactor(r *redact.Redactor) Option {
	return func(c *config) { c.redactor = r }
}
