package render

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

	mu     sync.Mutex // taken to parse, so that a template is parsed once
	cache  *templateCache
	parses atomic.Int64 // templates parsed (read by tests)
}

// compiled is a template as the engine keeps it in its cache: its tree and
// what the evaluator needs to know about it.
type compiled struct {
	nodes   []node
	lines   lineIndex
	macros  map[string]*macroNode
	outputs []*outputNode
	// single is the template's one {{ expression }} when it has nothing
	// else but white space, so RenderValue may return its value as is.
	single *outputNode
	// tagless: the template has no {% %} tag, so its outputs run in order
	// with only the call's variables in scope, and are checked all at once
	// before it runs.
	tagless bool
	err     *Error // a template that does not compile is cached with its error
	size    int    // estimated bytes held
}

// New returns an engine whose | vals filter resolves references with r.
// It fails when r is nil or an option is nil or given a wrong argument,
// naming every such option.
func New(r Resolver, opts ...Option) (*Engine, error) {
	var errs []error
	if r == nil {
		errs = append(errs, errors.New("render: New needs a Resolver"))
	}
	cfg := newConfig()
	for i, opt := range opts {
		if opt == nil {
			errs = append(errs, fmt.Errorf("render: %w: option %d is nil", ErrInvalidOption, i))
			continue
		}
		opt(cfg)
	}
	errs = append(errs, cfg.validate()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	e := &Engine{resolver: r, cfg: cfg, cache: newTemplateCache(cfg.limits.CacheBytes)}
	if len(cfg.dataSchemes) > 0 {
		e.dataRefs = map[string]bool{}
		for _, s := range cfg.dataSchemes {
			e.dataRefs[s] = true
		}
	}
	return e, nil
}

// Render renders tmpl with vars and returns the text. A string without
// template syntax ("{{", "{%" or "{#") comes back unchanged.
//
// Errors are *Error values (see the package documentation), or ctx.Err()
// when ctx is done before the template starts.
func (e *Engine) Render(ctx context.Context, tmpl string, vars map[string]any) (string, error) {
	return e.renderText(ctx, tmpl, vars, false)
}

// renderText is Render, and RenderShell when shell is set (and quoting is
// not switched off).
func (e *Engine) renderText(ctx context.Context, tmpl string, vars map[string]any, shell bool) (string, error) {
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
	x := newExecution(ctx, e, vars)
	defer x.finish()
	x.shell = shell && !e.cfg.shellOff
	s, _, err := x.execute(t, false)
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
	if len(src) > e.cfg.limits.MaxTemplateSize {
		return nil, &Error{Kind: ErrTooLarge,
			Detail: fmt.Sprintf("the template is %d bytes, over %d (Limits.MaxTemplateSize)", len(src), e.cfg.limits.MaxTemplateSize)}
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

// parse parses and checks src. The caller holds e.mu.
func (e *Engine) parse(src string) *compiled {
	e.parses.Add(1)
	nodes, err := parseTemplate(src, e.cfg.limits.MaxDepth)
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
	return newCompiled(src, nodes)
}

func newCompiled(src string, nodes []node) *compiled {
	t := &compiled{nodes: nodes, lines: newLineIndex(src), macros: map[string]*macroNode{}, tagless: true}
	blank := 0
	var top *outputNode
	for _, n := range nodes {
		switch x := n.(type) {
		case *outputNode:
			top = x
		case *textNode:
			if strings.TrimSpace(x.text) == "" {
				blank++
			}
		default:
			t.tagless = false
		}
	}
	walkNodes(nodes, func(n node) bool {
		switch x := n.(type) {
		case *outputNode:
			x.paths = requiredPaths(x.x, t.lines)
			x.name = printedName(x.x)
			t.outputs = append(t.outputs, x)
		case *macroNode:
			t.macros[x.name] = x
		}
		return true
	})
	if len(t.outputs) == 1 && len(nodes) == blank+1 && t.tagless {
		t.single = top
	}
	allExprs(nodes, func(x expr) {
		if p, ok := x.(*pathExpr); ok && !slices.ContainsFunc(p.steps, func(s pathStep) bool { return s.kind == stepSub }) {
			p.key = (&varPath{root: p.root, parts: toParts(p.steps)}).name(len(p.steps))
		}
	})
	t.size = estimateSize(src, nodes)
	return t
}

// printedName names the variable an output prints, through its filters:
// "input.env" for {{ input.env | upper }}; "" for anything else.
func printedName(e expr) string {
	for {
		switch x := e.(type) {
		case *filterExpr:
			e = x.in
		case *pathExpr:
			steps := x.steps
			if i := slices.IndexFunc(steps, func(s pathStep) bool { return s.kind == stepSub }); i >= 0 {
				steps = steps[:i]
			}
			return (&varPath{root: x.root, parts: toParts(steps)}).name(len(steps))
		default:
			return ""
		}
	}
}

// estimateSize bounds what a parsed template holds in memory, generously:
// its source and line index, and 200 bytes a node and expression (the
// measured figure is in bench/README.md).
func estimateSize(src string, nodes []node) int {
	n := 0
	walkNodes(nodes, func(node) bool { n++; return true })
	allExprs(nodes, func(expr) { n++ })
	return 2*len(src) + 200*n + 1024
}

// reservedPrefix starts names templates may not use; they are kept for
// the engine.
const reservedPrefix = "__hushflow"
