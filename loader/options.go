package loader

import (
	"fmt"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
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

// validate names the first field that is not positive.
func (l Limits) validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"MaxFileSize", l.MaxFileSize}, {"MaxTotalSize", l.MaxTotalSize}, {"MaxFiles", int64(l.MaxFiles)},
		{"MaxDepth", int64(l.MaxDepth)}, {"MaxNodes", int64(l.MaxNodes)},
	} {
		if f.v <= 0 {
			return fmt.Errorf("loader: WithLimits: %s is %d, it must be positive (start from DefaultLimits)", f.name, f.v)
		}
	}
	return nil
}

// An Option configures a load.
type Option func(*config)

type config struct {
	ageIdentities []string
	limits        Limits
	include       []string // doublestar patterns; none means every YAML file
	exclude       []string
	skipBadFiles  bool
	resolver      render.Resolver
	redactor      *redact.Redactor
	cache         *parseCache // set by a Reloader
	renderer      *renderer   // set by a Reloader
}

// WithAgeIdentities hands age secret keys ("AGE-SECRET-KEY-1…") in as values,
// in age-keygen's file format: one key per line, "#" comments and blank lines
// allowed, several keys in one string accepted. When given, these are the only
// keys tried: the environment, key files and KMS are not consulted.
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

// validatePatterns names the first pattern that is not a valid glob.
func validatePatterns(option string, patterns []string) error {
	for _, p := range patterns {
		if !doublestar.ValidatePattern(p) {
			return fmt.Errorf("loader: %s: %q is not a valid pattern", option, p)
		}
	}
	return nil
}

// WithSkipBadFiles makes a bad file (one that does not parse, decrypt or
// merge) a warning instead of an error: it is left out of the workspace and
// reported by [Workspace.Warnings]. Workspace-wide problems (too many files,
// unreadable root, bad keys) still fail the load.
func WithSkipBadFiles() Option {
	return func(c *config) { c.skipBadFiles = true }
}

// WithResolver sets the resolver that `| vals` uses, in the secrets: section
// and when steps are rendered. The default is a [secrets.Resolver] backed by
// vals, in process, with its default cache. Share one resolver between
// workspaces to share its cache; hand in a *secrets.Resolver with a fake
// [secrets.Backend] in tests.
func WithResolver(r render.Resolver) Option {
	return func(c *config) { c.resolver = r }
}

// WithRedactor sets the redactor the workspace teaches every value that was
// encrypted at rest or resolved. The default is a new [redact.Redactor].
// A redactor only grows: share one across loads so that a value from before
// a rotation stays masked.
func WithRedactor(r *redact.Redactor) Option {
	return func(c *config) { c.redactor = r }
}
