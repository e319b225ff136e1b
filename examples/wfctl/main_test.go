package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWfctl(t *testing.T) {
	// Not parallel: the commands name the demo as the README does, from the
	// repository root.
	t.Chdir("../..")
	t.Setenv("HUSHFLOW_DEMO_DB_USER", "app_migrator")
	broken := t.TempDir()
	for name, data := range map[string]string{
		"a.yaml":      "actions:\n  deploy: {type: shell}\n",
		"b.yaml":      "actions:\n  deploy: {type: http}\n",
		"c.yaml":      "tasks: [\n",
		"s.sops.yaml": "secrets: {A: not-encrypted}\n",
		"d.yaml":      "tasks:\n  t:\n    flow:\n      s:\n        input:\n          x: \"{{ input.x | nosuchfilter }}\"\n",
	} {
		if err := os.WriteFile(filepath.Join(broken, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Typos in names the workspace knows fail validate with file, line and
	// key, instead of failing a worker when it claims the step.
	typos := t.TempDir()
	if err := os.WriteFile(filepath.Join(typos, "a.yaml"), []byte(`secrets:
  API_TOKEN: tok-typo-value
actions:
  deploy:
    cmd: "deploy --token {{ secret.API_TOKNE }}"
tasks:
  release:
    flow:
      build: {action: build}
      deploy:
        action: deploy
        input:
          tag: "{{ buidl.output.tag }}"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	key := []string{"-age-key", "testdata/demo-age-key.txt"}
	tests := []struct {
		name     string
		args     []string
		code     int
		want     []string
		dontWant []string
	}{
		{"validate ok", append(key, "validate", "testdata/workspace"), 0, []string{"ok: 4 files (1 decrypted), 6 secrets resolved"}, nil},
		{"validate problems", []string{"validate", broken}, 1, []string{
			"b.yaml:2: actions.deploy: defined twice: first defined in a.yaml",
			"c.yaml:1: invalid YAML",
			"d.yaml:6: tasks.t.flow.s.input.x: render: line 1",
			"s.sops.yaml: cannot decrypt: sops file is not encrypted",
		}, nil},
		{"validate typos", []string{"validate", typos}, 1, []string{
			"a.yaml:5: actions.deploy.cmd: render: line 1, column 19: undefined variable secret.API_TOKNE: secrets: has no entry API_TOKNE",
			"a.yaml:13: tasks.release.flow.deploy.input.tag: render: line 1, column 4: undefined variable buidl.output.tag: task release has no step buidl",
		}, []string{"tok-typo-value"}},
		{"show", append(key, "show", "testdata/workspace"), 0, []string{"DB_PASSWORD: ••••••", "REGION_unencrypted: eu-north-1"}, []string{"correct-horse"}},
		{"render", append(key, "-output", "migrate.schema_version=v42", "render", "testdata/workspace", "release", "version=9.9.9"), 0, []string{`"version": "9.9.9"`, "--token ••••••", `"env": "staging"`}, []string{"tok_demo", "sk_demo", "correct-horse"}},
		{"no key", []string{"render", "testdata/workspace", "release"}, 1, nil, nil},
		{"render without the output a step needs", append(key, "render", "testdata/workspace", "release"), 1, nil, nil},
		{"usage", []string{"render", "testdata/workspace"}, 2, nil, nil},
		{"validate an empty workspace", []string{"validate", t.TempDir()}, 1, []string{"no workflow files"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "no key" {
				t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "none"))
				t.Setenv("XDG_CONFIG_HOME", t.TempDir())
			}
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for i, s := range tt.dontWant {
				if strings.Contains(stdout.String()+stderr.String(), s) {
					t.Errorf("output leaks secret #%d", i)
				}
			}
		})
	}
}
