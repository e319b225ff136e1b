// Package job is the small slice of a workflow engine that the examples
// need: the workspace's actions and tasks as Go types, and a dry run of a
// task that renders each step as a worker would when it claims it. It runs
// no command.
//
// It is an example to copy, not part of the library: workflow types, step
// order and task input defaults are each engine's own (its schema has
// fields this one lacks, its scheduler orders and retries steps its own
// way), and the library reads them through Workspace.Decode into the
// engine's types. The part that is about templates and trust, rendering a
// step's input and then its action with that input, is the library's:
// loader.Workspace.RenderClaim.
package job

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hushflow/hushflow/loader"
)

// Action is a unit of work: a shell command or an HTTP call.
type Action struct {
	Type   string         `yaml:"type" json:"type"`
	Cmd    string         `yaml:"cmd,omitempty" json:"cmd,omitempty"`
	Script string         `yaml:"script,omitempty" json:"script,omitempty"`
	Env    map[string]any `yaml:"env,omitempty" json:"env,omitempty"`
}

// Step is one node of a task's flow.
type Step struct {
	Action    string         `yaml:"action"`
	Input     map[string]any `yaml:"input"`
	DependsOn []string       `yaml:"depends_on"`
}

// Hook runs an action when a task ends.
type Hook struct {
	Action string         `yaml:"action"`
	Input  map[string]any `yaml:"input"`
}

// Task is a flow of steps with an input schema and hooks.
type Task struct {
	Input     map[string]Field `yaml:"input"`
	Flow      map[string]Step  `yaml:"flow"`
	OnSuccess []Hook           `yaml:"on_success"`
}

// Field is one input of a task.
type Field struct {
	Type    string `yaml:"type"`
	Default any    `yaml:"default"`
}

// Workflows is the part of a workspace the examples read.
type Workflows struct {
	Actions map[string]Action `yaml:"actions"`
	Tasks   map[string]Task   `yaml:"tasks"`
}

// Record is a job as an engine's API would return it, before redaction.
type Record struct {
	Task  string         `json:"task"`
	Input map[string]any `json:"input"`
	Steps []StepRecord   `json:"steps"`
}

// StepRecord is one rendered step (or hook) of a job.
type StepRecord struct {
	Name   string         `json:"name"`
	Action string         `json:"action"`
	Input  map[string]any `json:"input,omitempty"`
	Run    Action         `json:"run"`
	Output map[string]any `json:"output,omitempty"`
}

// Outputs stands in for running a step: the examples run no command, so a
// step's output is whatever this returns (nil for none).
type Outputs func(step string) map[string]any

// DryRun renders every step of task, in dependency order, then its
// on_success hooks, for the given job input, as a worker would when it
// claims each step: first the step's input with the job's context, then the
// action with the step's input.
func DryRun(ctx context.Context, ws *loader.Workspace, task string, input map[string]any, outputs Outputs) (*Record, error) {
	var wf Workflows
	if err := ws.Decode(&wf); err != nil {
		return nil, err
	}
	t, ok := wf.Tasks[task]
	if !ok {
		return nil, fmt.Errorf("no task %q (tasks: %v)", task, slices.Sorted(maps.Keys(wf.Tasks)))
	}
	jobInput := maps.Clone(input)
	if jobInput == nil {
		jobInput = map[string]any{}
	}
	for name, f := range t.Input {
		if _, set := jobInput[name]; !set && f.Default != nil {
			jobInput[name] = f.Default
		}
	}
	order, err := stepOrder(t.Flow)
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", task, err)
	}
	rec := &Record{Task: task, Input: jobInput}
	done := map[string]any{}
	claim := func(name, action string, stepInput map[string]any) error {
		a, ok := wf.Actions[action]
		if !ok {
			return fmt.Errorf("step %s: no action %q", name, action)
		}
		fields := map[string]any{}
		if a.Cmd != "" {
			fields["cmd"] = a.Cmd
		}
		if a.Script != "" {
			fields["script"] = a.Script
		}
		if a.Env != nil {
			fields["env"] = a.Env
		}
		// The library's part: the step's input with the job's context, then
		// the action's fields with the rendered input as input.*.
		renderedInput, fieldsOut, err := ws.RenderClaim(ctx, stepInput, fields, loader.StepVars{Input: jobInput, Outputs: done})
		if err != nil {
			return fmt.Errorf("step %s (action %s): %w", name, action, err)
		}
		rendered := fieldsOut.(map[string]any)
		run := a
		run.Cmd, _ = rendered["cmd"].(string)
		run.Script, _ = rendered["script"].(string)
		run.Env, _ = rendered["env"].(map[string]any)
		var out map[string]any
		if outputs != nil {
			out = outputs(name)
		}
		done[name] = out
		rec.Steps = append(rec.Steps, StepRecord{Name: name, Action: action, Input: renderedInput, Run: run, Output: out})
		return nil
	}
	for _, name := range order {
		s := t.Flow[name]
		if err := claim(name, s.Action, s.Input); err != nil {
			return nil, err
		}
	}
	for i, h := range t.OnSuccess {
		if err := claim(fmt.Sprintf("on_success[%d]", i), h.Action, h.Input); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// stepOrder sorts a flow so that every step comes after the steps it
// depends on, ties broken by name.
func stepOrder(flow map[string]Step) ([]string, error) {
	var order []string
	placed := map[string]bool{}
	for len(order) < len(flow) {
		var ready []string
		for name, s := range flow {
			if placed[name] {
				continue
			}
			if !slices.ContainsFunc(s.DependsOn, func(d string) bool { return !placed[d] }) {
				ready = append(ready, name)
			}
		}
		if len(ready) == 0 {
			return nil, fmt.Errorf("the flow has a cycle or depends on a missing step")
		}
		slices.SortFunc(ready, cmp.Compare)
		for _, name := range ready {
			placed[name] = true
		}
		order = append(order, ready...)
	}
	return order, nil
}
