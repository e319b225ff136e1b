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
	"os"
	"strings"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

func main() {
	refsPath := flag.String("refs", "", "file with one reference per line")
	faults := flag.Bool("faults", false, "run the fault scenarios instead")
	flag.Parse()
	if *faults {
		runFaults()
		return
	}
	refs, err := readLines(*refsPath)
	if err != nil || len(refs) == 0 {
		fmt.Fprintln(os.Stderr, "secrets-bench: need -refs FILE with references:", err)
		os.Exit(2)
	}
	ctx := context.Background()

	resolveEach := func(r *secrets.Resolver) time.Duration {
		start := time.Now()
		for _, ref := range refs {
			if _, err := r.Resolve(ctx, ref); err != nil {
				fmt.Fprintln(os.Stderr, "secrets-bench:", err)
				os.Exit(1)
			}
		}
		return time.Since(start)
	}

	// Cold, one reference after the other, as the engine rendered them.
	start := time.Now()
	r, err := secrets.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "secrets-bench:", err)
		os.Exit(1)
	}
	resolveEach(r)
	cold := time.Since(start)
	warm := resolveEach(r)

	// Cold again, all references in one string: resolved concurrently.
	start = time.Now()
	r2, _ := secrets.New()
	if _, err := r2.Resolve(ctx, strings.Join(refs, " ")); err != nil {
		fmt.Fprintln(os.Stderr, "secrets-bench:", err)
		os.Exit(1)
	}
	coldOneString := time.Since(start)

	fmt.Printf("refs %d\n", len(refs))
	fmt.Printf("cold_ns %d\n", cold.Nanoseconds())
	fmt.Printf("warm_ns %d\n", warm.Nanoseconds())
	fmt.Printf("cold_one_string_ns %d\n", coldOneString.Nanoseconds())
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
