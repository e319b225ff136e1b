package loader

import (
	"context"
	"maps"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/hushflow/hushflow/internal/ref"
)

// maxSectionJobs bounds the templates and references of a section rendered
// at once: a fixed pool, however many entries (the resolver bounds its
// backend calls on its own).
const maxSectionJobs = 64

// renderSections renders what Strøm renders when a workspace loads: the
// secrets: section, in an empty context, then the connections: section with
// secret.* in scope, and applies connection types' defaults. Every template
// and reference resolves through the workspace's snapshot. The templates
// are checked before (merged.index).
func (w *Workspace) renderSections(ctx context.Context, m *merger) error {
	w.snapshot = w.st.resolver.Snapshot()
	ctx = withSnapshot(ctx, w.snapshot)
	var failed []*FileError
	sec, errs := w.renderSection(ctx, m, "secrets", nil, true)
	failed = append(failed, errs...)
	conns, errs := w.renderSection(ctx, m, "connections", map[string]any{"secret": sec}, false)
	failed = append(failed, errs...)
	if len(failed) > 0 {
		return &SecretsError{Failures: failed}
	}
	w.secrets = sec
	w.connections = w.connectionValues(conns, m)
	w.connVars = make(map[string]any, len(w.connections))
	for name, c := range w.connections {
		w.connVars[name] = c
	}
	return nil
}

// sectionJob is one string of a section that renders or resolves.
type sectionJob struct {
	node *yaml.Node
	file string
	key  string
	set  func(any) // puts the result in place, once every job is done
	out  any
	err  error
}

// renderSection turns the section name into Go values (maps, lists and
// scalars as YAML decodes them, timestamps as the text they were written
// with), with every template rendered and, when refs is set, every string
// holding a reference resolved. Values that were encrypted at rest are data:
// neither rendered nor resolved.
func (w *Workspace) renderSection(ctx context.Context, m *merger, name string, vars map[string]any, refs bool) (map[string]any, []*FileError) {
	sec := m.entries[name]
	if sec == nil || sec.value.Kind != yaml.MappingNode {
		return map[string]any{}, nil
	}
	b := sectionBuilder{w: w, refs: refs, path: keyPath{root: name}}
	kv := pairs(sec.value)
	out := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		b.file = m.origin[kv[i+1]]
		b.path.pushKey(kv[i].Value)
		b.fill(slot{m: out, k: kv[i].Value}, kv[i+1])
		b.path.pop()
	}
	return out, w.runJobs(ctx, b.jobs, vars)
}

// sectionBuilder turns a section's nodes into Go values, and collects the
// strings that render or resolve as jobs whose results go in place later.
// The key path of a value is written out for a job only (its error names
// it), not for every value.
type sectionBuilder struct {
	w    *Workspace
	refs bool
	file string  // of the entry being built
	path keyPath // of the value being built
	jobs []*sectionJob
}

// slot is where a value goes: the entry k of the map m, or the item i of
// the list l.
type slot struct {
	m map[string]any
	k string
	l []any
	i int
}

func (s slot) put(v any) {
	if s.m != nil {
		s.m[s.k] = v
	} else {
		s.l[s.i] = v
	}
}

// fill builds n into to: now, or for a job when the job is done.
func (b *sectionBuilder) fill(to slot, n *yaml.Node) {
	if x, job := b.build(n); job != nil {
		job.set = to.put
	} else {
		to.put(x)
	}
}

// build returns the Go value of n, or, when n is a string that renders or
// resolves, a job whose set the caller fills in to put the result where
// the value goes.
func (b *sectionBuilder) build(n *yaml.Node) (any, *sectionJob) {
	n = resolveAlias(n)
	switch {
	case n.Kind == yaml.MappingNode:
		kv := pairs(n)
		mv := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			b.path.pushKey(kv[i].Value)
			b.fill(slot{m: mv, k: kv[i].Value}, kv[i+1])
			b.path.pop()
		}
		return mv, nil
	case n.Kind == yaml.SequenceNode:
		lv := make([]any, len(n.Content))
		for i, c := range n.Content {
			b.path.pushIndex(i)
			b.fill(slot{l: lv, i: i}, c)
			b.path.pop()
		}
		return lv, nil
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str" && !b.w.encrypted[n] &&
		(isSectionTemplate(n.Value) || b.refs && ref.Contains(n.Value)):
		job := &sectionJob{node: n, file: b.file, key: b.path.String()}
		b.jobs = append(b.jobs, job)
		return nil, job
	default:
		return scalarValue(n), nil
	}
}

// runJobs renders or resolves every job, at most maxSectionJobs at once,
// then puts the results in place (one goroutine writes the maps) and
// returns a failure per job that failed.
func (w *Workspace) runJobs(ctx context.Context, jobs []*sectionJob, vars map[string]any) []*FileError {
	var g errgroup.Group
	g.SetLimit(maxSectionJobs)
	for _, j := range jobs {
		g.Go(func() error {
			if isSectionTemplate(j.node.Value) {
				j.out, j.err = w.st.engine.Render(ctx, j.node.Value, vars)
			} else {
				j.out, j.err = w.snapshot.Resolve(ctx, j.node.Value)
			}
			return nil
		})
	}
	g.Wait()
	var failed []*FileError
	for _, j := range jobs {
		if j.err != nil {
			failed = append(failed, &FileError{Path: j.file, Key: j.key, Line: templateLine(j.node, j.err), Ref: failedRef(j.err), Err: secretError{j.err}})
			continue
		}
		j.set(j.out)
	}
	return failed
}

// scalarValue is a scalar as YAML decodes it, except a timestamp, which
// keeps the text it was written with (2024-01-01, not Go's time format).
func scalarValue(n *yaml.Node) any {
	switch {
	case n.Kind != yaml.ScalarNode || n.Tag == "!!timestamp":
		return n.Value
	case n.Tag == "!!str":
		return n.Value // what Decode gives, without a decoder per value
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return v
}

// connectionValues returns each connection's values: its fields but
// "type", with the defaults of its connection type filled in, as Strøm
// does. The values of properties a type marks secret are taught to the
// redactor.
func (w *Workspace) connectionValues(conns map[string]any, m *merger) map[string]map[string]any {
	types := w.sectionValue(m, "connection_types")
	out := make(map[string]map[string]any, len(conns))
	for name, c := range conns {
		fields, ok := c.(map[string]any)
		if !ok {
			continue
		}
		values := maps.Clone(fields)
		delete(values, "type")
		typeName, _ := fields["type"].(string)
		props, _ := types[typeName].(map[string]any)
		for prop, def := range props {
			d, _ := def.(map[string]any)
			if dv, has := d["default"]; has {
				if _, set := values[prop]; !set {
					values[prop] = dv
				}
			}
			if secret, _ := d["secret"].(bool); secret {
				if s, ok := values[prop].(string); ok {
					w.st.redactor.Add(s)
				}
			}
		}
		out[name] = values
	}
	return out
}

// sectionValue decodes a top-level mapping as Go values, with nothing
// rendered.
func (w *Workspace) sectionValue(m *merger, name string) map[string]any {
	sec := m.entries[name]
	if sec == nil || sec.value.Kind != yaml.MappingNode {
		return nil
	}
	var v map[string]any
	if err := sec.value.Decode(&v); err != nil {
		return nil
	}
	return v
}
