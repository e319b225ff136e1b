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
// a function that reports whether the workspace's version: field reaches
// want within d.
func watchVersion(t *testing.T, r *loader.Reloader) func(want int, d time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Watch(ctx, loader.WatchConfig{Debounce: 20 * time.Millisecond}) }()
	t.Cleanup(func() { cancel(); <-done })
	return func(want int, d time.Duration) bool {
		t.Helper()
		for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
			var v struct {
				Version int `yaml:"version"`
			}
			if err := r.Workspace().Decode(&v); err == nil && v.Version == want {
				return true
			}
			if time.Now().After(deadline) {
				return false
			}
		}
	}
}

// untilSeen repeats change (with versions from next on) until the watcher
// reloads one of them: Watch starts asynchronously, and a change made
// before it watches is not seen. It returns the version seen.
func untilSeen(t *testing.T, reached func(int, time.Duration) bool, next int, change func(v int)) int {
	t.Helper()
	for v := next; v < next+100; v++ {
		change(v)
		if reached(v, 300*time.Millisecond) {
			return v
		}
	}
	t.Fatal("the watcher never saw a change")
	return 0
}

// writeVersion writes dir/a.yaml as editors and git do, through a
// temporary file renamed into place, so that no reload sees it half
// written.
func writeVersion(t *testing.T, dir string, v int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, filepath.Join(dir, "a.yaml"), fmt.Sprintf("version: %d\n", v))
}

func writeAtomic(t *testing.T, name, content string) {
	t.Helper()
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
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
	reached := watchVersion(t, r)
	swap := func(v int) {
		rev := filepath.Join(base, fmt.Sprintf("rev%d", v))
		writeVersion(t, rev, v)
		tmp := filepath.Join(base, "workspace.tmp")
		if err := os.Symlink(filepath.Base(rev), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, root); err != nil {
			t.Fatal(err)
		}
	}
	v := untilSeen(t, reached, 2, swap)
	// Now that it watches, every swap is seen, and so is a change inside the
	// new target, whose tree is watched now.
	swap(v + 1)
	if !reached(v+1, 20*time.Second) {
		t.Fatalf("the swap to version %d was not seen", v+1)
	}
	writeVersion(t, filepath.Join(base, fmt.Sprintf("rev%d", v+1)), v+2)
	if !reached(v+2, 20*time.Second) {
		t.Fatal("a change inside the new target was not seen")
	}
}

func TestWatchFollowsARecreatedRoot(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "workspace")
	writeVersion(t, root, 1)
	r, err := loader.NewDirReloader(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	reached := watchVersion(t, r)
	v := untilSeen(t, reached, 2, func(v int) { writeVersion(t, root, v) })
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	// While the root is gone the last good workspace keeps serving.
	if !reached(v, 0) {
		t.Fatalf("with the root gone the workspace is not version %d any more", v)
	}
	writeVersion(t, root, v+1)
	if !reached(v+1, 20*time.Second) {
		t.Fatal("the recreated root was not reloaded")
	}
	writeVersion(t, root, v+2) // the recreated tree is watched
	if !reached(v+2, 20*time.Second) {
		t.Fatal("a change inside the recreated root was not seen")
	}
}
