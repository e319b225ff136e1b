// Command quickstart runs the main job of hushflow on the demo workspace in
// testdata/workspace, with nothing to set up:
//
//  1. load the workspace, decrypting secrets.sops.yaml in process with the
//     demo age key;
//  2. resolve its secrets: section through vals' offline backends (file,
//     envsubst, echo);
//  3. render each step of the task "release" for a job input, as a worker
//     does when it claims a step (no command is run);
//  4. print the job record as an API would return it, masked.
//
// Run it from the repository root:
//
//	go run ./examples/quickstart [key=value ...]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hushflow/hushflow/examples/internal/job"
	"github.com/hushflow/hushflow/loader"
)

const demoUserEnv = "HUSHFLOW_DEMO_DB_USER"

func main() {
	dir := flag.String("dir", "testdata/workspace", "workspace directory")
	keyFile := flag.String("age-key", "testdata/demo-age-key.txt", "age identity file (the demo key)")
	task := flag.String("task", "release", "task to render")
	flag.Parse()
	input := map[string]any{"version": "1.4.2", "env": "production"}
	for _, kv := range flag.Args() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "quickstart: %q is not key=value\n", kv)
			os.Exit(2)
		}
		input[k] = v
	}
	// Stands in for a deployment's environment, which the demo's envsubst
	// reference reads (ref+envsubst://$HUSHFLOW_DEMO_DB_USER).
	if _, set := os.LookupEnv(demoUserEnv); !set {
		os.Setenv(demoUserEnv, "app_migrator")
	}
	if err := run(context.Background(), os.Stdout, *dir, *keyFile, *task, input); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, dir, keyFile, task string, input map[string]any) error {
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	ws, err := loader.LoadDir(ctx, dir, loader.WithAgeIdentities(string(key)))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "1. Loaded %s\n", dir)
	for _, f := range ws.Files() {
		mark := ""
		if f.Encrypted {
			mark = "  (sops, decrypted in process)"
		}
		fmt.Fprintf(out, "     %s%s\n", f.Path, mark)
	}

	red := ws.Redactor()
	fmt.Fprintf(out, "\n2. Resolved the secrets: section (as an API shows it)\n")
	secrets := ws.Secrets()
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		fmt.Fprintf(out, "     secret.%-18s = %v\n", name, red.Value(secrets[name]))
	}

	// The quickstart runs no command; it pretends migrate printed this.
	outputs := func(step string) map[string]any {
		if step == "migrate" {
			return map[string]any{"schema_version": "v42"}
		}
		return nil
	}
	rec, err := job.DryRun(ctx, ws, task, input, outputs)
	if err != nil {
		return err
	}
	// An engine stores the record as JSON; its API masks it on the way out.
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false) // commands hold && and >
	if err := enc.Encode(rec); err != nil {
		return err
	}
	masked, err := red.JSON(raw.Bytes())
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, masked, "", "  "); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n3. Rendered task %q for input %s\n", task, compactInput(input))
	fmt.Fprintf(out, "\n4. The job record, as GET /api/jobs/:id returns it:\n%s\n", pretty.String())
	return nil
}

func compactInput(input map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(input)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, input[k]))
	}
	return strings.Join(parts, " ")
}
