package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchConfig configures [Reloader.Watch].
type WatchConfig struct {
	// Debounce is how long the files must stay quiet after a change before
	// the reload starts (an editor writes a file in several steps). Default
	// 200ms.
	Debounce time.Duration
	// Poll, if positive, also reloads at this interval, whatever the
	// notifications say: for file systems without notifications, and to
	// pick up rotated secrets as their TTL expires.
	Poll time.Duration
	// Refresh, if positive, calls [Reloader.Refresh] at this interval:
	// every cached reference is marked stale and the workspace reloads, so
	// that remote references (vault, AWS, …) rotated at their source are
	// fetched again without waiting for their TTL. A value whose refetch
	// fails keeps serving for up to the resolver's WithMaxStale
	// (stale-if-error). References to files of the workspace need no
	// Refresh: a change to the file they read is seen at the next reload
	// and fetches exactly those references fresh.
	Refresh time.Duration
	// OnReload, if set, is told the result of every reload while Watch
	// runs: those it starts, and those of Reload and Refresh.
	OnReload func(error)
}

// Watch reloads on changes until ctx is done, then returns ctx's error. For
// a Reloader made by [NewDirReloader] it follows file-system notifications
// (fsnotify) below the directory, and also the directory's own entry in its
// parent: a root that is a symbolic link swapped for another (git-sync,
// Kubernetes volumes) or a root deleted and created again is watched anew
// and reloaded, without Poll. Otherwise, or in addition, it polls every
// cfg.Poll, and refreshes every cfg.Refresh. A failed reload keeps the
// last good workspace, as Reload does.
func (r *Reloader) Watch(ctx context.Context, cfg WatchConfig) error {
	if cfg.Debounce <= 0 {
		cfg.Debounce = 200 * time.Millisecond
	}
	if r.dir == "" && cfg.Poll <= 0 && cfg.Refresh <= 0 {
		return errors.New("loader: Watch needs a Poll or Refresh interval for a workspace that is not a directory")
	}
	var tw *treeWatcher
	if r.dir != "" {
		var err error
		if tw, err = newTreeWatcher(r.dir); err != nil {
			return fmt.Errorf("loader: watch: %w", err)
		}
		defer tw.Close()
	}
	var poll <-chan time.Time
	if cfg.Poll > 0 {
		t := time.NewTicker(cfg.Poll)
		defer t.Stop()
		poll = t.C
	}
	var refresh <-chan time.Time
	if cfg.Refresh > 0 {
		t := time.NewTicker(cfg.Refresh)
		defer t.Stop()
		refresh = t.C
	}
	if cfg.OnReload != nil {
		r.onReload.Store(&cfg.OnReload)
		defer r.onReload.Store(nil)
	}
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	reload := func() { _ = r.Reload(ctx) }
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-tw.events():
			if tw.handle(ev) {
				debounce.Reset(cfg.Debounce)
			}
		case err := <-tw.errors():
			if cfg.OnReload != nil {
				cfg.OnReload(fmt.Errorf("loader: watch: %w", err))
			}
		case <-debounce.C:
			reload()
		case <-poll:
			reload()
		case <-refresh:
			_ = r.Refresh(ctx)
		}
	}
}

// treeWatcher follows a workspace directory: every directory below it that
// the loader reads, and the directory's own entry in its parent.
type treeWatcher struct {
	w          *fsnotify.Watcher
	root       string // as given, which may be a symbolic link
	rootEntry  string // the root's path as events in its parent name it
	parentPath string
}

func newTreeWatcher(dir string) (*treeWatcher, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	tw := &treeWatcher{w: w, root: dir, rootEntry: abs, parentPath: filepath.Dir(abs)}
	// The parent shows the root being swapped, removed or created.
	if err := w.Add(tw.parentPath); err != nil {
		w.Close()
		return nil, err
	}
	if err := addTree(w, dir); err != nil {
		w.Close()
		return nil, err
	}
	return tw, nil
}

// events and errors are nil channels (which never deliver) for a nil
// watcher, so Watch can select on them when it only polls.
func (tw *treeWatcher) events() <-chan fsnotify.Event {
	if tw == nil {
		return nil
	}
	return tw.w.Events
}

func (tw *treeWatcher) errors() <-chan error {
	if tw == nil {
		return nil
	}
	return tw.w.Errors
}

func (tw *treeWatcher) Close() error { return tw.w.Close() }

// handle updates the watches for ev and reports whether it calls for a
// reload.
func (tw *treeWatcher) handle(ev fsnotify.Event) bool {
	if filepath.Dir(ev.Name) == tw.parentPath && ev.Name != tw.rootEntry {
		return false // a sibling of the root
	}
	if ev.Name == tw.rootEntry {
		// The root was swapped, removed or created: what was watched below
		// it may be gone or stale. Watch the tree as it is now; a root that
		// does not exist yet is watched when its parent shows it again.
		tw.rewatch()
		return true
	}
	if ev.Has(fsnotify.Create) {
		// A new directory must be watched too; a file is ignored here.
		_ = addTree(tw.w, ev.Name)
	}
	return true
}

// rewatch drops every watch but the parent's and watches the tree again.
func (tw *treeWatcher) rewatch() {
	for _, p := range tw.w.WatchList() {
		if p != tw.parentPath {
			_ = tw.w.Remove(p)
		}
	}
	_ = addTree(tw.w, tw.root)
}

// addTree watches dir and every directory below it that the loader would
// enter (dot-directories are not, except Strøm's .workflows). A dir that is
// a symbolic link is followed: its target is what changes.
func addTree(w *fsnotify.Watcher, dir string) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != real && strings.HasPrefix(d.Name(), ".") && d.Name() != workflowsDir {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}
