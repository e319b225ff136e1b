package loader

import (
	"context"
	"maps"
	"strings"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// Secrets returns the secrets: section with every template rendered (once,
// at load): what templates see as secret.NAME. Values that were not
// templates keep their YAML type. The map is a copy.
func (w *Workspace) Secrets() map[string]any { return maps.Clone(w.secretSection) }

// Redactor returns the redactor that knows every value of this workspace
// that was encrypted at rest or resolved, in the secrets: section or inline
// by | vals when steps are rendered. Use it on everything the engine shows
// to people. Workspaces reloaded by one [Reloader] share it, so it also
// knows the values of earlier loads.
func (w *Workspace) Redactor() *redact.Redactor { return w.renderer.redactor }

// Engine returns the template engine of this workspace; its | vals filter
// resolves through the workspace's resolver and teaches the redactor.
func (w *Workspace) Engine() *render.Engine { return w.renderer.engine }

// StepVars builds the variables a step's templates see when a worker claims
// it, as workflow authors expect them:
//
//	input.NAME            the job's input
//	secret.NAME           the rendered secrets: section
//	STEP.output.NAME      the output of each completed step
//
// Hyphens in step names become underscores (say-hello → say_hello), since a
// template can only name identifiers. The names input and secret are
// reserved: a step called so is not visible by that name.
func (w *Workspace) StepVars(input map[string]any, outputs map[string]any) map[string]any {
	vars := make(map[string]any, len(outputs)+2)
	for step, out := range outputs {
		vars[strings.ReplaceAll(step, "-", "_")] = map[string]any{"output": out}
	}
	if input == nil {
		input = map[string]any{}
	}
	vars["input"] = input
	vars["secret"] = w.secretSection
	return vars
}

// RenderStep renders every template in v (a step's input, env, cmd, script
// or hook input; maps and lists are walked) with [Workspace.StepVars].
// Inline | vals resolves through the workspace's cached resolver, and every
// value it resolves is taught to [Workspace.Redactor] before RenderStep
// returns.
func (w *Workspace) RenderStep(ctx context.Context, v any, input map[string]any, outputs map[string]any) (any, error) {
	return w.renderer.engine.RenderValue(ctx, v, w.StepVars(input, outputs))
}
