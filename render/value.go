package render

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// RenderValue renders every string inside v that holds template syntax,
// walking maps (map[string]any, map[string]string) and lists ([]any,
// []string); every other value comes back unchanged. It returns new maps and
// lists and leaves v alone.
//
// A string that is exactly one {{ expression }} (whitespace around it
// allowed) whose value is a map or a list yields that value (a copy), not
// its text, so "{{ steps.build.output }}" passes a structure on. Every other
// result is text. Inside map[string]string and []string every result is text.
//
// Maps are walked in key order, so the first error is the same on every run.
// An error's Path says where in v the failing template sits.
func (e *Engine) RenderValue(ctx context.Context, v any, vars map[string]any) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &walker{engine: e, ctx: ctx, vars: vars}
	defer func() {
		if w.call != nil {
			w.call.finish()
		}
	}()
	return w.walk(v, 0)
}

type walker struct {
	engine *Engine
	ctx    context.Context
	vars   map[string]any
	call   *execution // made at the first template, shared by the rest
	path   []any      // map keys (string) and list indexes (int) down to the current value

	// inShell reports the strings that render as shell commands
	// (RenderValueShell).
	inShell func(text string) bool
}

func (w *walker) walk(v any, depth int) (any, error) {
	if depth > w.engine.cfg.limits.MaxDepth {
		return nil, &Error{Kind: ErrTooLarge, Path: w.pathString(), Keys: slices.Clone(w.path),
			Detail: fmt.Sprintf("the value is nested deeper than %d levels (Limits.MaxDepth)", w.engine.cfg.limits.MaxDepth)}
	}
	switch x := v.(type) {
	case string:
		return w.render(x, true)
	case map[string]any:
		out := make(map[string]any, len(x))
		return result(out, walkMap(w, x, func(k string, e any) error {
			r, err := w.walk(e, depth+1)
			out[k] = r
			return err
		}))
	case []any:
		out := make([]any, len(x))
		return result(out, walkList(w, x, func(i int, e any) error {
			r, err := w.walk(e, depth+1)
			out[i] = r
			return err
		}))
	case map[string]string:
		out := make(map[string]string, len(x))
		return result(out, walkMap(w, x, func(k, e string) error {
			r, err := w.render(e, false)
			out[k], _ = r.(string)
			return err
		}))
	case []string:
		out := make([]string, len(x))
		return result(out, walkList(w, x, func(i int, e string) error {
			r, err := w.render(e, false)
			out[i], _ = r.(string)
			return err
		}))
	}
	return v, nil
}

// result is out, or nil with the error.
func result(out any, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}

// walkMap calls fn for each entry of m in key order, with the key on the
// walker's path.
func walkMap[V any](w *walker, m map[string]V, fn func(string, V) error) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.path = append(w.path, k)
		err := fn(k, m[k])
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
	}
	return nil
}

func walkList[V any](w *walker, l []V, fn func(int, V) error) error {
	for i, e := range l {
		w.path = append(w.path, i)
		err := fn(i, e)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
	}
	return nil
}

// render renders one string; structured allows a map or list result.
func (w *walker) render(s string, structured bool) (any, error) {
	if !IsTemplate(s) || w.engine.cfg.secrets != nil && w.engine.cfg.secrets.Knows(s) {
		return s, nil // a known secret is data, never a template
	}
	if err := w.ctx.Err(); err != nil {
		return nil, err
	}
	t, err := w.engine.compile(s)
	if err != nil {
		return nil, w.placed(err)
	}
	if w.call == nil {
		w.call = newExecution(w.ctx, w.engine, w.vars)
	}
	w.call.shell = w.inShell != nil && w.inShell(s)
	capture := structured && t.single != nil && !w.call.shell
	text, value, err := w.call.execute(t, capture)
	if err != nil {
		return nil, w.placed(err)
	}
	if capture {
		switch reflect.ValueOf(value).Kind() {
		case reflect.Map, reflect.Slice, reflect.Array:
			return deepCopy(value, w.engine.cfg.limits.MaxDepth), nil
		}
	}
	return text, nil
}

func (w *walker) placed(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.withPath(w.pathString(), slices.Clone(w.path))
	}
	return err
}

// pathString writes the current path as env.DB_PASSWORD, args[2] or
// env["a.b"] for keys that are not plain words.
func (w *walker) pathString() string {
	var b strings.Builder
	for _, p := range w.path {
		switch x := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(x) + "]")
		case string:
			if x != "" && !strings.ContainsAny(x, ".[]\"' \t\n") {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(x)
			} else {
				b.WriteString("[" + strconv.Quote(x) + "]")
			}
		}
	}
	return b.String()
}

// deepCopy copies the maps and lists YAML and JSON decode to, so that a
// structure passed on by RenderValue does not share memory with vars.
// Below depth levels (a cycle, say) the rest is shared, not copied.
func deepCopy(v any, depth int) any {
	if depth < 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e, depth-1)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e, depth-1)
		}
		return out
	case map[string]string:
		return maps.Clone(x)
	case []string:
		return slices.Clone(x)
	}
	return v
}
