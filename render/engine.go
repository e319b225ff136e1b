package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flosch/pongo2/v6"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Resolver resolves the vals references in s (a string holding at least one
// "ref+" reference) and returns s with them replaced. The secrets package
// provides the vals-backed implementation; render only needs this method.
//
// A Resolver's errors are passed on (wrapped in an *Error of kind
// ErrResolve), so they must not hold secret values themselves.
type Resolver interface {
	Resolve(ctx context.Context, s string) (string, error)
}

// Defaults of the options.
const (
	DefaultCacheSize       = 1024     // parsed templates kept
	DefaultMaxTemplateSize = 64 << 10 // bytes
	DefaultMaxDepth        = 64       // levels of maps and lists in RenderValue
)

type options struct {
	cacheSize, maxTemplateSize, maxDepth int
}

// An Option configures an Engine.
type Option func(*options) error

// WithCacheSize sets how many parsed templates the engine keeps, least
// recently used first out. n must be at least 1.
func WithCacheSize(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("render: cache size %d: must be at least 1", n)
		}
		o.cacheSize = n
		return nil
	}
}

// WithMaxTemplateSize sets the largest template, in bytes, the engine parses.
// A longer one fails with ErrTooLarge. Strings without template syntax are
// not templates and have no limit.
func WithMaxTemplateSize(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("render: template size limit %d: must be at least 1", n)
		}
		o.maxTemplateSize = n
		return nil
	}
}

// WithMaxDepth sets how deeply RenderValue descends into nested maps and
// lists before failing with ErrTooLarge.
func WithMaxDepth(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("render: depth limit %d: must be at least 1", n)
		}
		o.maxDepth = n
		return nil
	}
}

// Engine renders templates with one Resolver. It is safe for concurrent use;
// engines with different resolvers may render side by side in one process.
type Engine struct {
	resolver Resolver
	opts     options

	// mu guards set: pongo2's TemplateSet.FromString writes to the set
	// without a lock. Only parsing takes it; rendering a cached template
	// does not.
	mu  sync.Mutex
	set *pongo2.TemplateSet

	cache  *lru.Cache[string, *compiled]
	parses atomic.Int64 // templates parsed (read by tests)
}

// compiled is a template as the engine keeps it in its cache.
type compiled struct {
	tpl  *pongo2.Template
	plan *plan
	err  *Error // a template that does not compile is cached with its error
}

// Tags and filters a workflow template has no use for and that would break
// the engine's promises: include, import, extends, block and ssi read files
// or need other templates; cycle and ifchanged keep state in the parsed
// template, which concurrent renders share; lorem and stringformat can be
// made to produce gigabytes ({% lorem 999999999 %}, "%999999999d", and "%*d"
// takes its width from the data). Banning is per template set, so pongo2's
// global state is left alone.
var (
	bannedTags    = []string{"include", "import", "extends", "block", "ssi", "cycle", "ifchanged", "lorem"}
	bannedFilters = []string{"stringformat"}
)

// New returns an engine whose | vals filter resolves references with r.
//
// It fails with ErrFilterConflict when pongo2's global filter named vals is
// not this package's: the host registered its own before this package was
// initialised, or replaced this package's.
func New(r Resolver, opts ...Option) (*Engine, error) {
	if r == nil {
		return nil, errors.New("render: New needs a Resolver")
	}
	o := options{cacheSize: DefaultCacheSize, maxTemplateSize: DefaultMaxTemplateSize, maxDepth: DefaultMaxDepth}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	set, err := newTemplateSet()
	if err != nil {
		return nil, err
	}
	cache, err := lru.New[string, *compiled](o.cacheSize)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	e := &Engine{resolver: r, opts: o, set: set, cache: cache}

	// Make sure the vals filter templates bind to is this package's: a host
	// may have registered its own before this package's init ran, or
	// replaced this package's with pongo2.ReplaceFilter.
	probe := e.parse(`{{ "" | vals }}`)
	if probe.err != nil {
		return nil, ErrFilterConflict
	}
	c := newCall(context.Background(), r, nil)
	if _, _, err := c.execute(probe, false); err != nil || c.valsCalls != 1 {
		return nil, ErrFilterConflict
	}
	return e, nil
}

// Render renders tmpl with vars and returns the text. A string without
// template syntax ("{{", "{%" or "{#") comes back unchanged.
//
// Errors are *Error values (see the package documentation), or ctx.Err()
// when ctx is done before the template starts.
func (e *Engine) Render(ctx context.Context, tmpl string, vars map[string]any) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if !hasSyntax(tmpl) {
		return tmpl, nil
	}
	t, err := e.compile(tmpl)
	if err != nil {
		return "", err
	}
	s, _, err := newCall(ctx, e.resolver, vars).execute(t, false)
	return s, err
}

// hasSyntax reports whether s opens a tag, an expression or a comment.
func hasSyntax(s string) bool {
	for i := strings.IndexByte(s, '{'); i >= 0 && i+1 < len(s); {
		switch s[i+1] {
		case '{', '%', '#':
			return true
		}
		j := strings.IndexByte(s[i+1:], '{')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// compile returns the parsed template for src, from the cache when it is there.
func (e *Engine) compile(src string) (*compiled, error) {
	if t, ok := e.cache.Get(src); ok {
		return t.result()
	}
	if len(src) > e.opts.maxTemplateSize {
		return nil, &Error{Kind: ErrTooLarge,
			Detail: fmt.Sprintf("the template is %d bytes, the limit is %d", len(src), e.opts.maxTemplateSize)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.cache.Get(src); ok { // parsed while this call waited
		return t.result()
	}
	t := e.parse(src)
	e.cache.Add(src, t)
	return t.result()
}

func (t *compiled) result() (*compiled, error) {
	if t.err != nil {
		return nil, t.err
	}
	return t, nil
}

// parse parses src twice: as written, so that syntax errors point at the
// template as written and the rewrite only ever sees valid templates; then
// rewritten (see planRewrite). The caller holds e.mu, except in New.
func (e *Engine) parse(src string) (t *compiled) {
	e.parses.Add(1)
	defer func() {
		if r := recover(); r != nil {
			t = &compiled{err: &Error{Kind: ErrParse, Detail: "pongo2 panicked while parsing"}}
		}
	}()
	if i := strings.IndexByte(src, 0x01); i >= 0 {
		// pongo2's lexer takes U+0001 for the end of input and drops the rest.
		line, col := newLineIndex(src).position(i)
		return &compiled{err: &Error{Kind: ErrParse, Line: line, Column: col,
			Detail: "the control character U+0001 is not allowed"}}
	}
	tags := scanTags(src)
	if off := hangsPongo2(tags); off >= 0 {
		line, col := newLineIndex(src).position(off)
		return &compiled{err: &Error{Kind: ErrParse, Line: line, Column: col,
			Detail: "endcomment takes no arguments"}}
	}
	if _, err := e.set.FromString(src); err != nil {
		return &compiled{err: parseError(err, nil)}
	}
	p, err := planRewrite(src, tags)
	if err != nil {
		var re *Error
		errors.As(err, &re)
		return &compiled{err: re}
	}
	tpl, err := e.set.FromString(p.apply(src))
	if err != nil {
		return &compiled{err: parseError(err, p)}
	}
	return &compiled{tpl: tpl, plan: p}
}

// parseError turns pongo2's parse error into an *Error, its position mapped
// back to the template as written when p is the rewrite that was parsed.
func parseError(err error, p *plan) *Error {
	e := &Error{Kind: ErrParse}
	var perr *pongo2.Error
	if !errors.As(err, &perr) {
		return e
	}
	e.Line, e.Column = perr.Line, perr.Column
	if p != nil {
		e.Line, e.Column = p.original(e.Line, e.Column)
	}
	if perr.OrigError != nil {
		e.Detail = parseDetail(perr.OrigError.Error())
	}
	return e
}

// execute runs t for the call. With capture set it also returns the value of
// the template's one expression.
func (c *call) execute(t *compiled, capture bool) (out string, value any, err error) {
	c.tpl, c.capture, c.value, c.failure, c.failurePos = t, capture, nil, nil, nil
	defer func() {
		if r := recover(); r != nil {
			if c.inResolver {
				panic(r) // the resolver's own panic is not ours to hide
			}
			out, value, err = "", nil, &Error{Kind: ErrExec, Detail: "pongo2 panicked"}
		}
	}()
	if t.plan.tagless {
		if e := c.checkAll(); e != nil {
			return "", nil, e
		}
	}
	s, execErr := t.tpl.Execute(c.pctx)
	if c.failure != nil {
		return "", nil, c.failureError(execErr)
	}
	if execErr != nil {
		var perr *pongo2.Error
		if !errors.As(execErr, &perr) {
			return "", nil, &Error{Kind: ErrExec}
		}
		e := execError(perr)
		e.Line, e.Column = t.plan.original(e.Line, e.Column)
		e.Detail = scrub(e.Detail, c.resolved, c.vars, t.plan.literals)
		return "", nil, e
	}
	return s, c.value, nil
}

// failureError completes the call's recorded failure with a position when it
// has none: the one pongo2 stamped on the error the filter returned, else the
// one of the error pongo2 returned.
func (c *call) failureError(execErr error) *Error {
	e := *c.failure
	if e.Line > 0 {
		return &e
	}
	line, col := 0, 0
	if c.failurePos != nil && c.failurePos.Line > 0 {
		line, col = c.failurePos.Line, c.failurePos.Column
	} else if perr := (*pongo2.Error)(nil); errors.As(execErr, &perr) {
		pos := execError(perr)
		line, col = pos.Line, pos.Column
	}
	e.Line, e.Column = c.tpl.plan.original(line, col)
	return &e
}

// newTemplateSet returns a pongo2 template set of the engine's own: no
// files, no banned tags or filters.
func newTemplateSet() (*pongo2.TemplateSet, error) {
	set := pongo2.NewSet("hushflow-render", noFiles{})
	for _, tag := range bannedTags {
		if err := set.BanTag(tag); err != nil { // all are pongo2 built-ins
			return nil, fmt.Errorf("render: %w", err)
		}
	}
	for _, filter := range bannedFilters {
		if err := set.BanFilter(filter); err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
	}
	return set, nil
}

// noFiles is the engine's template loader: templates come from strings only.
type noFiles struct{}

var errNoFiles = errors.New("render: templates cannot read files")

func (noFiles) Abs(_, name string) string     { return name }
func (noFiles) Get(string) (io.Reader, error) { return nil, errNoFiles }
