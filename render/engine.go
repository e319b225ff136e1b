package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/flosch/pongo2/v6"
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

// Secrets is the set of values the engine treats as secret: Knows says
// whether a value is one, Add teaches it new ones. *redact.Redactor is one.
// It must be safe for concurrent use.
type Secrets interface {
	Knows(value string) bool
	Add(values ...string)
}

// Engine renders templates with one Resolver. It is safe for concurrent use;
// engines with different resolvers may render side by side in one process.
type Engine struct {
	resolver Resolver
	cfg      *config
	dataRefs map[string]bool

	// mu guards set: pongo2's TemplateSet.FromString writes to the set
	// without a lock. Only parsing takes it; rendering a cached template
	// does not.
	mu  sync.Mutex
	set *pongo2.TemplateSet

	cache  *templateCache
	parses atomic.Int64 // templates parsed (read by tests)
}

// compiled is a template as the engine keeps it in its cache.
type compiled struct {
	tpl  *pongo2.Template
	plan *plan
	err  *Error // a template that does not compile is cached with its error
	size int    // estimated bytes held
}

// New returns an engine whose | vals filter resolves references with r.
// It fails when an option's argument is wrong, naming the option, and with
// ErrFilterConflict when pongo2's global filter map holds a filter of the
// name this package registers that is not this package's.
func New(r Resolver, opts ...Option) (*Engine, error) {
	if r == nil {
		return nil, errors.New("render: New needs a Resolver")
	}
	cfg := newConfig()
	for _, opt := range opts {
		opt(cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	set, err := newTemplateSet()
	if err != nil {
		return nil, err
	}
	e := &Engine{resolver: r, cfg: cfg, set: set, cache: newTemplateCache(cfg.cacheBytes.n)}
	if len(cfg.dataSchemes) > 0 {
		e.dataRefs = map[string]bool{}
		for _, s := range cfg.dataSchemes {
			e.dataRefs[s] = true
		}
	}
	if err := e.probe(); err != nil {
		return nil, err
	}
	return e, nil
}

// probe renders a template with a filter, to make sure the filter pongo2
// binds is this package's: a host may have registered one of that name
// before this package's init ran, or replaced it with pongo2.ReplaceFilter.
func (e *Engine) probe() error {
	t := e.parse(`{{ "" | upper }}`)
	if t.err != nil {
		return ErrFilterConflict
	}
	b := newBinding(context.Background(), e, nil)
	if _, _, err := b.execute(t, false); err != nil || b.filterCalls != 1 {
		return ErrFilterConflict
	}
	return nil
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
	if !IsTemplate(tmpl) {
		return tmpl, nil
	}
	t, err := e.compile(tmpl)
	if err != nil {
		return "", err
	}
	b := newBinding(ctx, e, vars)
	defer b.finish()
	s, _, err := b.execute(t, false)
	return s, err
}

// Check parses tmpl without rendering it and returns the error Render
// would report for its syntax (an *Error of kind ErrParse or ErrTooLarge),
// or nil. A string without template syntax is not a template: nil. The
// parsed template is cached, so checking every template of a workspace at
// load makes its first renders cheaper.
func (e *Engine) Check(tmpl string) error {
	if !IsTemplate(tmpl) {
		return nil
	}
	_, err := e.compile(tmpl)
	return err
}

// IsTemplate reports whether s holds template syntax: it opens a tag, an
// expression or a comment ("{{", "{%" or "{#"). Render, RenderValue and
// Check take any other string as plain text.
func IsTemplate(s string) bool { return nextOpen(s, 0) >= 0 }

// compile returns the parsed template for src, from the cache when it is there.
func (e *Engine) compile(src string) (*compiled, error) {
	if t, ok := e.cache.get(src); ok {
		return t.result()
	}
	if len(src) > e.cfg.maxTemplateSize.n {
		return nil, &Error{Kind: ErrTooLarge,
			Detail: fmt.Sprintf("the template is %d bytes, the limit is %d", len(src), e.cfg.maxTemplateSize.n)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.cache.get(src); ok { // parsed while this call waited
		return t.result()
	}
	t := e.parse(src)
	e.cache.add(src, t)
	return t.result()
}

func (t *compiled) result() (*compiled, error) {
	if t.err != nil {
		return nil, t.err
	}
	return t, nil
}

// parse parses src with this package's parser, checks it, and has pongo2
// parse the template emitted from it (emit.go). The caller holds e.mu,
// except in New.
func (e *Engine) parse(src string) (t *compiled) {
	e.parses.Add(1)
	defer func() {
		if r := recover(); r != nil {
			t = &compiled{err: &Error{Kind: ErrParse, Detail: "pongo2 panicked while parsing"}, size: len(src)}
		}
	}()
	nodes, err := parseTemplate(src, e.cfg.maxDepth.n)
	if err == nil {
		err = validate(src, nodes)
	}
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			pe = &Error{Kind: ErrParse}
		}
		return &compiled{err: pe, size: len(src)}
	}
	out, p := emit(src, nodes, newFlow(nodes))
	tpl, err := e.set.FromString(out)
	if err != nil {
		return &compiled{err: parseError(err, p), size: len(src)}
	}
	return &compiled{tpl: tpl, plan: p, size: estimateSize(src, out, p.textBytes)}
}

// estimateSize guesses what a parsed template holds in memory: pongo2's
// tokens and nodes take about 40 bytes per byte of the emitted template's
// tags (a 60 KiB template of outputs takes 6.4 MB, measured with
// runtime.MemStats), plain text its own size, plus the source and the plan.
func estimateSize(src, emitted string, textBytes int) int {
	return 40*(len(emitted)-textBytes) + textBytes + 2*len(src) + 4096
}

// parseError turns pongo2's parse error of the emitted template into an
// *Error placed in the template as written. The parser and the checks
// accept only what pongo2 parses, so this is a bug of this package's when
// it happens; the message says so without quoting anything.
func parseError(err error, p *plan) *Error {
	e := &Error{Kind: ErrParse, Detail: "pongo2 refused the template as the engine rewrote it"}
	var perr *pongo2.Error
	if errors.As(err, &perr) {
		e.Line, e.Column = p.original(perr.Line, perr.Column)
	}
	return e
}

// Tags and filters are banned per template set, so pongo2's global state is
// left alone. The parser refuses these tags already (parse.go); the ban is
// a second fence.
var bannedTags = []string{"include", "import", "extends", "block", "ssi", "cycle", "ifchanged", "lorem",
	"firstof", "autoescape", "spaceless", "now", "widthratio", "templatetag", "ifequal", "ifnotequal"}

// bannedFilters are pongo2 filters templates may not use, with the reason.
var bannedFilters = map[string]string{
	"stringformat": "its format can ask for any width, or take it from the data",
	"random":       "a render must give the same output twice",
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
	for filter := range bannedFilters {
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

// reservedPrefix starts every name the engine adds to templates; templates
// may not use such names themselves.
const reservedPrefix = "__hushflow"

// stateName is the name under which a call's binding (binding.go) stands in
// the pongo2 context it executes with; the emitted template calls its
// exported methods. One name, not one per function: pongo2 checks every
// key of a context with a regular expression on every execution.
const stateName = "__hushflow"

// The calls the emitted template makes, and the one filter this package
// registers in pongo2.
const (
	outName     = stateName + ".Out"
	checkName   = stateName + ".Check"
	seqName     = stateName + ".Seq"
	iterName    = stateName + ".Iter"
	callName    = stateName + ".Call"
	argsName    = stateName + ".A"
	catName     = stateName + ".Cat"
	testName    = stateName + ".Test"
	definedName = stateName + ".Defined"
	litName     = stateName + ".Lit"
	idName      = stateName + ".Id"
	absentName  = stateName + ".Absent()"
	plusName    = stateName + ".Plus"
	filterName  = "__hushflow_f"
)

func init() {
	// The only change this package makes to pongo2's global state. If the
	// host registered this name first, New reports ErrFilterConflict.
	_ = pongo2.RegisterFilter(filterName, dispatchFilter)
}
