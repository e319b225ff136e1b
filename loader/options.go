package loader

import (
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// Limits bound the resources one load may use. A zero field takes its value
// from [DefaultLimits]. Exceeding a limit is an [ErrLimit] error that names
// the limit.
type Limits struct {
	MaxFileSize int64 // bytes in one file
	MaxFiles    int   // YAML files in the workspace
	MaxDepth    int   // directory levels below the root
	// MaxNodes bounds the YAML nodes of one file, counted with every alias
	// expanded where it is used: a "billion laughs" file fails fast and small.
	MaxNodes int
}

// DefaultLimits returns the limits used where none are set: generous for
// workflow files, and small enough that a hostile file cannot exhaust a
// server (4 MiB a file, 10,000 files, 16 directory levels, 1,000,000 nodes
// a file).
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize: 4 << 20,
		MaxFiles:    10_000,
		MaxDepth:    16,
		MaxNodes:    1_000_000,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = d.MaxNodes
	}
	return l
}

// An Option configures a load.
type Option func(*config)

type config struct {
	ageIdentities []string
	limits        Limits
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

// WithLimits replaces [DefaultLimits]; zero fields keep their default.
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l }
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
