// Command loader compares, in one run, loading a generated workspace (50
// files, 10 of them sops-encrypted) with loader.LoadDir against the approach
// it replaces: running `sops -d` once per encrypted file. bench/loader/run.sh
// installs the sops program and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/hushflow/hushflow/internal/benchws"
	"github.com/hushflow/hushflow/loader"
)

func main() {
	sopsBin := flag.String("sops", "", "path to the sops program (the baseline)")
	runs := flag.Int("runs", 10, "timed runs of each side")
	flag.Parse()
	if err := run(context.Background(), *sopsBin, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/loader:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sopsBin string, runs int) error {
	if sopsBin == "" {
		return fmt.Errorf("-sops is required")
	}
	ws, err := benchws.Generate(benchws.Spec{Files: 50, Encrypted: 10})
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hushflow-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	disk, err := ws.Install(dir)
	if err != nil {
		return err
	}
	root, keyFile, encrypted := disk.Root, disk.KeyFile, disk.Encrypted

	inProcess, err := benchws.Median(runs, func() error {
		w, err := loader.LoadDir(ctx, root, loader.WithAgeIdentities(ws.Identity))
		if err == nil && len(w.Files()) != 50 {
			err = fmt.Errorf("loaded %d files", len(w.Files()))
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("LoadDir: %w", err)
	}
	baseline, err := benchws.Median(runs, func() error {
		for _, f := range encrypted {
			cmd := exec.CommandContext(ctx, sopsBin, "-d", f)
			cmd.Env = append(os.Environ(), "SOPS_AGE_KEY_FILE="+keyFile)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("%s: %w: %s", filepath.Base(f), err, out)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sops -d: %w", err)
	}
	fmt.Printf("workspace: 50 files, %d encrypted; %d runs each, median\n", len(encrypted), runs)
	fmt.Printf("loader.LoadDir (in process, all 50 files):  %8.2f ms\n", ms(inProcess))
	fmt.Printf("sops -d once per encrypted file (%d procs): %8.2f ms\n", len(encrypted), ms(baseline))
	fmt.Printf("ratio: in process is %.1fx faster\n", float64(baseline)/float64(inProcess))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
