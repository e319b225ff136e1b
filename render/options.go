package render

import (
	"fmt"
	"strings"
)

// Defaults of the options: limits a workflow template never meets.
const (
	DefaultMaxTemplateSize = 64 << 10 // bytes of one template
	DefaultMaxDepth        = 64       // levels of maps and lists in RenderValue, of nested tags and expressions, of macro calls
	DefaultMaxOutput       = 16 << 20 // bytes: of the text one call prints, and of any string a filter takes or makes
	DefaultMaxIterations   = 1 << 20  // loop iterations and macro calls of one call
	DefaultCacheBytes      = 64 << 20 // estimated memory of the parsed templates kept
)

// An Option configures an Engine. Options only record their argument; New
// checks them all and names the option whose argument is wrong.
type Option func(*config)

type config struct {
	maxTemplateSize, maxDepth, maxOutput, maxIterations, cacheBytes limit

	secrets    Secrets
	secretsSet bool

	dataSchemes []string
	dataSet     bool

	shellOff bool // WithShellQuoting(false)
}

// limit is a size option: its value and whether it was given.
type limit struct {
	n    int
	name string
	set  bool
}

func (l *limit) record(n int) { l.n, l.set = n, true }

func newConfig() *config {
	return &config{
		maxTemplateSize: limit{n: DefaultMaxTemplateSize, name: "WithMaxTemplateSize"},
		maxDepth:        limit{n: DefaultMaxDepth, name: "WithMaxDepth"},
		maxOutput:       limit{n: DefaultMaxOutput, name: "WithMaxOutput"},
		maxIterations:   limit{n: DefaultMaxIterations, name: "WithMaxIterations"},
		cacheBytes:      limit{n: DefaultCacheBytes, name: "WithCacheBytes"},
	}
}

// validate returns an error for every option given a wrong value, each
// naming its option.
func (c *config) validate() []error {
	var errs []error
	for _, l := range []*limit{&c.maxTemplateSize, &c.maxDepth, &c.maxOutput, &c.maxIterations, &c.cacheBytes} {
		if l.set && l.n < 1 {
			errs = append(errs, fmt.Errorf("render: %w: %s(%d): must be at least 1", ErrInvalidOption, l.name, l.n))
		}
	}
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

// WithMaxTemplateSize sets the largest template, in bytes, the engine
// parses; a longer one fails with ErrTooLarge. Strings without template
// syntax are not templates and have no limit. n must be at least 1.
func WithMaxTemplateSize(n int) Option { return func(c *config) { c.maxTemplateSize.record(n) } }

// WithMaxDepth sets how deeply RenderValue descends into nested maps and
// lists, how deeply a template may nest tags and expressions, and how
// deeply macro calls may nest, before failing with ErrTooLarge. n must be
// at least 1.
func WithMaxDepth(n int) Option { return func(c *config) { c.maxDepth.record(n) } }

// WithMaxOutput sets, in bytes, how much text one Render or RenderValue
// call may print in all, and how long a string any filter may take or
// make. Past it the call fails with ErrTooLarge. n must be at least 1.
func WithMaxOutput(n int) Option { return func(c *config) { c.maxOutput.record(n) } }

// WithMaxIterations sets how many loop iterations and macro calls one
// Render or RenderValue call may run, in all its templates, before failing
// with ErrTooLarge. n must be at least 1.
func WithMaxIterations(n int) Option { return func(c *config) { c.maxIterations.record(n) } }

// WithCacheBytes bounds the memory the cache of parsed templates may hold,
// as the engine estimates it; the least recently used template goes first.
// A template larger than the bound alone is parsed for every use. n must
// be at least 1.
func WithCacheBytes(n int) Option { return func(c *config) { c.cacheBytes.record(n) } }

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
