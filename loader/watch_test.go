package loader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hushflow/hushflow/loader"
)

// watchVersion starts Watch on r (notifications only, no Poll) and returns
// a function that waits until the workspace's version: field is want.
func watchVersion(t *testing.T, r *loader.Reloader) func(want int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Watch(ctx, loader.WatchConfig{Debounce: 20 * time.Millisecond}) }()
	t.Cleanup(func() { cancel(); <-done })
	return func(want int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			var v struct {
				Version int `yaml:"version"`
			}
			if err := r.Workspace().Decode(&v); err == nil && v.Version == want {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("the workspace never reached version %d", want)
	}
}

func writeVersion(t *testing.T, dir string, v int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(fmt.Sprintf("version: %d\n", v)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWatchFollowsASwappedSymlink is the git-sync pattern: the workspace
// root is a symbolic link that is atomically replaced by one pointing at a
// new checkout.
func TestWatchFollowsASwappedSymlink(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	root := filepath.Join(base, "workspace")
	writeVersion(t, filepath.Join(base, "rev1"), 1)
	if err := os.Symlink("rev1", root); err != nil {
		t.Fatal(err)
	}
	r, err := loader.NewDirReloader(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	waitFor := watchVersion(t, r)
	waitFor(1)
	for v := 2; v <= 3; v++ {
		// The watcher starts asynchronously; a swap before it watches is
		// not seen, so swap until it is (each swap is a new revision).
		rev := filepath.Join(base, fmt.Sprintf("rev%d", v))
		writeVersion(t, rev, v)
		tmp := filepath.Join(base, "workspace.tmp")
		if err := os.Symlink(filepath.Base(rev), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, root); err != nil {
			t.Fatal(err)
		}
		waitFor(v)
	}
	// A change inside the new target is seen too: its tree is watched now.
	writeVersion(t, filepath.Join(base, "rev3"), 4)
	waitFor(4)
}

func TestWatchFollowsARecreatedRoot(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "workspace")
	writeVersion(t, root, 1)
	r, err := loader.NewDirReloader(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	waitFor := watchVersion(t, r)
	time.Sleep(100 * time.Millisecond) // let the watcher start
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	// While the root is gone the last good workspace keeps serving.
	var v struct {
		Version int `yaml:"version"`
	}
	if err := r.Workspace().Decode(&v); err != nil || v.Version != 1 {
		t.Fatalf("with the root gone the workspace is version %d (%v), want 1", v.Version, err)
	}
	writeVersion(t, root, 2)
	waitFor(2)
	writeVersion(t, root, 3) // the recreated tree is watched
	waitFor(3)
}
