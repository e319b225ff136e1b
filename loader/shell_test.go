package loader_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/render"
)

// shellWorkspace has a shell action that prints its argument and one that
// reads a secret file, as the README's scenario (issue 19) did.
const shellWorkspace = `secrets:
  API: api-token-value-1234
actions:
  show:
    type: shell
    cmd: "printf '%s' {{ input.msg }} > out"
  script:
    script: |
      echo start
      printf '%s' "{{ input.msg }}" > out
  http:
    type: http
    cmd: "{{ input.msg }}"
tasks:
  t:
    flow:
      s: {action: show, input: {msg: "{{ input.msg }}"}}
`

// runIn runs cmd with sh in a new temporary directory holding
// secrets/api.yaml, and returns ./out, what the command printed, and the
// files the run made besides out.
func runIn(t *testing.T, sh, cmd string) (out, stdout string, made []string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secrets", "api.yaml"), []byte("token: api-token-value-1234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, sh, "-c", cmd)
	c.Dir = dir
	var so bytes.Buffer
	c.Stdout = &so
	if err := c.Run(); err != nil {
		t.Fatalf("%s -c: %v", sh, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out"))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "out" && n != "secrets" {
			made = append(made, n)
		}
	}
	return string(b), so.String(), made
}

// A job input in a shell action's cmd: reaches the program as one
// argument, through RenderStep and RenderClaim, and runs nothing: the
// README's scenario no longer prints the token reversed.
func TestRenderStepQuotesShellCommands(t *testing.T) {
	t.Parallel()
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(shellWorkspace)}})
	if err != nil {
		t.Fatal(err)
	}
	shells := []string{}
	for _, s := range []string{"sh", "bash", "dash"} {
		if p, err := exec.LookPath(s); err == nil {
			shells = append(shells, p)
		}
	}
	if len(shells) == 0 {
		t.Skip("no POSIX shell installed: the commands cannot be run")
	}
	payloads := []string{
		"x; cat secrets/api.yaml | rev",
		"$(touch pwned)", "`touch pwned`", "a'b\"c", "x\ntouch pwned", "*", "-rf", "", "\xff\xfe",
		strings.Repeat(`'"`, 1<<19),
	}
	for _, p := range payloads {
		vars := loader.StepVars{Input: map[string]any{"msg": p}}
		_, action, err := ws.RenderClaim(t.Context(), map[string]any{"msg": "{{ input.msg }}"},
			map[string]any{"cmd": "printf '%s' {{ input.msg }} > out", "env": map[string]any{"M": "{{ input.msg }}"}}, vars)
		if err != nil {
			t.Fatalf("RenderClaim: %v", err)
		}
		a := action.(map[string]any)
		if env := a["env"].(map[string]any)["M"]; env != p {
			t.Errorf("env: (not a shell command) is quoted: %.40q", env)
		}
		script, err := ws.RenderStep(t.Context(), "echo start\nprintf '%s' \"{{ input.msg }}\" > out\n", vars)
		if err != nil {
			t.Fatalf("RenderStep(script): %v", err)
		}
		for _, cmd := range []string{a["cmd"].(string), script.(string)} {
			if len(cmd) > 100_000 && strings.Contains(cmd, "\n") {
				continue // passed through exec's argument: the 1 MB value runs in the render package's tests
			}
			for _, sh := range shells {
				if len(cmd) > 100_000 {
					continue // over exec's 128 KiB limit on one argument (sh -c)
				}
				out, stdout, made := runIn(t, sh, cmd)
				if out != p || len(made) > 0 || strings.Contains(stdout, "4321") {
					t.Errorf("%s: payload %.40q: the program received %.40q, made %v, printed %.40q", filepath.Base(sh), p, out, made, stdout)
				}
			}
		}
	}
	// Not a shell action, or not its command: rendered as text.
	v, err := ws.RenderStep(t.Context(), "{{ input.msg }} plain", loader.StepVars{Input: map[string]any{"msg": "a; b"}})
	if err != nil || v != "a; b plain" {
		t.Errorf("a template outside shell commands: %q, %v", v, err)
	}
}

// A value where no value can stand fails the load with the file, key path
// and line; one that only some values make unsafe fails when the step
// renders, with ErrUntrusted naming the variable, never the value.
func TestShellRefusals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, cmd string
		key       string
		line      int
	}{
		{"command position", `"{{ input.x }} --flag"`, "actions.a.cmd", 3},
		{"eval", `"eval {{ input.x }}"`, "actions.a.cmd", 3},
		{"sh -c", `"sh -c {{ input.x }}"`, "actions.a.cmd", 3},
		{"inside $(…)", `"echo $(cat {{ input.x }})"`, "actions.a.cmd", 3},
		{"second line of a script", "|\n      echo ok\n      eval {{ input.x }}", "actions.a.cmd", 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			doc := "actions:\n  a:\n    cmd: " + c.cmd + "\n"
			_, err := loader.Load(t.Context(), fstest.MapFS{"w.yaml": {Data: []byte(doc)}})
			var fe *loader.FileError
			if !errors.As(err, &fe) || fe.Path != "w.yaml" || fe.Key != c.key || fe.Line != c.line {
				t.Fatalf("Load: err = %v, want a FileError at w.yaml %s line %d", err, c.key, c.line)
			}
			var re *render.Error
			if !errors.Is(err, render.ErrUntrusted) || !errors.Is(err, render.ErrShellUnsafe) || !errors.As(err, &re) || re.Name != "input.x" {
				t.Errorf("Load: err = %v, want ErrUntrusted naming input.x", err)
			}
			// The opt-out loads it.
			if _, err := loader.Load(t.Context(), fstest.MapFS{"w.yaml": {Data: []byte(doc)}}, loader.WithShellQuoting(false)); err != nil {
				t.Fatalf("Load with WithShellQuoting(false): %v", err)
			}
		})
	}

	// A refusal only the value decides (a line of a here-document equal to
	// its delimiter) fails at render time, naming the variable.
	doc := "actions:\n  a:\n    type: shell\n    cmd: \"cat <<EOF\\n{{ input.x }}\\nEOF\"\n"
	ws, err := loader.Load(t.Context(), fstest.MapFS{"w.yaml": {Data: []byte(doc)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.RenderStep(t.Context(), "cat <<EOF\n{{ input.x }}\nEOF", loader.StepVars{Input: map[string]any{"x": "EOF\nrm -rf secret-dir"}})
	var fe *loader.FileError
	var re *render.Error
	if !errors.As(err, &fe) || fe.Key != "actions.a.cmd" || !errors.Is(err, render.ErrUntrusted) || !errors.As(err, &re) || re.Name != "input.x" || re.Line != 2 {
		t.Errorf("RenderStep: err = %v, want ErrUntrusted at actions.a.cmd naming input.x on line 2", err)
	}
	if strings.Contains(err.Error(), "secret-dir") {
		t.Errorf("the error quotes the value: %v", err)
	}
}

// With WithShellQuoting(false) a shell action's cmd: renders as plain text.
func TestWithShellQuotingOff(t *testing.T) {
	t.Parallel()
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(shellWorkspace)}}, loader.WithShellQuoting(false))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ws.RenderStep(t.Context(), "printf '%s' {{ input.msg }} > out", loader.StepVars{Input: map[string]any{"msg": "a; b"}})
	if err != nil || got != "printf '%s' a; b > out" {
		t.Errorf("RenderStep = %q, %v; want plain substitution", got, err)
	}
}

// A template text that stands in a shell command and elsewhere renders in
// the stricter context everywhere; an action of another type is not a
// shell command.
func TestShellContextByText(t *testing.T) {
	t.Parallel()
	doc := shellWorkspace + `      u: {action: show, input: {note: "printf '%s' {{ input.msg }} > out"}}
`
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(doc)}})
	if err != nil {
		t.Fatal(err)
	}
	vars := loader.StepVars{Input: map[string]any{"msg": "a; b"}}
	got, err := ws.RenderStep(t.Context(), map[string]any{"note": "printf '%s' {{ input.msg }} > out"}, vars)
	if err != nil || got.(map[string]any)["note"] != "printf '%s' 'a; b' > out" {
		t.Errorf("the text shared with a shell command: %v, %v", got, err)
	}
	got, err = ws.RenderStep(t.Context(), "{{ input.msg }}", vars) // the http action's cmd
	if err != nil || got != "a; b" {
		t.Errorf("an http action's cmd: %q, %v; want plain text", got, err)
	}
}
