package loader_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// TestFailedSecretsAreGroupedByCause: with a backend down, every entry fails
// for the same reason; the error says so once, not once per entry.
func TestFailedSecretsAreGroupedByCause(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("secrets:\n")
	const n = 40
	for i := range n {
		fmt.Fprintf(&b, "  KEY_%02d: \"{{ 'ref+fake://gone-%02d' | vals }}\"\n", i, i)
	}
	b.WriteString("  TYPO: \"{{ secret.NOPE }}\"\n")
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(b.String())}}
	_, err := loader.Load(t.Context(), fsys, withStore(secretstest.New(nil)))
	var se *loader.SecretsError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *SecretsError", err)
	}
	if len(se.Failures) != n+1 {
		t.Errorf("%d failures, want %d", len(se.Failures), n+1)
	}
	if !errors.Is(err, loader.ErrSecret) || !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("errors.Is does not reach ErrSecret and ErrNotFound through %v", err)
	}
	var fe *loader.FileError
	if !errors.As(err, &fe) || fe.Path != "a.yaml" {
		t.Errorf("errors.As does not reach a *FileError for a.yaml")
	}
	msg := err.Error()
	lines := strings.Split(msg, "\n")
	if len(lines) != 3 {
		t.Fatalf("want a heading and one line per cause (2), got %d lines:\n%s", len(lines), msg)
	}
	for _, want := range []string{"41 entries", "secrets.KEY_00 (ref+fake://gone-00)", "and 37 more", "secret not found", "secrets.TYPO"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if len(msg) > 600 {
		t.Errorf("the error is %d bytes for %d failures; grouping should keep it short:\n%s", len(msg), n+1, msg)
	}
}

// TestLargeSecretsSectionUsesAFixedPool: 20,000 entries render through a
// fixed pool of goroutines, not one each.
func TestLargeSecretsSectionUsesAFixedPool(t *testing.T) {
	t.Parallel()
	const n = 20_000
	store := secretstest.New(nil)
	var b strings.Builder
	b.WriteString("secrets:\n")
	for i := range n {
		fmt.Fprintf(&b, "  K%05d: \"{{ 'ref+fake://k/%d' | vals }}\"\n", i, i%100)
	}
	for i := range 100 {
		store.Set(fmt.Sprintf("ref+fake://k/%d", i), fmt.Sprintf("pool-value-%03d", i))
	}
	store.SetLatency(time.Millisecond)
	before := runtime.NumGoroutine()
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				if g := int64(runtime.NumGoroutine()); g > peak.Load() {
					peak.Store(g)
				}
				time.Sleep(time.Millisecond)
			}
		}
	}()
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(b.String())}}, withStore(store))
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.Secrets()) != n {
		t.Fatalf("%d secrets, want %d", len(ws.Secrets()), n)
	}
	// Other tests run in parallel: allow them a few hundred goroutines.
	if grew := peak.Load() - int64(before); grew > 1000 {
		t.Errorf("the load ran %d goroutines at once for %d entries; want a fixed pool", grew, n)
	}
}
