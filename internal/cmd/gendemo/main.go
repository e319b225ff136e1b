// Command gendemo encrypts the demo workspace's secrets file to the demo age
// key, with the project's own sops code (no sops program needed):
//
//	go run ./internal/cmd/gendemo
//
// It rewrites testdata/workspace/.workflows/secrets.sops.yaml. Run it from the
// repository root after changing the plaintext below.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// demoSecrets is the plaintext of the demo secrets file. It is public, like
// the demo key: the quickstart shows how these values stay masked.
const demoSecrets = `# Decrypted by the loader in process; the quickstart never prints these.
secrets:
  DB_PASSWORD: correct-horse-battery-staple
  SLACK_WEBHOOK: https://hooks.slack.example/services/T000DEMO/B000DEMO/xoxo-demo-webhook
  REGION_unencrypted: eu-north-1
`

func main() {
	if err := run("testdata/demo-age-key.txt", "testdata/workspace/.workflows/secrets.sops.yaml"); err != nil {
		fmt.Fprintln(os.Stderr, "gendemo:", err)
		os.Exit(1)
	}
}

func run(keyFile, out string) error {
	recipient, err := publicKey(keyFile)
	if err != nil {
		return err
	}
	enc, err := sopsenc.EncryptYAML([]byte(demoSecrets), sopsenc.Rules{}, recipient)
	if err != nil {
		return err
	}
	return os.WriteFile(out, enc, 0o644)
}

// publicKey reads the "# public key: age1…" line that age-keygen writes.
func publicKey(keyFile string) (string, error) {
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if r, ok := strings.CutPrefix(sc.Text(), "# public key: "); ok {
			return strings.TrimSpace(r), nil
		}
	}
	return "", fmt.Errorf("%s has no \"# public key:\" line", keyFile)
}
