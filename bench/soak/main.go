// Command soak runs hushflow as a busy workflow engine would, for a bounded
// time, and prints what an operator watches once a second: latency
// percentiles of step renders, masks and reloads, errors, live heap and
// goroutines. Meanwhile the secret store fails, hangs and slows down on a
// schedule, and the redactor keeps learning new secrets (dynamic
// credentials). At the end it prints how long each fault took to recover
// from.
//
//	go run ./bench/soak                      # 60 s, 64 workers, 10,000 secrets known
//	go run ./bench/soak -duration 5m -secrets 100000 -growth 200
//
// The store is the fake of the project's tests (secrets/secretstest):
// what is measured is hushflow, not a network.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

type settings struct {
	duration, reload, refresh, deadline time.Duration
	workers, known, growth, refs        int
	recordKB                            int
	rate                                float64 // steps a second per worker; 0: as fast as it can
}

func main() {
	var s settings
	flag.DurationVar(&s.duration, "duration", 60*time.Second, "how long to run")
	flag.IntVar(&s.workers, "workers", 64, "workers rendering steps and masking records")
	flag.IntVar(&s.known, "secrets", 10_000, "secrets the redactor knows at the start")
	flag.IntVar(&s.growth, "growth", 50, "new secrets a second (dynamic credentials, inline references)")
	flag.IntVar(&s.refs, "refs", 100, "references in the workspace's secrets: section")
	flag.IntVar(&s.recordKB, "record-kb", 57, "size of the job record each worker masks, KiB")
	flag.Float64Var(&s.rate, "rate", 10, "steps a second each worker claims (0: as fast as it can, which measures CPU contention more than hushflow)")
	flag.DurationVar(&s.reload, "reload", 200*time.Millisecond, "reload interval")
	flag.DurationVar(&s.refresh, "refresh", 2*time.Second, "refresh interval (marks the cache stale)")
	flag.DurationVar(&s.deadline, "deadline", 100*time.Millisecond, "deadline of each render and reload")
	flag.Parse()
	if err := run(s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// meter keeps the latencies of one kind of operation for the current
// second, and its errors.
type meter struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
	all    []time.Duration // the whole run, for the summary
	causes map[string]int  // the whole run's errors, by message
}

func (m *meter) observe(d time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lat = append(m.lat, d)
	m.all = append(m.all, d)
	if err != nil {
		m.errors++
		if m.causes == nil {
			m.causes = map[string]int{}
		}
		m.causes[err.Error()]++
	}
}

// take returns this second's count, p50, p99 and errors, and starts anew.
func (m *meter) take() (n int, p50, p99 time.Duration, errs int) {
	m.mu.Lock()
	lat, errs := m.lat, m.errors
	m.lat, m.errors = nil, 0
	m.mu.Unlock()
	n = len(lat)
	p50, p99 = percentile(lat, 50), percentile(lat, 99)
	return n, p50, p99, errs
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// phase is one part of the fault schedule.
type phase struct {
	name   string
	inject func(*secretstest.Store) (heal func())
}

var schedule = []phase{
	{"normal", nil},
	{"errors", func(s *secretstest.Store) func() {
		s.FailAll(errors.New("connection refused"))
		return func() { s.FailAll(nil) }
	}},
	{"normal", nil},
	{"hang", func(s *secretstest.Store) func() {
		s.Hang() // calls that started stay hung for good, as vals' can
		return s.ResumeNew
	}},
	{"normal", nil},
	{"slow 2s", func(s *secretstest.Store) func() {
		s.SetLatency(2 * time.Second)
		return func() { s.SetLatency(time.Millisecond) }
	}},
	{"normal", nil},
}

func run(s settings, out io.Writer) error {
	dir, err := os.MkdirTemp("", "hushflow-soak-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store := secretstest.New(nil)
	store.SetLatency(time.Millisecond)
	if err := writeWorkspace(dir, s, store); err != nil {
		return err
	}
	red, err := redact.New()
	if err != nil {
		return err
	}
	for i := range s.known {
		red.Add(fmt.Sprintf("known-secret-%07d-%x", i, i*7919))
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.duration)
	defer cancel()
	start := time.Now()
	r, err := loader.NewDirReloader(ctx, dir, loader.WithRedactor(red), loader.WithResolverOptions(
		secrets.WithBackend(store), secrets.WithSchemes("fake"), secrets.WithTimeout(s.deadline),
		secrets.WithTTL(5*time.Second), secrets.WithMaxAbandoned(10_000)))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded %d references and %d known secrets in %s\n", s.refs, s.known, time.Since(start).Round(time.Millisecond))

	var renders, masks, reloads meter
	var fresh atomic.Int64 // new inline references, for growth and recovery probes
	logger := slog.New(red.Handler(slog.NewJSONHandler(io.Discard, nil)))
	var wg sync.WaitGroup
	for w := range s.workers {
		wg.Go(func() { worker(ctx, s, r, red, logger, w, &renders, &masks) })
	}
	wg.Go(func() { every(ctx, s.reload, func() { timed(ctx, s.deadline, &reloads, r.Reload) }) })
	wg.Go(func() { every(ctx, s.refresh, func() { timed(ctx, s.deadline, &reloads, r.Refresh) }) })
	wg.Go(func() {
		every(ctx, time.Second, func() {
			for range s.growth {
				n := fresh.Add(1)
				store.Set(fmt.Sprintf("ref+fake://dyn/%d", n), fmt.Sprintf("dynamic-credential-%08d", n))
				red.Add(fmt.Sprintf("rotated-password-%08d", n))
			}
		})
	})
	recoveries := make(chan string, len(schedule))
	wg.Go(func() { faults(ctx, s, store, r, &fresh, recoveries) })

	fmt.Fprintln(out, "  t  phase    renders  p50ms  p99ms  err | masks  p50ms  p99ms | reloads p50ms  p99ms  err | heapMB gorout")
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for sec := 1; ; sec++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			summary(out, &renders, &masks, &reloads, recoveries)
			return nil
		case <-tick.C:
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		rn, r50, r99, re := renders.take()
		mn, m50, m99, _ := masks.take()
		ln, l50, l99, le := reloads.take()
		fmt.Fprintf(out, "%3d  %-8s %7d %6s %6s %4d | %5d %6s %6s | %7d %6s %6s %4d | %6d %6d\n",
			sec, currentPhase.Load(), rn, ms(r50), ms(r99), re, mn, ms(m50), ms(m99), ln, ms(l50), ms(l99), le,
			m.HeapAlloc>>20, runtime.NumGoroutine())
	}
}

var currentPhase atomic.Value

func init() { currentPhase.Store("normal") }

// writeWorkspace writes a workspace of s.refs secrets and one action whose
// command uses some of them and one inline reference.
func writeWorkspace(dir string, s settings, store *secretstest.Store) error {
	var b strings.Builder
	b.WriteString("secrets:\n")
	for i := range s.refs {
		store.Set(fmt.Sprintf("ref+fake://s/%d", i), fmt.Sprintf("section-secret-%05d-value", i))
		fmt.Fprintf(&b, "  S%d: \"{{ 'ref+fake://s/%d' | vals }}\"\n", i, i)
	}
	store.Set("ref+fake://inline/token", "inline-token-value-000")
	b.WriteString("actions:\n  deploy:\n    cmd: \"deploy --db '{{ secret.S1|addslashes }}' --token {{ 'ref+fake://inline/token' | vals }} --env {{ input.env }}\"\n")
	if err := os.MkdirAll(filepath.Join(dir, ".workflows"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ".workflows", "a.yaml"), []byte(b.String()), 0o600)
}

const stepCmd = "deploy --db '{{ secret.S1|addslashes }}' --token {{ 'ref+fake://inline/token' | vals }} --env {{ input.env }}"

// worker renders a step, masks a job record holding it, and logs it, with
// the engine's deadline, until ctx is done.
func worker(ctx context.Context, s settings, r *loader.Reloader, red *redact.Redactor, logger *slog.Logger, id int, renders, masks *meter) {
	padding := strings.Repeat("x", 64)
	var pace <-chan time.Time
	if s.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / s.rate))
		defer t.Stop()
		pace = t.C
	}
	for ctx.Err() == nil {
		if pace != nil {
			select {
			case <-ctx.Done():
				return
			case <-pace:
			}
		}
		rctx, cancel := context.WithTimeout(ctx, s.deadline)
		t0 := time.Now()
		out, err := r.Workspace().RenderStep(rctx, stepCmd, loader.StepVars{Input: map[string]any{"env": fmt.Sprint("env-", id)}})
		cancel()
		if ctx.Err() != nil {
			return
		}
		renders.observe(time.Since(t0), err)
		cmd, _ := out.(string)
		rec := record(cmd, padding, s.recordKB)
		t0 = time.Now()
		_, merr := red.JSON(rec)
		masks.observe(time.Since(t0), merr)
		logger.Info("step claimed", "cmd", cmd, "worker", id)
	}
}

// record builds a job record of about kb KiB: many steps, one of them the
// rendered command.
func record(cmd, padding string, kb int) []byte {
	type step struct {
		Name, Cmd, Log string
	}
	var steps []step
	for i := 0; i*200 < kb<<10; i++ {
		steps = append(steps, step{fmt.Sprint("step-", i), cmd, padding + " ok " + padding})
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(map[string]any{"task": "release", "steps": steps})
	return buf.Bytes()
}

func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

func timed(ctx context.Context, deadline time.Duration, m *meter, fn func(context.Context) error) {
	rctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	t0 := time.Now()
	err := fn(rctx)
	if ctx.Err() == nil {
		m.observe(time.Since(t0), err)
	}
}

// faults runs the schedule over the run's duration and, after each fault
// heals, measures how long until a reference never seen before renders.
func faults(ctx context.Context, s settings, store *secretstest.Store, r *loader.Reloader, fresh *atomic.Int64, out chan<- string) {
	slot := s.duration / time.Duration(len(schedule))
	for _, p := range schedule {
		currentPhase.Store(p.name)
		var heal func()
		if p.inject != nil {
			heal = p.inject(store)
		}
		select {
		case <-ctx.Done():
			if heal != nil {
				heal()
			}
			return
		case <-time.After(slot):
		}
		if heal == nil {
			continue
		}
		heal()
		currentPhase.Store("recover")
		healed := time.Now()
		for ctx.Err() == nil {
			n := fresh.Add(1)
			ref := fmt.Sprintf("ref+fake://probe/%d", n)
			store.Set(ref, fmt.Sprintf("probe-value-%08d", n))
			rctx, cancel := context.WithTimeout(ctx, s.deadline)
			_, err := r.Workspace().RenderStep(rctx, "{{ '"+ref+"' | vals }}", loader.StepVars{})
			cancel()
			if err == nil {
				out <- fmt.Sprintf("%-8s a new reference renders %s after the store healed", p.name, time.Since(healed).Round(time.Millisecond))
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func summary(out io.Writer, renders, masks, reloads *meter, recoveries chan string) {
	close(recoveries)
	fmt.Fprintln(out, "\nwhole run:")
	for _, m := range []struct {
		name string
		m    *meter
	}{{"render", renders}, {"mask", masks}, {"reload", reloads}} {
		fmt.Fprintf(out, "  %-7s n=%d p50=%sms p99=%sms max=%sms\n", m.name, len(m.m.all),
			ms(percentile(m.m.all, 50)), ms(percentile(m.m.all, 99)), ms(percentile(m.m.all, 100)))
		for cause, n := range m.m.causes {
			fmt.Fprintf(out, "          %d× %s\n", n, cause)
		}
	}
	fmt.Fprintln(out, "recovery:")
	for line := range recoveries {
		fmt.Fprintln(out, "  "+line)
	}
}
