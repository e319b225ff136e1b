package loader

import (
	"context"
	"errors"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/render"
)

// WithShellQuoting switches the quoting of values in shell commands on
// (the default) or off. On, the cmd: and script: of a shell action (an
// action of type: shell, or with no type:) render in the render package's
// shell context: every value is quoted for where it stands, and a value
// that cannot stand where the template puts it fails the render (and, when
// the place alone decides it, the load). Off, values are pasted into the
// command as they are, as Strøm does, and a job's input can become code:
// for an engine that quotes commands itself.
func WithShellQuoting(on bool) Option { return func(c *config) { c.shellOff = !on } }

// shellKeys are the keys of a shell action that hold a command.
var shellKeys = []string{"cmd", "script"}

// indexShell records the template texts that stand in a shell action's
// cmd: or script:, and renders each once with placeholder values, so that
// a value placed where no value can stand (the command's name, inside
// $(…), after eval or sh -c, …) is a load error naming the file, key and
// line rather than a refusal when a worker claims the step. The outcome
// depends on the text alone: a text in passed (the shell commands of the
// last good load) passed already and is not rendered again.
func (w *Workspace) indexShell(m *merger, passed map[string]bool) error {
	if w.st.cfg.shellOff {
		return nil
	}
	actions := m.entries["actions"]
	if actions == nil || resolveAlias(actions.value).Kind != yaml.MappingNode {
		return nil
	}
	var check *render.Engine
	var errs []error
	kv := pairs(actions.value)
	for i := 0; i+1 < len(kv); i += 2 {
		name, action := kv[i].Value, resolveAlias(kv[i+1])
		if action.Kind != yaml.MappingNode || !isShellAction(action) {
			continue
		}
		akv := pairs(action)
		for j := 0; j+1 < len(akv); j += 2 {
			n := resolveAlias(akv[j+1])
			if !slices.Contains(shellKeys, akv[j].Value) || n.Kind != yaml.ScalarNode || n.Tag != "!!str" || w.encrypted[n] || !render.IsTemplate(n.Value) {
				continue
			}
			if w.shell == nil {
				w.shell = map[string]bool{}
			}
			if w.shell[n.Value] {
				continue // checked where it first stands
			}
			w.shell[n.Value] = true
			if passed[n.Value] {
				continue
			}
			if check == nil {
				var err error
				if check, err = render.New(placeholderResolver{}); err != nil {
					return err
				}
			}
			if err := placedRefusal(check, n.Value); err != nil {
				errs = append(errs, &FileError{Path: m.origin[kv[i+1]], Key: "actions." + name + "." + akv[j].Value, Line: templateLine(n, err), Err: err})
			}
		}
	}
	return errors.Join(errs...)
}

// isShellAction reports whether an action runs its cmd: and script: with
// a shell: type: shell, or no type: at all.
func isShellAction(action *yaml.Node) bool {
	kv := pairs(action)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i].Value == "type" {
			t := resolveAlias(kv[i+1])
			return t.Kind == yaml.ScalarNode && strings.TrimSpace(t.Value) == "shell"
		}
	}
	return true
}

// placeholders are two unlike values a place must refuse both of for the
// refusal to be the place's alone: "1" stands where only a number may
// (arithmetic), "/" where a name character may not ($NAME{{x}} in "…").
var placeholders = []string{"1", "/"}

// placedRefusal renders tmpl in the shell context with every variable it
// reads set to each placeholder in turn, and returns the refusal when
// every placeholder is refused: the place refuses any value. Other
// failures (a filter that wants a number, a branch not taken) are left to
// the render when the step is claimed.
func placedRefusal(e *render.Engine, tmpl string) error {
	vars, err := render.Vars(tmpl)
	if err != nil {
		return nil // a syntax error is reported where the file is parsed
	}
	var refusal error
	for _, p := range placeholders {
		_, err := e.RenderShell(context.Background(), tmpl, placeholderVars(vars, p))
		if !errors.Is(err, render.ErrShellUnsafe) {
			return nil
		}
		refusal = err
	}
	return refusal
}

// placeholderVars is a context in which each of vars holds p.
func placeholderVars(vars []render.Var, p string) map[string]any {
	root := map[string]any{}
	for _, v := range vars {
		m := root
		for i, part := range v.Path {
			if i == len(v.Path)-1 {
				if _, set := m[part]; !set {
					m[part] = p
				}
				break
			}
			next, ok := m[part].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[part] = next
			}
			m = next
		}
	}
	return root
}

// placeholderResolver stands for the resolver when a template renders
// with placeholders: it resolves nothing, so that a load check neither
// reaches a backend nor teaches the redactor a value.
type placeholderResolver struct{}

func (placeholderResolver) Resolve(context.Context, string) (string, error) { return "1", nil }

// inShell reports the strings RenderStep renders as shell commands, or is
// nil when there are none or quoting is off.
func (w *Workspace) inShell() func(string) bool {
	if len(w.shell) == 0 {
		return nil
	}
	return func(s string) bool { return w.shell[s] }
}
