// Command workspace compares, in one run, hushflow's whole path with the
// approach it replaces:
//
//   - hushflow: loader.LoadDir of a generated workspace (50 files, 10 of them
//     sops-encrypted, a secrets: section of 100 ref+file:// references),
//     then rendering 100 steps, each with secret.* references and one inline
//     | vals reference;
//   - the replaced engine: `sops -d` once per encrypted file and one `vals
//     get` process per reference, for the secrets: section and for each
//     inline use. Only the processes are timed, not its template rendering,
//     so the baseline is a lower bound of its cost.
//
// bench/workspace/run.sh installs the sops and vals programs and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/hushflow/hushflow/internal/benchws"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
)

// config is one run's sizes and baseline programs. The smoke test
// (smoke_test.go) runs it tiny and without the baseline programs.
type config struct {
	sopsBin, valsBin string // the baseline; both empty: hushflow's side only
	runs             int    // timed runs of each side, after a warm-up
	files, encrypted int    // workspace files, and how many are sops files
	refs, steps      int    // references in secrets:, steps rendered
}

func main() {
	cfg := config{files: 50, encrypted: 10, refs: 100, steps: 100}
	flag.StringVar(&cfg.sopsBin, "sops", "", "path to the sops program")
	flag.StringVar(&cfg.valsBin, "vals", "", "path to the vals program")
	flag.IntVar(&cfg.runs, "runs", 5, "timed runs of each side")
	flag.Parse()
	if cfg.sopsBin == "" || cfg.valsBin == "" {
		fmt.Fprintln(os.Stderr, "bench/workspace: -sops and -vals are required (bench/workspace/run.sh installs them)")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/workspace:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, cfg config) error {
	refs, steps := cfg.refs, cfg.steps
	dir, err := os.MkdirTemp("", "hushflow-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store := filepath.Join(dir, "store")
	if err := os.Mkdir(store, 0o700); err != nil {
		return err
	}
	refFile := func(i int) string { return filepath.Join(store, fmt.Sprintf("s%03d.yaml", i)) }
	for i := range refs + steps {
		if err := os.WriteFile(refFile(i), []byte(fmt.Sprintf("db:\n  password: bench-secret-%03d\n", i)), 0o600); err != nil {
			return err
		}
	}
	refFor := func(i int) string { return "file://" + refFile(i) + "#/db/password" }
	ws, err := benchws.Generate(benchws.Spec{Files: cfg.files - 1, Encrypted: cfg.encrypted, Refs: refs, RefFor: refFor})
	if err != nil {
		return err
	}
	disk, err := ws.Install(dir)
	if err != nil {
		return err
	}
	root, keyFile, encrypted := disk.Root, disk.KeyFile, disk.Encrypted
	stepTemplate := func(i int) map[string]any {
		return map[string]any{
			"cmd": "deploy --env {{ input.env }} --token {{ secret.REF_000 }} --db {{ secret.SECRET_00_00 }}",
			"env": map[string]any{
				"INLINE": fmt.Sprintf("{{ 'ref+%s' | vals }}", refFor(refs+i)),
				"REGION": "eu-north-1",
			},
		}
	}

	inProcess, err := benchws.Median(cfg.runs, func() error {
		// A fresh load each run: a cold cache, as at an engine's start.
		// The references name absolute paths, as the baseline's vals reads
		// them; the loader confines ref+file:// to the workspace unless
		// the engine names such a directory.
		w, err := loader.LoadDir(ctx, root, loader.WithAgeIdentities(ws.Identity),
			loader.WithResolverOptions(secrets.WithAbsoluteDirs(store)))
		if err != nil {
			return err
		}
		if len(w.Files()) != cfg.files || len(w.Secrets()) != cfg.encrypted*10+refs {
			return fmt.Errorf("loaded %d files, %d secrets", len(w.Files()), len(w.Secrets()))
		}
		for i := range steps {
			if _, err := w.RenderStep(ctx, stepTemplate(i), loader.StepVars{Input: map[string]any{"env": "prod"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("hushflow: %w", err)
	}
	fmt.Fprintf(out, "workspace: %d files (%d encrypted), %d references in secrets:, %d steps with one inline reference each; %d runs, median\n",
		cfg.files, len(encrypted), refs, steps, cfg.runs)
	fmt.Fprintf(out, "hushflow (LoadDir + %d RenderStep, in process):        %9.1f ms\n", steps, ms(inProcess))
	if cfg.sopsBin == "" && cfg.valsBin == "" {
		fmt.Fprintln(out, "baseline: not run (no -sops, -vals)")
		return nil
	}
	baseline, err := benchws.Median(cfg.runs, func() error {
		env := append(os.Environ(), "SOPS_AGE_KEY_FILE="+keyFile)
		for _, f := range encrypted {
			if err := runQuiet(ctx, env, cfg.sopsBin, "-d", f); err != nil {
				return err
			}
		}
		for i := range refs + steps {
			if err := runQuiet(ctx, env, cfg.valsBin, "get", "-s", "ref+"+refFor(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	fmt.Fprintf(out, "sops -d ×%d + vals get ×%d (processes only):          %9.1f ms\n", len(encrypted), refs+steps, ms(baseline))
	fmt.Fprintf(out, "ratio: hushflow is %.0fx faster\n", float64(baseline)/float64(inProcess))
	return nil
}

func runQuiet(ctx context.Context, env []string, bin string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %.200s", filepath.Base(bin), args[0], err, out)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
