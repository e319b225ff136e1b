package loader_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/render"
)

// A mistyped secret.NAME, connections.NAME or step name fails the load
// with the file, the key path and the line in the file, instead of failing
// a worker when it claims the step.
func TestTyposFailTheLoad(t *testing.T) {
	t.Parallel()
	const secretsYAML = `secrets:
  API_TOKEN: tok-value-1234
  DB:
    user: app
connections:
  main-db:
    url: "postgres://{{ secret.DB.user }}@db"
`
	tests := []struct {
		name, doc string
		key       string
		line      int
		names     string // the variable the error names
	}{
		{"secret in a cmd", `actions:
  deploy:
    cmd: "deploy --token {{ secret.API_TOKNE }}"
`, "actions.deploy.cmd", 3, "secret.API_TOKNE"},
		{"secret in a literal block, on its own line", `actions:
  deploy:
    script: |
      set -e
      deploy --token {{ secret.API_TOKNE }}
`, "actions.deploy.script", 5, "secret.API_TOKNE"},
		{"secret in a connection", `connections:
  other:
    url: "{{ secret.DBB.user }}"
`, "connections.other.url", 3, "secret.DBB.user"},
		{"connection in an env", `actions:
  migrate:
    env:
      URL: "{{ connections.main_db.url }}"
`, "actions.migrate.env.URL", 4, "connections.main_db.url"},
		{"step of the task", `tasks:
  release:
    flow:
      build: {action: build}
      deploy:
        action: deploy
        input:
          tag: "{{ buidl.output.tag }}"
`, "tasks.release.flow.deploy.input.tag", 8, "buidl.output.tag"},
		{"step in a hook", `tasks:
  release:
    flow:
      build-image: {action: build}
    on_success:
      - action: notify
        input:
          tag: "{{ build_imag.output.tag }}"
`, "tasks.release.on_success[0].input.tag", 8, "build_imag.output.tag"},
		{"secret in an if", `actions:
  deploy:
    cmd: "{% if secret.API_TOKNE %}x{% endif %}"
`, "actions.deploy.cmd", 3, "secret.API_TOKNE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"a-secrets.yaml": {Data: []byte(secretsYAML)}, "b.yaml": {Data: []byte(tt.doc)}}
			_, err := loader.Load(t.Context(), fsys)
			fes := loader.FileErrors(err)
			if len(fes) != 1 {
				t.Fatalf("err = %v, want one *FileError", err)
			}
			fe := fes[0]
			if fe.Path != "b.yaml" || fe.Key != tt.key || fe.Line != tt.line {
				t.Errorf("the error is at %s:%d %s, want b.yaml:%d %s", fe.Path, fe.Line, fe.Key, tt.line, tt.key)
			}
			var re *render.Error
			if !errors.Is(err, render.ErrUndefined) || !errors.As(err, &re) || re.Name != tt.names {
				t.Errorf("err = %v, want render.ErrUndefined naming %s", err, tt.names)
			}
			if !strings.HasPrefix(err.Error(), "b.yaml:") || !strings.Contains(err.Error(), tt.names) {
				t.Errorf("the message %q does not start with the file or name %s", err, tt.names)
			}
			assertNoLeak(t, "typo error", err.Error(), "tok-value-1234")
		})
	}
}

// What is written right loads: existing names, the task's own steps (with
// hyphens as underscores), optional reads, the template's own names, and
// step outputs in actions (whose task is not known there).
func TestNoTypoLoads(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`secrets:
  API_TOKEN: tok-value-1234
connections:
  main-db:
    url: "postgres://db"
actions:
  deploy:
    cmd: >-
      deploy {{ secret.API_TOKEN }} {{ secret.MISSING | default(value='none') }}
      {% if secret.OTHER is defined %}{{ secret.OTHER }}{% endif %}
      {% for t in input.tags %}{{ t }}{{ loop.index }}{% endfor %}
      {% set s = secret.API_TOKEN %}{{ s }} {{ any_step.output.x }}
    env:
      URL: "{{ connections['main-db'].url }}"
tasks:
  release:
    flow:
      build-image: {action: build}
      deploy:
        action: deploy
        input:
          tag: "{{ build_image.output.tag }} {{ input.env }} {{ each.item | default(value='') }}"
    on_error:
      - action: notify
        input:
          msg: "{{ hook.error_message }} {{ deploy.output.url }}"
`)}}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ws.RenderStep(t.Context(), "{{ connections['main-db'].url }}", loader.StepVars{})
	if err != nil || out != "postgres://db" {
		t.Errorf("connections.NAME renders %v, %v; want the connection's url", out, err)
	}
}
