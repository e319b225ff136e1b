package loader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hushflow/hushflow/render"
)

// StepVars are the variables of one step's templates, as Strøm's workflow
// authors know them. Every field is data from less trusted hands than the
// author's: a reference in it is never resolved by | vals (see the render
// package).
type StepVars struct {
	// Input is the job's input (or the step's rendered input, when an
	// action's templates render): input.NAME.
	Input map[string]any
	// Outputs holds the output of each completed step, by step name:
	// STEP.output.NAME. Hyphens in step names become underscores
	// (say-hello → say_hello), since a template names identifiers only.
	Outputs map[string]any
	// Hook is the context of an on_success, on_error or on_cancel hook:
	// hook.task_name, hook.status, hook.error_message, …
	Hook map[string]any
	// Each is the element of a for_each step this instance runs for:
	// each.item and each.index.
	Each *Each
}

// Each is one instance of a for_each step.
type Each struct {
	Item  any // each.item
	Index int // each.index, from 0
}

// RenderStep renders every template in v (a step's input, env, cmd or
// script, a hook's input; maps and lists are walked) with the step's
// variables and secret.*, the rendered secrets: section. Inline | vals
// resolves through the workspace's snapshot, so a reference has the value
// here that it had when the workspace loaded. Every value it resolves and
// everything a template derives from a secret is taught to
// [Workspace.Redactor] before RenderStep returns.
//
// A string that stands in a shell action's cmd: or script: renders as a
// shell command, each value quoted for where it stands (see "Shell
// commands" in the package documentation and [WithShellQuoting]).
//
// connections.NAME reads the connections: section as [Workspace.Connections]
// returns it. The names input, secret, connections, hook and each are
// reserved: a step called so is not visible by that name.
//
// A template that fails is a [*FileError] naming where the template stands
// in the workspace (file, key path such as actions.deploy.cmd, and the line
// in that file) and wrapping the [*render.Error], which names the line and
// column in the template: errors.Is(err, render.ErrUndefined) and
// errors.As with a *render.Error still hold. v's strings are found by their
// text: one the workspace holds in several places is named by the place
// whose key path ends as the failing value's does, else the first.
func (w *Workspace) RenderStep(ctx context.Context, v any, vars StepVars) (any, error) {
	out, err := w.st.engine.RenderValueShell(withSnapshot(ctx, w.snapshot), v, w.templateVars(vars), w.inShell())
	if err != nil {
		return nil, w.placeError(v, err)
	}
	return out, nil
}

// RenderClaim renders what a worker renders when it claims a step, in
// Strøm's two phases: first the step's input (stepInput, the step's input:
// map) with the job's variables (vars: the job's input as input.*, step
// outputs, …), then the action's templates (action: its cmd, script, env,
// … in any shape RenderStep walks) with the rendered step input as input.*
// and the rest of vars unchanged. It returns both results; an error is
// RenderStep's, naming the template's place in the workspace.
//
// What the first phase yields is data in the second: a job input that
// holds template syntax reaches the action as that text, never rendered.
// Workflow types, step order and task input defaults are the engine's own
// (see examples/internal/job for one way to write them).
func (w *Workspace) RenderClaim(ctx context.Context, stepInput map[string]any, action any, vars StepVars) (input map[string]any, rendered any, err error) {
	in, err := w.RenderStep(ctx, stepInput, vars)
	if err != nil {
		return nil, nil, err
	}
	input, _ = in.(map[string]any)
	if input == nil {
		input = map[string]any{}
	}
	vars.Input = input
	rendered, err = w.RenderStep(ctx, action, vars)
	if err != nil {
		return nil, nil, err
	}
	return input, rendered, nil
}

// placeError wraps a render error in a *FileError naming where its
// template stands in the workspace, when the workspace holds it.
func (w *Workspace) placeError(v any, err error) error {
	var re *render.Error
	if !errors.As(err, &re) {
		return err
	}
	tmpl, ok := stringAt(v, re.Keys)
	if !ok {
		return err
	}
	places := w.templatePlaces(tmpl)
	if len(places) == 0 {
		return err
	}
	p := places[0]
	if re.Path != "" {
		for _, q := range places {
			if q.key == re.Path || strings.HasSuffix(q.key, "."+re.Path) || strings.HasPrefix(re.Path, "[") && strings.HasSuffix(q.key, re.Path) {
				p = q
				break
			}
		}
	}
	return &FileError{Path: p.file, Key: p.key, Line: templateLine(p.node, re), Ref: failedRef(err), Err: err}
}

// stringAt returns the string at keys in v: the map keys and list indexes
// of a render error's Keys, in the shapes RenderValue walks.
func stringAt(v any, keys []any) (string, bool) {
	for _, k := range keys {
		next, ok := step(v, k)
		if !ok {
			return "", false
		}
		v = next
	}
	s, ok := v.(string)
	return s, ok
}

// step returns the element of v at k: a map key (string) or a list index
// (int).
func step(v, k any) (any, bool) {
	key, isKey := k.(string)
	i, isIndex := k.(int)
	switch x := v.(type) {
	case map[string]any:
		e, ok := x[key]
		return e, ok && isKey
	case map[string]string:
		e, ok := x[key]
		return e, ok && isKey
	case []any:
		if isIndex && i >= 0 && i < len(x) {
			return x[i], true
		}
	case []string:
		if isIndex && i >= 0 && i < len(x) {
			return x[i], true
		}
	}
	return nil, false
}

func (w *Workspace) templateVars(sv StepVars) map[string]any {
	vars := make(map[string]any, len(sv.Outputs)+4)
	for step, out := range sv.Outputs {
		vars[strings.ReplaceAll(step, "-", "_")] = map[string]any{"output": out}
	}
	input := sv.Input
	if input == nil {
		input = map[string]any{}
	}
	vars["input"] = input
	vars["secret"] = w.secrets
	vars["connections"] = w.connVars
	if sv.Hook != nil {
		vars["hook"] = sv.Hook
	}
	if sv.Each != nil {
		vars["each"] = map[string]any{"item": sv.Each.Item, "index": sv.Each.Index}
	}
	return vars
}

// counts describes the variables without any value: job input and step
// outputs may hold secrets (a step's input rendered from secret.*).
func (sv StepVars) counts() string {
	s := fmt.Sprintf("%d inputs, %d step outputs", len(sv.Input), len(sv.Outputs))
	if sv.Hook != nil {
		s += fmt.Sprintf(", %d hook fields", len(sv.Hook))
	}
	if sv.Each != nil {
		s += ", each.index " + strconv.Itoa(sv.Each.Index)
	}
	return s + ": values not shown"
}

// Format prints how many variables there are, never a value, for every
// verb.
func (sv StepVars) Format(f fmt.State, verb rune) {
	printSafe(f, verb, "loader.StepVars{"+sv.counts()+"}", sv.GoString())
}

// GoString is what %#v prints: the counts, as a comment.
func (sv StepVars) GoString() string { return "loader.StepVars{/* " + sv.counts() + " */}" }

// LogValue is what log/slog records: the counts, never a value.
func (sv StepVars) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Int("inputs", len(sv.Input)), slog.Int("outputs", len(sv.Outputs))}
	if sv.Hook != nil {
		attrs = append(attrs, slog.Int("hook", len(sv.Hook)))
	}
	if sv.Each != nil {
		attrs = append(attrs, slog.Int("each.index", sv.Each.Index))
	}
	return slog.GroupValue(attrs...)
}

// Format prints the index, never the item, for every verb.
func (e Each) Format(f fmt.State, verb rune) {
	printSafe(f, verb, "loader.Each{Index: "+strconv.Itoa(e.Index)+", Item: not shown}", e.GoString())
}

// GoString is what %#v prints: the index, never the item.
func (e Each) GoString() string {
	return "loader.Each{Index: " + strconv.Itoa(e.Index) + " /* Item not shown */}"
}

// LogValue is what log/slog records: the index, never the item.
func (e Each) LogValue() slog.Value { return slog.GroupValue(slog.Int("index", e.Index)) }
