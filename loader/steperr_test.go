package loader_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/render"
)

// An error a worker meets rendering a step names where the template
// stands in the workspace: the file, the key path and the line in that
// file, and still unwraps to the render error with the template's own
// line and column.
func TestRenderStepErrorNamesItsFile(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("secrets:\n  TOKEN: tok-value-1234\n")},
		"dir/deploy.yaml": {Data: []byte(`actions:
  deploy:
    cmd: "deploy --token {{ secret.TOKEN }} --env {{ input.env }}"
    env:
      REGION: "{{ input.region }}"
  migrate:
    env:
      AREA: "{{ input.region }}"
    script: |
      set -e
      echo {{ secret.TOKEN }}
      migrate {{ input.db }}
`)},
	}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Actions map[string]struct {
			Cmd, Script string
			Env         map[string]any
		}
	}
	if err := ws.Decode(&wf); err != nil {
		t.Fatal(err)
	}
	deploy, migrate := wf.Actions["deploy"], wf.Actions["migrate"]
	tests := []struct {
		name      string
		v         any
		key       string
		line      int
		tmplLine  int
		undefined string
	}{
		{"cmd", deploy.Cmd, "actions.deploy.cmd", 3, 1, "input.env"},
		{"literal block, third line", migrate.Script, "actions.migrate.script", 12, 3, "input.db"},
		{"same text in two places, told apart by the key", migrate.Env, "actions.migrate.env.AREA", 8, 1, "input.region"},
		{"a map of strings", map[string]any{"cmd": deploy.Cmd, "env": map[string]string{"REGION": "{{ input.region }}"}}, "actions.deploy.cmd", 3, 1, "input.env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ws.RenderStep(t.Context(), tt.v, loader.StepVars{})
			var fe *loader.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if fe.Path != "dir/deploy.yaml" || fe.Key != tt.key || fe.Line != tt.line {
				t.Errorf("the error is at %s:%d %s, want dir/deploy.yaml:%d %s", fe.Path, fe.Line, fe.Key, tt.line, tt.key)
			}
			var re *render.Error
			if !errors.Is(err, render.ErrUndefined) || !errors.As(err, &re) || re.Name != tt.undefined || re.Line != tt.tmplLine {
				t.Errorf("err = %v, want render.ErrUndefined of %s at template line %d", err, tt.undefined, tt.tmplLine)
			}
			assertNoLeak(t, "RenderStep error", err.Error(), "tok-value-1234")
		})
	}
	// A template the workspace does not hold keeps the render error as it is.
	_, err = ws.RenderStep(t.Context(), "{{ input.nope }}", loader.StepVars{})
	var fe *loader.FileError
	if !errors.Is(err, render.ErrUndefined) || errors.As(err, &fe) {
		t.Errorf("a template from elsewhere: err = %v, want a bare render error", err)
	}
}

// A reference that fails when a step renders is named by the error's Ref
// field, without its query or userinfo, wherever the error stands.
func TestRenderStepErrorRef(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`actions:
  deploy:
    env:
      TOKEN: "{{ 'ref+file://secrets/missing.yaml?mode=secret-query#/token' | vals }}"
`)}}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.RenderStep(t.Context(), map[string]any{"TOKEN": "{{ 'ref+file://secrets/missing.yaml?mode=secret-query#/token' | vals }}"}, loader.StepVars{})
	var fe *loader.FileError
	if !errors.As(err, &fe) || fe.Ref != "ref+file://secrets/missing.yaml#/token" || fe.Key != "actions.deploy.env.TOKEN" || !errors.Is(err, render.ErrResolve) {
		t.Fatalf("err = %#v, want a *FileError at actions.deploy.env.TOKEN with Ref ref+file://secrets/missing.yaml#/token", err)
	}
	assertNoLeak(t, "the error", err.Error()+fe.Ref, "secret-query")
}
