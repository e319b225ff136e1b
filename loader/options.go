package loader

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
