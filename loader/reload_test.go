package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// TestReloadCyclesUnderReaders alternates broken and valid edits while
// readers check that every workspace they see is complete and consistent.
func TestReloadCyclesUnderReaders(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	store := secretstest.New(map[string]string{"ref+fake://token": "token-0000"})
	fsys := fstest.MapFS{
		"a.yaml":      {Data: []byte(validEdit(0))},
		"b.yaml":      {Data: []byte("actions:\n  fixed: {cmd: echo}\n")},
		"s.sops.yaml": {Data: encrypt(t, "secrets:\n  ENC: encrypted-value-1\n", sopsenc.Rules{}, rcpt)},
	}
	r, err := loader.NewReloader(t.Context(), fsys, loader.WithAgeIdentities(id), withStore(store))
	if err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(t.Context())
	var readers sync.WaitGroup
	var reads atomic.Int64
	for range 4 {
		readers.Go(func() {
			for ctx.Err() == nil {
				if err := checkConsistent(r.Workspace()); err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
			}
		})
	}
	var good, bad int
	for i := 1; i <= 100; i++ {
		if i%2 == 0 {
			fsys["a.yaml"] = &fstest.MapFile{Data: []byte(validEdit(i))}
			if err := r.Reload(t.Context()); err != nil {
				t.Fatalf("cycle %d: valid edit failed: %v", i, err)
			}
			good++
		} else {
			fsys["a.yaml"] = &fstest.MapFile{Data: []byte("actions: [broken\n")}
			if err := r.Reload(t.Context()); !errors.Is(err, loader.ErrParse) {
				t.Fatalf("cycle %d: broken edit: err = %v, want ErrParse", i, err)
			}
			bad++
		}
	}
	stop()
	readers.Wait()
	if err := checkConsistent(r.Workspace()); err != nil {
		t.Error(err)
	}
	var v struct {
		Version int `yaml:"version"`
	}
	if err := r.Workspace().Decode(&v); err != nil || v.Version != 100 {
		t.Errorf("after 100 cycles the workspace is version %d (%v), want 100", v.Version, err)
	}
	t.Logf("%d valid and %d broken reloads under %d reads", good, bad, reads.Load())
}

// validEdit is a version of a.yaml whose parts must agree with each other.
func validEdit(n int) string {
	return fmt.Sprintf("version: %d\nactions:\n  step_%d: {cmd: echo %d}\nsecrets:\n  TOKEN: \"{{ 'ref+fake://token' | vals }}\"\n", n, n, n)
}

func checkConsistent(ws *loader.Workspace) error {
	var v struct {
		Version int               `yaml:"version"`
		Actions map[string]any    `yaml:"actions"`
		Secrets map[string]string `yaml:"secrets"`
	}
	if err := ws.Decode(&v); err != nil {
		return err
	}
	if _, ok := v.Actions[fmt.Sprint("step_", v.Version)]; !ok || len(v.Actions) != 2 {
		return fmt.Errorf("version %d has actions %v", v.Version, v.Actions)
	}
	if s := ws.Secrets(); s["TOKEN"] != "token-0000" || s["ENC"] != "encrypted-value-1" {
		return fmt.Errorf("version %d: secrets incomplete", v.Version)
	}
	if len(ws.Files()) != 3 {
		return fmt.Errorf("version %d: %d files", v.Version, len(ws.Files()))
	}
	return nil
}

// TestRotation: a ref+file:// value changes; after a reload (and after
// Refresh) the new value renders, and the old one is still masked.
func TestRotation(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	// Relative to the workspace's root, whatever the working directory.
	secretFile := filepath.Join(ws, "vault", "token.txt")
	if err := os.MkdirAll(filepath.Dir(secretFile), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(secretFile, "old-token-value")
	write(filepath.Join(ws, "a.yaml"), "secrets:\n  TOKEN: \"{{ 'ref+file://vault/token.txt' | vals }}\"\n")

	r, err := loader.NewDirReloader(t.Context(), ws)
	if err != nil {
		t.Fatal(err)
	}
	render := func() string {
		t.Helper()
		out, err := r.Workspace().RenderStep(t.Context(), "--token {{ secret.TOKEN }}", loader.StepVars{})
		if err != nil {
			t.Fatal(err)
		}
		return out.(string)
	}
	if render() != "--token old-token-value" {
		t.Fatal("the first value does not render")
	}
	oldRecord := `{"cmd": "--token old-token-value"}`

	write(secretFile, "new-token-value")
	// The file the reference reads changed: a reload within the TTL
	// fetches it fresh (issue 21).
	if err := r.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if render() != "--token new-token-value" {
		t.Error("after a reload the rotated file's value does not render")
	}
	if err := r.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if render() != "--token new-token-value" {
		t.Error("after Refresh the rotated value does not render")
	}
	red := r.Workspace().Redactor()
	if got := red.String(oldRecord); got != `{"cmd": "--token `+redact.Mask+`"}` {
		t.Error("a record written before the rotation is no longer masked")
	}
	if got := red.String("new-token-value"); got != redact.Mask {
		t.Error("the new value is not masked")
	}
}

func TestWatchReloadsOnChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte("version: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := loader.NewDirReloader(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	reloaded := make(chan error, 10)
	done := make(chan error, 1)
	go func() {
		done <- r.Watch(ctx, loader.WatchConfig{Debounce: 20 * time.Millisecond, OnReload: func(err error) { reloaded <- err }})
	}()
	// The watcher starts asynchronously: write until a reload is seen.
	deadline := time.After(20 * time.Second)
	for version := 2; ; version++ {
		writeAtomic(t, file, fmt.Sprintf("version: %d\n", version))
		select {
		case err := <-reloaded:
			if err != nil {
				t.Fatalf("reload: %v", err)
			}
		case <-time.After(200 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("no reload after writing the file")
		}
		break
	}
	var v struct {
		Version int `yaml:"version"`
	}
	if err := r.Workspace().Decode(&v); err != nil || v.Version < 2 {
		t.Errorf("after a watched change the version is %d (%v)", v.Version, err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch returned %v, want context.Canceled", err)
	}
}

func TestWatchPollsAnyFS(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://tok": "v1-value"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  T: \"{{ 'ref+fake://tok' | vals }}\"\n")}}
	r, err := loader.NewReloader(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if err := r.Watch(ctx, loader.WatchConfig{}); err == nil {
		t.Fatal("Watch without Poll on an fs.FS should fail")
	}
	reloads := make(chan error, 100)
	go r.Watch(ctx, loader.WatchConfig{Poll: 5 * time.Millisecond, OnReload: func(err error) { reloads <- err }})
	for range 3 {
		select {
		case err := <-reloads:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no poll")
		}
	}
}

// TestEveryReloadReportsToOnReload: while Watch runs, Reload and Refresh
// report to its OnReload like the reloads it starts.
func TestEveryReloadReportsToOnReload(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://tok": "v1-value"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  T: \"{{ 'ref+fake://tok' | vals }}\"\n")}}
	r, err := loader.NewReloader(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	reports := make(chan error, 10)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go r.Watch(ctx, loader.WatchConfig{Poll: time.Hour, OnReload: func(err error) { reports <- err }})
	// Watch installs its OnReload asynchronously: refresh until one report comes.
	deadline := time.After(20 * time.Second)
	for got := false; !got; {
		if err := r.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-reports:
			if err != nil {
				t.Fatalf("Refresh reported %v", err)
			}
			got = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("Refresh never reported to OnReload")
		}
	}
	// Deleted: a definite answer, which no stale value hides.
	store.Fail("ref+fake://tok", secrets.ErrNotFound)
	r.Refresh(t.Context())
	select {
	case err := <-reports:
		if err == nil {
			t.Error("a failed Refresh reported success")
		}
	case <-time.After(20 * time.Second):
		t.Error("a failed Refresh did not report")
	}
}
