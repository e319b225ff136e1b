package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
)

// TestQuickstart runs the quickstart as the README says (from the repository
// root), checks that no secret reaches its output, and that the README shows
// the output as it is.
func TestQuickstart(t *testing.T) {
	// Not parallel: it changes the working directory and the environment.
	t.Chdir("../..")
	t.Setenv(demoUserEnv, "app_migrator")
	const dir, keyFile = "testdata/workspace", "testdata/demo-age-key.txt"
	var out bytes.Buffer
	if err := run(t.Context(), &out, dir, keyFile, "release", map[string]any{"version": "1.4.2", "env": "production"}); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, want := range []string{
		"secrets.sops.yaml  (sops, decrypted in process)",
		"postgres://" + redact.Mask + ":" + redact.Mask + "@db.internal/app",
		`"signing_key": "` + redact.Mask + `"`,
		`"REGION": "eu-north-1"`,
		"--token " + redact.Mask + " && echo done > deploy.log",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}

	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := loader.LoadDir(t.Context(), dir, loader.WithAgeIdentities(string(key)))
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(ws.EncryptedValues(), "tok_demo_7f3a9c2e51", "sk_demo_b81d44e0c9", "app_migrator", "stable-channel")
	if len(ws.EncryptedValues()) == 0 {
		t.Fatal("the demo workspace has no encrypted value: the leak check would prove little")
	}
	for i, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("output leaks secret #%d", i)
		}
	}
	if strings.Contains(got, "ref+") {
		t.Error("output shows a reference")
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), got) {
		t.Errorf("README.md does not show the quickstart's output as it is; it is:\n%s", got)
	}
}
