// Command redact measures how a Redactor grows: for each number of known
// secrets, the time to teach them (Add, then the first mask), the live heap
// they hold, the peak resident size of the process, and the latency of an
// Add of a new secret followed by a mask that must hide it, while other
// goroutines mask job records without pause.
//
//	go run ./bench/redact                          # 1,000, 10,000 and 100,000 secrets
//	go run ./bench/redact -secrets 100000 -maskers 4 -adds 5000
//
// Each size runs in a process of its own (the program starts itself again),
// so that the peak resident size of one size is not that of the one before.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/redact"
)

func main() {
	sizes := flag.String("secrets", "1000,10000,100000", "numbers of known secrets, comma-separated")
	maskers := flag.Int("maskers", 2, "goroutines masking job records while secrets are added")
	adds := flag.Int("adds", 2000, "new secrets added (each followed by a mask) while the maskers run")
	one := flag.Int("one", 0, "measure one size in this process (used by the program itself)")
	flag.Parse()
	if *one > 0 {
		if err := measure(*one, *maskers, *adds); err != nil {
			fmt.Fprintln(os.Stderr, "redact:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Printf("%-8s %10s %10s %10s %10s %10s %14s %14s %12s\n",
		"secrets", "build", "live heap", "per secret", "RSS build", "peak RSS", "add+mask p50", "add+mask p99", "masker p99")
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "redact: -secrets: %q is not a positive number\n", field)
			os.Exit(2)
		}
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, "redact:", err)
			os.Exit(1)
		}
		cmd := exec.Command(self, "-one", strconv.Itoa(n), "-maskers", strconv.Itoa(*maskers), "-adds", strconv.Itoa(*adds))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "redact: %d secrets: %v\n", n, err)
			os.Exit(1)
		}
	}
}

func measure(n, maskers, adds int) error {
	known := testkit.Secrets(n, 1)
	runtime.GC()
	before := testkit.LiveHeap()

	start := time.Now()
	r, err := redact.New()
	if err != nil {
		return err
	}
	r.Add(known...)
	if got := r.String("token " + known[n-1]); strings.Contains(got, known[n-1]) {
		return fmt.Errorf("the last secret taught is not masked")
	}
	// The first long mask builds what a Redactor keeps for long texts
	// (the sampled filters): part of what it holds once it is in use.
	record := jobRecord(known)
	_ = r.String(record)
	build := time.Since(start)
	buildPeak := peakRSS()
	live := testkit.LiveHeap() - before
	runtime.KeepAlive(known)

	// Maskers mask a job record with a known secret in it, without pause.
	var stop atomic.Bool
	var wg sync.WaitGroup
	maskLat := make([][]time.Duration, maskers)
	for i := range maskers {
		wg.Go(func() {
			for !stop.Load() {
				t := time.Now()
				_ = r.String(record)
				maskLat[i] = append(maskLat[i], time.Since(t))
			}
		})
	}
	fresh := testkit.Secrets(adds, 2)
	addLat := make([]time.Duration, 0, adds)
	var failures int
	for _, s := range fresh {
		t := time.Now()
		r.Add(s)
		got := r.String("password=" + s + " in a log line")
		addLat = append(addLat, time.Since(t))
		if strings.Contains(got, s) {
			failures++
		}
	}
	stop.Store(true)
	wg.Wait()
	if failures > 0 {
		return fmt.Errorf("%d of %d new secrets were not masked by the mask right after their Add", failures, adds)
	}
	all := slices.Concat(maskLat...)
	fmt.Printf("%-8d %10s %8.1fMB %8dB %8.1fMB %8.1fMB %14s %14s %12s\n",
		n, build.Round(time.Millisecond), float64(live)/1e6, live/uint64(n), float64(buildPeak)/1e6, float64(peakRSS())/1e6,
		percentile(addLat, 50), percentile(addLat, 99), percentile(all, 99))
	return nil
}

// jobRecord is about 57 KB of step logs, one known secret in it.
func jobRecord(known []string) string {
	var b strings.Builder
	for i := 0; b.Len() < 57<<10; i++ {
		fmt.Fprintf(&b, `{"step":"deploy-%d","status":"succeeded","stdout":"deploying service shard %d ... ok\n"}`+"\n", i, i*7)
		if i == 100 {
			fmt.Fprintf(&b, `{"env":{"API_TOKEN":%q}}`+"\n", known[0])
		}
	}
	return b.String()
}

// peakRSS is the process's high-water resident size (VmHWM), 0 where
// /proc does not tell it.
func peakRSS() uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func percentile(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[(len(lat)-1)*p/100].Round(time.Microsecond)
}
