// Command secrets-bench times resolving references through secrets.Resolve,
// cold (a new Resolver: nothing cached) and warm (a second pass), for
// bench/secrets/run.sh, which compares it with running the vals program once
// per reference as the replaced engine did.
//
// It reads one reference per line from the file named by -refs and prints
// nanosecond totals, one "name value" pair a line. With -faults it instead
// runs the fault scenarios of faults.go against a fake backend (errors, a
// backend that hangs for good, one slower than the refresh interval) and
// prints what 64 workers saw and how soon a new reference resolved after
// the backend recovered.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

func main() {
	refsPath := flag.String("refs", "", "file with one reference per line")
	faults := flag.Bool("faults", false, "run the fault scenarios instead")
	flag.Parse()
	if *faults {
		if err := runFaults(os.Stdout, faultSettings{phase: 3 * time.Second, workers: 64, refs: 100}); err != nil {
			fmt.Fprintln(os.Stderr, "secrets-bench:", err)
			os.Exit(1)
		}
		return
	}
	refs, err := readLines(*refsPath)
	if err != nil || len(refs) == 0 {
		fmt.Fprintln(os.Stderr, "secrets-bench: need -refs FILE with references:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, refs); err != nil {
		fmt.Fprintln(os.Stderr, "secrets-bench:", err)
		os.Exit(1)
	}
}

// run resolves refs cold, warm, and cold in one string, and prints the
// nanosecond totals for run.sh.
func run(ctx context.Context, out io.Writer, refs []string) error {
	resolveEach := func(r *secrets.Resolver) (time.Duration, error) {
		start := time.Now()
		for _, ref := range refs {
			if _, err := r.Resolve(ctx, ref); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}

	// The references are absolute ref+file:// paths (run.sh writes them to
	// a temporary directory): name their directories, as an engine names
	// the host directories it lets references read.
	allow := secrets.WithAbsoluteDirs(fileDirs(refs)...)

	// Cold, one reference after the other, as the engine rendered them.
	start := time.Now()
	r, err := secrets.New(allow)
	if err != nil {
		return err
	}
	if _, err := resolveEach(r); err != nil {
		return err
	}
	cold := time.Since(start)
	warm, err := resolveEach(r)
	if err != nil {
		return err
	}

	// Cold again, all references in one string: resolved concurrently.
	start = time.Now()
	r2, err := secrets.New(allow)
	if err != nil {
		return err
	}
	if _, err := r2.Resolve(ctx, strings.Join(refs, " ")); err != nil {
		return err
	}
	coldOneString := time.Since(start)

	fmt.Fprintf(out, "refs %d\n", len(refs))
	fmt.Fprintf(out, "cold_ns %d\n", cold.Nanoseconds())
	fmt.Fprintf(out, "warm_ns %d\n", warm.Nanoseconds())
	fmt.Fprintf(out, "cold_one_string_ns %d\n", coldOneString.Nanoseconds())
	return nil
}

// fileDirs returns the directories of the absolute ref+file:// paths in refs.
func fileDirs(refs []string) []string {
	var dirs []string
	for _, ref := range refs {
		path, ok := strings.CutPrefix(ref, "ref+file://")
		if !ok || !filepath.IsAbs(path) {
			continue
		}
		path, _, _ = strings.Cut(path, "#")
		dirs = append(dirs, filepath.Dir(path))
	}
	return dirs
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}
