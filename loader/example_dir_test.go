package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/loader/loadertest"
)

// LoadDir reads a workspace directory and decrypts its sops files in
// process, with the age key handed in as a value: the only key tried, for
// the files and for ref+sops:// references. An engine reads its key from
// its own secret store; this example makes one, and encrypts the file as
// `sops --encrypt` would (see loader/loadertest).
func ExampleLoadDir_sopsFile() {
	dir, err := os.MkdirTemp("", "workspace-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	identity, recipient := loadertest.NewAgeIdentity()
	secretsFile, err := loadertest.EncryptYAML([]byte("secrets:\n  DB_PASSWORD: example-pw-1234\n  DB_USER_unencrypted: app\n"),
		loadertest.Rules{}, recipient)
	if err != nil {
		fmt.Println(err)
		return
	}
	files := map[string][]byte{
		".workflows/secrets.sops.yaml": secretsFile,
		".workflows/actions.yaml":      []byte("actions:\n  migrate:\n    cmd: migrate --user {{ secret.DB_USER_unencrypted }} --password {{ secret.DB_PASSWORD }}\n"),
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Join(dir, ".workflows"), 0o755); err != nil {
			fmt.Println(err)
			return
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			fmt.Println(err)
			return
		}
	}

	ctx := context.Background()
	ws, err := loader.LoadDir(ctx, dir, loader.WithAgeIdentities(identity))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range ws.Files() {
		fmt.Printf("%-28s encrypted: %v\n", f.Path, f.Encrypted)
	}
	masked, err := ws.MaskedYAML()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(masked))

	other, _ := loadertest.NewAgeIdentity()
	_, err = loader.LoadDir(ctx, dir, loader.WithAgeIdentities(other))
	fmt.Println("with another key:", errors.Is(err, loader.ErrNoKey))
	// Output:
	// .workflows/actions.yaml      encrypted: false
	// .workflows/secrets.sops.yaml encrypted: true
	// actions:
	//   migrate:
	//     cmd: migrate --user {{ secret.DB_USER_unencrypted }} --password {{ secret.DB_PASSWORD }}
	// secrets:
	//   DB_PASSWORD: ••••••
	//   DB_USER_unencrypted: app
	// with another key: true
}
