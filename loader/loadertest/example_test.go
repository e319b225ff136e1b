package loadertest_test

import (
	"context"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/loader/loadertest"
)

// An engine's unit test: a workspace in memory with a sops file encrypted
// to a key made for the test, loaded with that key as the only key, a step
// rendered as a worker would, and the job record masked as the API would
// return it. In a test, each fmt.Println below is a t.Errorf check.
func Example() {
	ctx := context.Background()
	identity, recipient := loadertest.NewAgeIdentity()
	fsys, err := loadertest.Workspace(map[string]string{
		// Encrypted on the way in, except what encrypted_regex leaves out.
		".workflows/secrets.sops.yaml": "secrets:\n  DB_PASSWORD: example-pw-4711\n  DB_HOST: db.internal\n",
		".workflows/actions.yaml":      "actions:\n  migrate:\n    cmd: migrate --dsn postgres://app:{{ secret.DB_PASSWORD }}@{{ secret.DB_HOST }}/{{ input.db }}\n",
	}, loadertest.Rules{EncryptedRegex: "PASSWORD$"}, recipient)
	if err != nil {
		fmt.Println(err)
		return
	}

	ws, err := loader.Load(ctx, fsys, loader.WithAgeIdentities(identity))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range ws.Files() {
		fmt.Println("loaded", f.Path, "encrypted:", f.Encrypted)
	}
	var wf struct {
		Actions map[string]struct{ Cmd string }
	}
	if err := ws.Decode(&wf); err != nil {
		fmt.Println(err)
		return
	}
	cmd, err := ws.RenderStep(ctx, wf.Actions["migrate"].Cmd, loader.StepVars{Input: map[string]any{"db": "orders"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("worker runs:", cmd)
	fmt.Println("API shows:  ", ws.Redactor().String(cmd.(string)))
	// Output:
	// loaded .workflows/actions.yaml encrypted: false
	// loaded .workflows/secrets.sops.yaml encrypted: true
	// worker runs: migrate --dsn postgres://app:example-pw-4711@db.internal/orders
	// API shows:   migrate --dsn postgres://app:••••••@db.internal/orders
}

// EncryptYAML writes one sops file, for a test that builds its fstest.MapFS
// itself or writes the file to a directory for loader.LoadDir.
func ExampleEncryptYAML() {
	_, recipient := loadertest.NewAgeIdentity()
	enc, err := loadertest.EncryptYAML([]byte("api_token: example-token\nregion_unencrypted: eu-north-1\n"),
		loadertest.Rules{}, recipient)
	if err != nil {
		fmt.Println(err)
		return
	}
	var file struct {
		APIToken  string `yaml:"api_token"`
		Region    string `yaml:"region_unencrypted"`
		SopsOwner struct {
			Age []struct{ Recipient string }
		} `yaml:"sops"`
	}
	if err := yaml.Unmarshal(enc, &file); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("api_token:", file.APIToken[:10]+"…")
	fmt.Println("region_unencrypted:", file.Region)
	fmt.Println("encrypted to the recipient:", file.SopsOwner.Age[0].Recipient == recipient)
	// Output:
	// api_token: ENC[AES256…
	// region_unencrypted: eu-north-1
	// encrypted to the recipient: true
}
