// Command wfctl is the small command-line program another CLI would wrap:
//
//	wfctl validate DIR                 every problem of a workspace, with file and key
//	wfctl show DIR                     the merged workspace, values encrypted at rest masked
//	wfctl render DIR TASK [key=value…] each step of TASK rendered for that input, masked
//
// Keys come from the environment as sops reads them (SOPS_AGE_KEY_FILE, …),
// or from -age-key FILE. For example, from the repository root:
//
//	go run ./examples/wfctl -age-key testdata/demo-age-key.txt -output migrate.schema_version=v42 \
//	    render testdata/workspace release version=1.4.2
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hushflow/hushflow/examples/internal/job"
	"github.com/hushflow/hushflow/loader"
)

// errProblems says validate found problems; they are already printed.
var errProblems = errors.New("the workspace has problems")

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("wfctl", flag.ContinueOnError)
	flags.SetOutput(stderr)
	keyFile := flags.String("age-key", "", "age identity file (default: the keys sops finds in the environment)")
	outputs := map[string]map[string]any{}
	flags.Func("output", "STEP.KEY=VALUE: pretend STEP printed this output (repeatable), for render", func(s string) error {
		path, value, ok := strings.Cut(s, "=")
		step, key, ok2 := strings.Cut(path, ".")
		if !ok || !ok2 {
			return fmt.Errorf("%q is not STEP.KEY=VALUE", s)
		}
		if outputs[step] == nil {
			outputs[step] = map[string]any{}
		}
		outputs[step][key] = value
		return nil
	})
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: wfctl [-age-key FILE] [-output STEP.KEY=VALUE…] validate DIR | show DIR | render DIR TASK [key=value…]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	args = flags.Args()
	if len(args) < 2 || (args[0] == "render" && len(args) < 3) {
		flags.Usage()
		return 2
	}
	var opts []loader.Option
	if *keyFile != "" {
		key, err := os.ReadFile(*keyFile)
		if err != nil {
			fmt.Fprintln(stderr, "wfctl:", err)
			return 1
		}
		opts = append(opts, loader.WithAgeIdentities(string(key)))
	}
	var err error
	switch cmd, dir := args[0], args[1]; cmd {
	case "validate":
		err = validate(ctx, stdout, dir, opts)
	case "show":
		err = show(ctx, stdout, dir, opts)
	case "render":
		err = render(ctx, stdout, dir, args[2], args[3:], outputs, opts)
	default:
		flags.Usage()
		return 2
	}
	switch {
	case errors.Is(err, errProblems):
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "wfctl:", err)
		return 1
	}
	return 0
}

// validate prints every problem, one a line, each naming its file, line
// and key.
func validate(ctx context.Context, out io.Writer, dir string, opts []loader.Option) error {
	ws, err := loader.LoadDir(ctx, dir, opts...)
	if err != nil {
		fes := loader.FileErrors(err)
		if len(fes) == 0 {
			fmt.Fprintln(out, err) // a workspace-wide problem: no file to name
		}
		for _, fe := range fes {
			fmt.Fprintln(out, fe)
		}
		return errProblems
	}
	n := 0
	for _, f := range ws.Files() {
		if f.Encrypted {
			n++
		}
	}
	fmt.Fprintf(out, "ok: %d files (%d decrypted), %d secrets resolved\n", len(ws.Files()), n, len(ws.Secrets()))
	return nil
}

func show(ctx context.Context, out io.Writer, dir string, opts []loader.Option) error {
	ws, err := loader.LoadDir(ctx, dir, opts...)
	if err != nil {
		return err
	}
	doc, err := ws.MaskedYAML()
	if err != nil {
		return err
	}
	_, err = out.Write(doc)
	return err
}

func render(ctx context.Context, out io.Writer, dir, task string, kvs []string, outputs map[string]map[string]any, opts []loader.Option) error {
	input := map[string]any{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("%q is not key=value", kv)
		}
		input[k] = v
	}
	ws, err := loader.LoadDir(ctx, dir, opts...)
	if err != nil {
		return err
	}
	rec, err := job.DryRun(ctx, ws, task, input, func(step string) map[string]any { return outputs[step] })
	if err != nil {
		return err
	}
	masked, err := json.MarshalIndent(ws.Redactor().Value(rec), "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n", masked)
	return nil
}
