package loader_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/render"
)

// RenderClaim renders a step's input with the job's variables, then the
// action with the rendered input as input.*; what the first phase yields
// is data in the second.
func TestRenderClaim(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`secrets:
  API: api-token-value-1234
actions:
  deploy:
    cmd: "deploy --tag {{ input.tag }} --token {{ secret.API }}"
    env:
      NOTE: "{{ input.note }}"
tasks:
  release:
    flow:
      build: {action: build}
      deploy:
        action: deploy
        input:
          tag: "{{ input.version }}-{{ build.output.sha }}"
          note: "{{ input.note }}"
`)}}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	stepInput := map[string]any{"tag": "{{ input.version }}-{{ build.output.sha }}", "note": "{{ input.note }}"}
	action := map[string]any{"cmd": "deploy --tag {{ input.tag }} --token {{ secret.API }}", "env": map[string]any{"NOTE": "{{ input.note }}"}}
	vars := loader.StepVars{
		Input:   map[string]any{"version": "1.4", "note": "{{ secret.API }}"}, // data holding template syntax
		Outputs: map[string]any{"build": map[string]any{"sha": "abc"}},
	}
	input, out, err := ws.RenderClaim(t.Context(), stepInput, action, vars)
	if err != nil {
		t.Fatal(err)
	}
	if input["tag"] != "1.4-abc" || input["note"] != "{{ secret.API }}" {
		t.Errorf("step input rendered to %v", input)
	}
	got := out.(map[string]any)
	if got["cmd"] != "deploy --tag 1.4-abc --token api-token-value-1234" {
		t.Errorf("the action's cmd did not render with the step's input")
	}
	if got["env"].(map[string]any)["NOTE"] != "{{ secret.API }}" {
		t.Errorf("data from the job input was rendered as a template in the second phase")
	}

	// An error in either phase names the template's place.
	_, _, err = ws.RenderClaim(t.Context(), stepInput, action, loader.StepVars{Input: map[string]any{"note": "x"}, Outputs: vars.Outputs})
	var fe *loader.FileError
	if !errors.As(err, &fe) || fe.Key != "tasks.release.flow.deploy.input.tag" || !errors.Is(err, render.ErrUndefined) {
		t.Errorf("err = %v, want undefined input.version at tasks.release.flow.deploy.input.tag", err)
	}
}
