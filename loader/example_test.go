package loader_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
)

// A workspace's secrets: section resolves at load; a step renders when a
// worker claims it; the redactor masks whatever was resolved.
func ExampleWorkspace_RenderStep() {
	fsys := fstest.MapFS{
		"workflows.yaml": {Data: []byte(`
secrets:
  API_TOKEN: "{{ 'ref+echo://tok_live_example' | vals }}"
actions:
  deploy:
    cmd: "deploy --env {{ input.env }} --token {{ secret.API_TOKEN }} --after {{ build_image.output.tag }}"
`)},
	}
	ctx := context.Background()
	ws, err := loader.Load(ctx, fsys) // echo is one of vals' offline backends
	if err != nil {
		fmt.Println(err)
		return
	}
	var wf struct {
		Actions map[string]struct {
			Cmd string `yaml:"cmd"`
		} `yaml:"actions"`
	}
	if err := ws.Decode(&wf); err != nil {
		fmt.Println(err)
		return
	}
	cmd, err := ws.RenderStep(ctx, wf.Actions["deploy"].Cmd, loader.StepVars{
		Input:   map[string]any{"env": "prod"},
		Outputs: map[string]any{"build-image": map[string]any{"tag": "v42"}}, // build-image → build_image
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("the worker runs:", cmd)
	fmt.Println("the API shows:  ", ws.Redactor().String(cmd.(string)))
	// Output:
	// the worker runs: deploy --env prod --token tok_live_example --after v42
	// the API shows:   deploy --env prod --token •••••• --after v42
}

// A Reloader serves the last good workspace while files change.
func ExampleReloader() {
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("version: 1\n")}}
	ctx := context.Background()
	r, err := loader.NewReloader(ctx, fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	version := func() int {
		var v struct{ Version int }
		_ = r.Workspace().Decode(&v)
		return v.Version
	}
	fsys["a.yaml"] = &fstest.MapFile{Data: []byte("version: [broken\n")}
	fmt.Println("broken edit:", r.Reload(ctx) != nil, "- still serving version", version())
	fsys["a.yaml"] = &fstest.MapFile{Data: []byte("version: 2\n")}
	fmt.Println("valid edit:", r.Reload(ctx) == nil, "- now serving version", version())
	// Output:
	// broken edit: true - still serving version 1
	// valid edit: true - now serving version 2
}

// A failed load, printed two ways. For people (an API, a job's log) the
// redactor masks everything secret, references included: a reference
// tells where the secrets are kept. For an operator, each *FileError
// names the file, line and key, and its Ref field holds the failing
// reference in the clear (without query or userinfo); the message is still
// masked, so no value can reach the operator's log either.
func ExampleFileErrors() {
	fsys := fstest.MapFS{
		"workflows.yaml": {Data: []byte(`
secrets:
  API_TOKEN: "{{ 'ref+file://secrets/api.yaml#/token' | vals }}"
  DB_PASSWORD: ref+file://secrets/db.yaml?mode=ro#/password
`)},
		"secrets/api.yaml": {Data: []byte("token: tok_live_example\n")},
	}
	red, err := redact.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = loader.Load(context.Background(), fsys, loader.WithRedactor(red))
	for _, fe := range loader.FileErrors(err) {
		fmt.Println("people:  ", red.String(fe.Error()))
		fmt.Printf("operator: %s:%d %s %s\n", fe.Path, fe.Line, fe.Key, fe.Ref)
	}
	// Output:
	// people:   workflows.yaml:4: secrets.DB_PASSWORD: secrets: •••••• secret not found: no such file
	// operator: workflows.yaml:4 secrets.DB_PASSWORD ref+file://secrets/db.yaml#/password
}

// A worker claims the step deploy of task release: its input renders with
// the job's input and the outputs of earlier steps, then the action's
// fields render with that input as input.*.
func ExampleWorkspace_RenderClaim() {
	fsys := fstest.MapFS{"workflows.yaml": {Data: []byte(`
secrets:
  API_TOKEN: "{{ 'ref+echo://tok_live_example' | vals }}"
actions:
  deploy:
    cmd: "deploy {{ input.image }} --token {{ secret.API_TOKEN }}"
tasks:
  release:
    flow:
      build: {action: build}
      deploy:
        action: deploy
        depends_on: [build]
        input:
          image: "app:{{ input.version }}-{{ build.output.sha }}"
`)}}
	ctx := context.Background()
	ws, err := loader.Load(ctx, fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	var wf struct {
		Actions map[string]map[string]any `yaml:"actions"`
		Tasks   map[string]struct {
			Flow map[string]struct {
				Action string         `yaml:"action"`
				Input  map[string]any `yaml:"input"`
			} `yaml:"flow"`
		} `yaml:"tasks"`
	}
	if err := ws.Decode(&wf); err != nil {
		fmt.Println(err)
		return
	}
	step := wf.Tasks["release"].Flow["deploy"]
	input, action, err := ws.RenderClaim(ctx, step.Input, wf.Actions[step.Action], loader.StepVars{
		Input:   map[string]any{"version": "1.4"},
		Outputs: map[string]any{"build": map[string]any{"sha": "abc123"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("input.image:", input["image"])
	fmt.Println("the API shows:", ws.Redactor().String(action.(map[string]any)["cmd"].(string)))
	// Output:
	// input.image: app:1.4-abc123
	// the API shows: deploy app:1.4-abc123 --token ••••••
}
