package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/loader"
)

func TestQuickstart(t *testing.T) {
	t.Parallel()
	const dir, keyFile = "../../testdata/workspace", "../../testdata/demo-age-key.txt"
	var out bytes.Buffer
	if err := run(t.Context(), &out, dir, keyFile); err != nil {
		t.Fatalf("run: %v", err)
	}
	got := out.String()
	for _, want := range []string{"secrets.sops.yaml  (sops, decrypted in process)", "DB_PASSWORD: " + loader.Mask, "REGION_unencrypted: eu-north-1"} {
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
	secrets := ws.SecretValues()
	if len(secrets) == 0 {
		t.Fatal("the demo workspace has no secret: the leak check would prove nothing")
	}
	for i, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("output leaks secret #%d", i)
		}
	}
	if strings.Contains(got, "quickstart never prints") {
		t.Error("output leaks an encrypted comment")
	}
}
