package loader

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/render"
)

// The secrets: and connections: sections render at load with Strøm's rule
// for what is a template there: a string holding "{{". Elsewhere a string
// is a template when it holds "{{", "{%" or "{#" (the render package's
// rule), and renders when a worker claims its step.
var stromSections = map[string]bool{"secrets": true, "connections": true}

// isSectionTemplate reports whether s is a template in a secrets: or
// connections: section: "50{%off" is a plain value there.
func isSectionTemplate(s string) bool { return strings.Contains(s, "{{") }

// checkTemplates parses every template string of f, so that a syntax error
// is a load error with file, key path and line rather than a surprise when
// a worker claims the step. Values that were encrypted at rest are data,
// never templates: they are not parsed, and one outside secrets: and
// connections: that looks like a template is noted in f.notes, since Strøm
// would have rendered it.
func (st *state) checkTemplates(f *file) error {
	var errs []error
	var path keyPath
	for _, doc := range f.docs {
		top, _ := topMapping(doc)
		if top == nil {
			continue
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			key := top.Content[i].Value
			path.root = key
			walkStrings(top.Content[i+1], &path, func(n *yaml.Node, keyPath *keyPath) {
				switch {
				case f.marked[n]:
					if !stromSections[key] && render.IsTemplate(n.Value) {
						f.notes = append(f.notes, &FileError{Path: f.path, Key: keyPath.String(), Line: n.Line, Err: errEncryptedTemplate})
					}
				case stromSections[key] && !isSectionTemplate(n.Value):
				default:
					if err := st.engine.Check(n.Value); err != nil {
						errs = append(errs, &FileError{Path: f.path, Key: keyPath.String(), Line: templateLine(n, err), Err: err})
					}
				}
			})
		}
	}
	return errors.Join(errs...)
}

// errEncryptedTemplate is the cause of a warning about a value encrypted at
// rest, outside secrets: and connections:, that holds template syntax: it is
// data, and RenderStep gives it back as it is.
var errEncryptedTemplate = errors.New("the value was encrypted at rest and holds template syntax: it is data, not rendered (keep the template in the clear and read the secret through secret.NAME)")

// walkStrings calls fn with every string scalar below n and its key path,
// which path holds on the way (fn writes it out only if it needs the
// text, and must not keep it). Aliases are not followed: the anchor's own
// node is visited where it stands.
func walkStrings(n *yaml.Node, path *keyPath, fn func(n *yaml.Node, path *keyPath)) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			fn(n, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			path.pushKey(n.Content[i].Value)
			walkStrings(n.Content[i+1], path, fn)
			path.pop()
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			path.pushIndex(i)
			walkStrings(c, path, fn)
			path.pop()
		}
	}
}

// templateLine is the line of the workspace file where err, a render error
// placed in the template held by n, stands: exact for a single-line
// template and for a literal block (|), whose lines are the file's; the
// value's first line otherwise (folding and escapes leave no mapping).
func templateLine(n *yaml.Node, err error) int {
	var re *render.Error
	if !errors.As(err, &re) || re.Line <= 1 {
		return n.Line
	}
	if n.Style&yaml.LiteralStyle != 0 {
		return n.Line + re.Line
	}
	return n.Line
}

// templatePlace is where a template of the workspace stands, so that an
// error a worker meets rendering it can name the file, key and line.
type templatePlace struct {
	file string
	key  string
	node *yaml.Node
}

// stepRoots are the names a step's templates read besides the steps of
// its task (see templateVars).
var stepRoots = map[string]bool{"input": true, "secret": true, "connections": true, "hook": true, "each": true}

// templateAt is one template of the merged document, as eachTemplate
// finds it: path is valid during the call only.
type templateAt struct {
	section, entry, file string
	node                 *yaml.Node
	path                 *keyPath
}

// eachTemplate calls fn with every template of the merged document top
// (whose entries came from the files origin names) that RenderStep may
// render, in document order: values that were encrypted at rest are data,
// and in secrets: and connections: only a string holding "{{" is one.
func (w *Workspace) eachTemplate(top *yaml.Node, origin map[*yaml.Node]string, fn func(t templateAt)) {
	w.eachTemplateBut(top, origin, nil, fn)
}

// eachTemplateBut is eachTemplate, leaving out the entries (a section's
// values) for which skip, when not nil, reports true.
func (w *Workspace) eachTemplateBut(top *yaml.Node, origin map[*yaml.Node]string, skip func(v *yaml.Node) bool, fn func(t templateAt)) {
	var path keyPath
	kv := top.Content
	for i := 0; i+1 < len(kv); i += 2 {
		section, val := kv[i].Value, kv[i+1]
		strom := stromSections[section]
		path.root = section
		visit := func(v *yaml.Node, file, entry string) {
			if skip != nil && skip(v) {
				return
			}
			walkStrings(v, &path, func(n *yaml.Node, p *keyPath) {
				if !render.IsTemplate(n.Value) || (strom && !isSectionTemplate(n.Value)) || w.encrypted[n] {
					return
				}
				fn(templateAt{section: section, entry: entry, file: file, node: n, path: p})
			})
		}
		switch val.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(val.Content); j += 2 {
				v := val.Content[j+1]
				entry := val.Content[j].Value
				path.pushKey(entry)
				visit(v, origin[v], entry)
				path.pop()
			}
		case yaml.SequenceNode:
			for j, v := range val.Content {
				path.pushIndex(j)
				visit(v, origin[v], "")
				path.pop()
			}
		default:
			visit(val, origin[val], "")
		}
	}
}

// templatePlaces returns where the template text tmpl stands in the
// workspace, in document order. Only an error asks, so the places are
// found again then rather than kept for every template of every load.
func (w *Workspace) templatePlaces(tmpl string) []templatePlace {
	var out []templatePlace
	if w.doc == nil || len(w.doc.Content) == 0 {
		return nil
	}
	w.eachTemplate(w.doc.Content[0], w.origin, func(t templateAt) {
		if t.node.Value == tmpl {
			out = append(out, templatePlace{file: t.file, key: t.path.String(), node: t.node})
		}
	})
	return out
}

// indexTemplates checks what every template of the merged document reads
// against the names the workspace knows, so that a typo fails the load
// with file, key and line instead of failing a worker when it claims the
// step: secret.NAME and connections.NAME must name an entry of secrets:
// and connections:, and in a task's flow and hooks, a root that is not
// input, secret, connections, hook or each must name a step of that task.
// Reads a template marks optional (default, is defined) are not checked.
// The secrets: section renders in an empty context and is left to its own
// rendering. last (which may be nil) is the index of the last good load:
// what it learnt that depends on one file only is taken from there rather
// than worked out again.
func (w *Workspace) indexTemplates(m *merger, last *templateIndex) (*templateIndex, error) {
	names := func(section string) map[string]bool {
		out := map[string]bool{}
		if s := m.entries[section]; s != nil && s.value.Kind == yaml.MappingNode {
			kv := pairs(s.value)
			for i := 0; i+1 < len(kv); i += 2 {
				out[kv[i].Value] = true
			}
		}
		return out
	}
	if last == nil {
		last = &templateIndex{}
	}
	ix := &templateIndex{vars: make(map[string][]render.Var, len(last.vars)), checked: make(map[*yaml.Node]bool, len(last.checked))}
	c := refCheck{secrets: names("secrets"), connections: names("connections"), steps: ix.taskSteps(m, last), last: last.vars, parsed: ix.vars}
	ix.secrets, ix.connections, ix.taskNames = c.secrets, c.connections, c.steps
	// What a template's check finds depends on its text, where it stands
	// and the workspace's names. A section's value that the last good load
	// checked (a node of a file that did not change: the parse cache hands
	// out the same one) passes again when the names are the same: only
	// what changed is walked.
	same := last.checked != nil && maps.Equal(c.secrets, last.secrets) && maps.Equal(c.connections, last.connections) &&
		maps.EqualFunc(c.steps, last.taskNames, maps.Equal)
	skip := func(v *yaml.Node) bool {
		ix.checked[v] = true
		return same && last.checked[v]
	}
	w.eachTemplateBut(m.top, m.origin, skip, func(t templateAt) {
		if t.section != "secrets" {
			c.check(t)
		}
	})
	return ix, errors.Join(c.errs...)
}

// templateIndex is what indexTemplates learns of a merge that depends on
// one file only, kept with the merge for the next one: what each template
// text reads, and each task's steps by the task's node (a node of a
// parsed file, which never changes). Each merge makes a new one with what
// it holds, so it never keeps what the workspace no longer holds.
type templateIndex struct {
	vars  map[string][]render.Var
	steps map[*yaml.Node]map[string]bool // nil for a task without a flow
	// checked holds the sections' values whose templates passed, and the
	// names they were checked against.
	checked              map[*yaml.Node]bool
	secrets, connections map[string]bool
	taskNames            map[string]map[string]bool
}

// taskSteps returns the names of each task's steps (tasks.T.flow), as
// templates name them: hyphens become underscores.
func (ix *templateIndex) taskSteps(m *merger, last *templateIndex) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	tasks := m.entries["tasks"]
	if tasks == nil || tasks.value.Kind != yaml.MappingNode {
		return out
	}
	kv := pairs(tasks.value)
	ix.steps = make(map[*yaml.Node]map[string]bool, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		task := resolveAlias(kv[i+1])
		steps, seen := last.steps[task]
		if !seen {
			steps = flowSteps(task)
		}
		ix.steps[task] = steps
		if steps != nil {
			out[kv[i].Value] = steps
		}
	}
	return out
}

// flowSteps returns the names of the steps of a task's flow, or nil when
// the task has no flow mapping (of several, the last counts).
func flowSteps(task *yaml.Node) map[string]bool {
	if task.Kind != yaml.MappingNode {
		return nil
	}
	var out map[string]bool
	tkv := pairs(task)
	for j := 0; j+1 < len(tkv); j += 2 {
		flow := resolveAlias(tkv[j+1])
		if tkv[j].Value != "flow" || flow.Kind != yaml.MappingNode {
			continue
		}
		steps := map[string]bool{}
		fkv := pairs(flow)
		for k := 0; k+1 < len(fkv); k += 2 {
			steps[strings.ReplaceAll(fkv[k].Value, "-", "_")] = true
		}
		out = steps
	}
	return out
}

// refCheck checks the variables templates read against the workspace's
// names.
type refCheck struct {
	secrets, connections map[string]bool
	steps                map[string]map[string]bool // task → its steps
	last                 map[string][]render.Var    // what the last good load parsed, by template text
	parsed               map[string][]render.Var    // by template text: a text repeated is parsed once
	errs                 []error
}

func (c *refCheck) check(t templateAt) {
	n := t.node
	vars, seen := c.parsed[n.Value]
	if !seen {
		if vars, seen = c.last[n.Value]; !seen {
			var err error
			if vars, err = render.Vars(n.Value); err != nil {
				return // a syntax error is reported where the file is parsed
			}
		}
		c.parsed[n.Value] = vars
	}
	// The templates of a task's steps (tasks.T.flow.S…) and hooks
	// (tasks.T.on_success…) read the outputs of that task's steps.
	var steps map[string]bool
	task := t.entry
	if t.section == "tasks" && inFlowOrHook(t.path) {
		steps = c.steps[task]
	}
	for _, v := range vars {
		if v.Optional {
			continue
		}
		var detail string
		switch root := v.Path[0]; {
		case root == "secret" && len(v.Path) > 1 && !c.secrets[v.Path[1]]:
			detail = "secrets: has no entry " + v.Path[1]
		case root == "connections" && t.section != "connections" && len(v.Path) > 1 && !c.connections[v.Path[1]]:
			detail = "connections: has no entry " + v.Path[1]
		case steps != nil && !stepRoots[root] && !steps[root]:
			detail = fmt.Sprintf("task %s has no step %s", task, root)
		default:
			continue
		}
		re := &render.Error{Kind: render.ErrUndefined, Line: v.Line, Column: v.Column, Name: v.String(), Detail: detail}
		c.errs = append(c.errs, &FileError{Path: t.file, Key: t.path.String(), Line: templateLine(n, re), Err: re})
	}
}

// inFlowOrHook reports whether the key path of a template of tasks: (the
// task's name, then the key below it) is in the task's flow (flow.…) or
// in a hook (on_…): whether "tasks.T.flow.…" or "tasks.T.on_…" is how
// its text begins, read off the path without writing it out.
func inFlowOrHook(p *keyPath) bool {
	if len(p.parts) < 2 || p.parts[0].isIdx || p.parts[1].isIdx {
		return false
	}
	k := p.parts[1].key
	switch {
	case strings.HasPrefix(k, "on_"), strings.HasPrefix(k, "flow."):
		return true
	case k == "flow":
		return len(p.parts) > 2 && !p.parts[2].isIdx
	}
	return false
}
