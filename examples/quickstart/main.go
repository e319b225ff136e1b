// Command quickstart loads the demo workspace in testdata/workspace, decrypting
// its sops file in process with the demo age key, and prints what was loaded
// with every value that was encrypted at rest masked.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hushflow/hushflow/loader"
)

func main() {
	dir := flag.String("dir", "testdata/workspace", "workspace directory")
	keyFile := flag.String("age-key", "testdata/demo-age-key.txt", "age identity file (the demo key)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dir, *keyFile); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, dir, keyFile string) error {
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	ws, err := loader.LoadDir(ctx, dir, loader.WithAgeIdentities(string(key)))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Loaded %s:\n", dir)
	for _, f := range ws.Files() {
		mark := ""
		if f.Encrypted {
			mark = "  (sops, decrypted in process)"
		}
		fmt.Fprintf(out, "  %s%s\n", f.Path, mark)
	}
	doc, err := ws.MaskedYAML()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nMerged workspace, values encrypted at rest masked:\n\n%s", doc)
	return nil
}
