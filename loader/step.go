package loader

import (
	"context"
	"strings"
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
// The names input, secret, hook and each are reserved: a step called so is
// not visible by that name.
func (w *Workspace) RenderStep(ctx context.Context, v any, vars StepVars) (any, error) {
	return w.st.engine.RenderValue(withSnapshot(ctx, w.snapshot), v, w.templateVars(vars))
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
	if sv.Hook != nil {
		vars["hook"] = sv.Hook
	}
	if sv.Each != nil {
		vars["each"] = map[string]any{"item": sv.Each.Item, "index": sv.Each.Index}
	}
	return vars
}
