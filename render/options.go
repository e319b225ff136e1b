package render

import (
	"fmt"
	"strings"
)

// Limits bound what one engine and each of its calls may use: limits a
// workflow template never meets. Start from [DefaultLimits] and change what
// you need: every field must be positive. Past a limit a call fails with
// ErrTooLarge, naming the limit ("Limits.MaxOutput").
type Limits struct {
	// MaxTemplateSize is the largest template, in bytes, the engine
	// parses; a longer one fails with ErrTooLarge. Strings without template
	// syntax are not templates and have no limit.
	MaxTemplateSize int
	// MaxDepth is how deeply RenderValue descends into nested maps and
	// lists, how deeply a template may nest tags and expressions, and how
	// deeply macro calls may nest, before failing with ErrTooLarge.
	MaxDepth int
	// MaxOutput is, in bytes, how much text one Render or RenderValue call
	// may print in all, and how long a string any filter may take or make.
	// Past it the call fails with ErrTooLarge.
	MaxOutput int
	// MaxIterations is how many loop iterations and macro calls one Render
	// or RenderValue call may run, in all its templates, before failing
	// with ErrTooLarge.
	MaxIterations int
	// CacheBytes bounds the memory the cache of parsed templates may hold,
	// as the engine estimates it; the least recently used template goes
	// first. A template larger than the bound alone is parsed for every use.
	CacheBytes int
}

// DefaultLimits returns the limits used where none are set: 64 KiB a
// template, 64 levels of nesting, 16 MiB of output, 1,048,576 loop
// iterations and macro calls a call, 64 MiB of cached parsed templates.
func DefaultLimits() Limits {
	return Limits{
		MaxTemplateSize: 64 << 10,
		MaxDepth:        64,
		MaxOutput:       16 << 20,
		MaxIterations:   1 << 20,
		CacheBytes:      64 << 20,
	}
}

// validate names every field that is not positive.
func (l Limits) validate() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{
		{"MaxTemplateSize", l.MaxTemplateSize}, {"MaxDepth", l.MaxDepth}, {"MaxOutput", l.MaxOutput},
		{"MaxIterations", l.MaxIterations}, {"CacheBytes", l.CacheBytes},
	} {
		if f.v <= 0 {
			errs = append(errs, fmt.Errorf("render: %w: WithLimits: Limits.%s is %d, it must be positive (start from DefaultLimits)", ErrInvalidOption, f.name, f.v))
		}
	}
	return errs
}

// An Option configures an Engine. Options only record their argument; New
// checks them all and names the option whose argument is wrong.
type Option func(*config)

type config struct {
	limits Limits

	secrets    Secrets
	secretsSet bool

	dataSchemes []string
	dataSet     bool

	shellOff bool // WithShellQuoting(false)
}

func newConfig() *config { return &config{limits: DefaultLimits()} }

// validate returns an error for every option given a wrong value, each
// naming its option.
func (c *config) validate() []error {
	errs := c.limits.validate()
	if c.secretsSet && c.secrets == nil {
		errs = append(errs, fmt.Errorf("render: %w: WithSecrets(nil): give a Secrets set, or leave the option out", ErrInvalidOption))
	}
	if c.dataSet && len(c.dataSchemes) == 0 {
		errs = append(errs, fmt.Errorf("render: %w: WithDataReferences(): name at least one scheme", ErrInvalidOption))
	}
	for i, s := range c.dataSchemes {
		if s == "" || strings.ContainsAny(s, ":/+ \t\n?#") {
			errs = append(errs, fmt.Errorf("render: %w: WithDataReferences: scheme %d is not a scheme name (write \"vault\", not \"ref+vault://\")", ErrInvalidOption, i+1))
		}
	}
	return errs
}

// WithLimits replaces [DefaultLimits]. Every field must be positive: start
// from DefaultLimits and change what you need.
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithSecrets makes the engine treat what templates derive from secrets as
// secrets too (see "Derived secrets" in the package documentation): s says
// which values are secret (Knows) and learns the values derived from them
// (Add). A *redact.Redactor is such a set.
func WithSecrets(s Secrets) Option {
	return func(c *config) { c.secrets, c.secretsSet = s, true }
}

// WithDataReferences lets | vals resolve references built from data (job
// input, step outputs, any variable) for the schemes named ("vault",
// "awsssm"). Even then, the query of such a reference (vals' address=,
// token_env=, role_arn=, region=, ...: where a provider connects and which
// credential it sends) must stand in the template's own text, data cannot
// add a second reference, and references of other schemes stay refused.
// See "References" in the package documentation.
func WithDataReferences(schemes ...string) Option {
	return func(c *config) {
		c.dataSet = true
		for _, s := range schemes {
			c.dataSchemes = append(c.dataSchemes, strings.ToLower(s))
		}
	}
}
