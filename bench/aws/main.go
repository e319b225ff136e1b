// Command aws compares, in one run and against one local AWS endpoint
// (moto_server, started by internal/moto), resolving N distinct SSM
// parameters cold through secrets.Resolver.Resolve in process with running
// the vals program once per reference, as the engine hushflow replaces did
// (`vals get REF` for every use). bench/aws/run.sh installs vals and runs
// it; see bench/README.md.
//
// Both sides see the same environment (moto.Vars: AWS_ENDPOINT_URL, dummy
// credentials, no IMDS) and the same SecureString parameters. "Cold" is a
// new Resolver for each run: nothing cached, every reference a backend call.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/hushflow/hushflow/internal/moto"
	"github.com/hushflow/hushflow/secrets"
)

func main() {
	valsBin := flag.String("vals", "", "path to the vals program (the baseline)")
	n := flag.Int("n", 100, "distinct SSM parameters")
	runs := flag.Int("runs", 3, "timed runs of each side, after one warm-up run")
	flag.Parse()
	if err := start(context.Background(), *valsBin, *n, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/aws:", err)
		os.Exit(1)
	}
}

// start starts moto_server, points this process's environment (and so the
// vals program's) at it, and runs the comparison.
func start(ctx context.Context, valsBin string, n, runs int) error {
	if valsBin == "" {
		return fmt.Errorf("-vals is required")
	}
	srv, err := moto.Start(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	for name, value := range moto.Vars(srv.URL) {
		if value == "" {
			os.Unsetenv(name)
		} else {
			os.Setenv(name, value)
		}
	}
	return run(ctx, os.Stdout, srv, valsBin, n, runs)
}

// run compares the sides against srv, whose endpoint the environment
// already names. Without valsBin (the smoke test) it leaves the vals side
// out.
func run(ctx context.Context, out io.Writer, srv *moto.Server, valsBin string, n, runs int) error {
	if n < 1 || runs < 1 {
		return fmt.Errorf("-n and -runs must be positive")
	}
	refs := make([]string, n)
	want := make([]string, n)
	for i := range n {
		name := fmt.Sprintf("/hushflow/bench/p%03d", i)
		refs[i], want[i] = "ref+awsssm://"+name, fmt.Sprintf("bench-value-%03d", i)
		if err := srv.PutParameter(ctx, name, want[i], true); err != nil {
			return err
		}
	}

	// One after another, each reference checked, as an engine renders steps.
	resolveCold := func() error {
		r, err := secrets.New()
		if err != nil {
			return err
		}
		for i, ref := range refs {
			v, err := r.Resolve(ctx, ref)
			if err != nil {
				return err
			}
			if v != want[i] {
				return fmt.Errorf("Resolve(%s) returned a wrong value", ref)
			}
		}
		return nil
	}
	// All references in one string: resolved concurrently.
	joined := strings.Join(refs, " ")
	wantJoined := strings.Join(want, " ")
	resolveColdOneString := func() error {
		r, err := secrets.New()
		if err != nil {
			return err
		}
		v, err := r.Resolve(ctx, joined)
		if err != nil {
			return err
		}
		if v != wantJoined {
			return errors.New("the resolve of all references returned a wrong value")
		}
		return nil
	}
	valsEach := func() error {
		for i, ref := range refs {
			var out, errOut bytes.Buffer
			cmd := exec.CommandContext(ctx, valsBin, "get", "-s", ref)
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("vals get %s: %v: %s", ref, err, strings.TrimSpace(errOut.String()))
			}
			if out.String() != want[i] {
				return fmt.Errorf("vals get %s returned a wrong value", ref)
			}
		}
		return nil
	}

	// The endpoint's own cost: one SDK client, one GetParameter a reference.
	client := ssm.NewFromConfig(srv.Config())
	sdkFloor := func() error {
		for i, ref := range refs {
			out, err := client.GetParameter(ctx, &ssm.GetParameterInput{
				Name: aws.String(strings.TrimPrefix(ref, "ref+awsssm://")), WithDecryption: aws.Bool(true)})
			if err != nil {
				return err
			}
			if aws.ToString(out.Parameter.Value) != want[i] {
				return fmt.Errorf("GetParameter returned a wrong value")
			}
		}
		return nil
	}

	fmt.Fprintf(out, "endpoint: moto_server at %s, %d SecureString parameters, %d runs after a warm-up\n", srv.URL, n, runs)
	sides := []struct {
		name string
		f    func() error
	}{
		{"vals get, one process per reference", valsEach},
		{"Resolve cold, one after another", resolveCold},
		{"Resolve cold, one string of all", resolveColdOneString},
		{"floor: one SDK client, GetParameter each", sdkFloor},
	}
	if valsBin == "" {
		sides = sides[1:]
	}
	var results []result // in the order of sides
	for _, side := range sides {
		d, err := timeRuns(runs, side.f)
		if err != nil {
			return fmt.Errorf("%s: %w", side.name, err)
		}
		r := result{side.name, d}
		results = append(results, r)
		fmt.Fprintf(out, "%-40s median %9.1f ms (%7.2f ms/ref)   runs:", r.name, ms(r.median()), ms(r.median())/float64(n))
		for _, d := range r.runs {
			fmt.Fprintf(out, " %.1f", ms(d))
		}
		fmt.Fprintln(out, " ms")
	}
	// The last three are always there: cold, cold in one string, the floor.
	last := results[len(results)-3:]
	cold, oneString, floor := last[0], last[1], last[2]
	if valsBin != "" {
		base := results[0].median()
		fmt.Fprintf(out, "ratio vals / Resolve cold:                %7.1fx\n", float64(base)/float64(cold.median()))
		fmt.Fprintf(out, "ratio vals / Resolve cold, one string:    %7.1fx\n", float64(base)/float64(oneString.median()))
	}
	fmt.Fprintf(out, "Resolve cold above the floor:             %7.2f ms/ref\n", ms(cold.median()-floor.median())/float64(n))
	return nil
}

type result struct {
	name string
	runs []time.Duration
}

func (r result) median() time.Duration {
	d := slices.Clone(r.runs)
	slices.Sort(d)
	return d[len(d)/2]
}

// timeRuns runs f once to warm up, then times runs more runs.
func timeRuns(runs int, f func() error) ([]time.Duration, error) {
	if err := f(); err != nil {
		return nil, err
	}
	d := make([]time.Duration, runs)
	for i := range d {
		start := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		d[i] = time.Since(start)
	}
	return d, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
