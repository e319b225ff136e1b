package loader

import (
	"context"
	"io/fs"
	"sync"
	"sync/atomic"
)

// A Reloader holds the current workspace for concurrent readers and
// replaces it, atomically, when a reload succeeds. A reload that fails (a
// broken edit, a backend down, a tampered file) keeps the last good
// workspace in service and returns the error: nothing partial is ever
// served.
//
// Files whose content has not changed (the same bytes, and for an
// encrypted file the same age identities) are neither parsed, decrypted
// nor checked again; when none changed, the merge is reused too. An
// encrypted file edited as sops edit saves it, which keeps the data key,
// is decrypted with the data key of its version before (with the same age
// identities): the key is not recovered again, and every value is still
// checked against the file's MAC. The
// secrets: section is rendered again on every reload through the
// resolver's cache, so a secret whose TTL expired is fetched anew, and a
// file or sops reference whose file in the workspace changed since it was
// read is fetched fresh at once, exactly those ([secrets.Resolver.ExpireFiles]);
// [Reloader.Refresh] marks every cached value stale first. All workspaces of a
// Reloader share one resolver, engine and redactor: the redactor keeps
// masking the values of earlier loads after a rotation. Each workspace
// resolves through a snapshot of its own, so a reference has one value in
// one workspace.
type Reloader struct {
	st   *state
	dir  string // "" when not loaded from a directory
	load func(ctx context.Context) (*Workspace, error)

	current  atomic.Pointer[Workspace]
	mu       sync.Mutex                  // one reload at a time
	onReload atomic.Pointer[func(error)] // the running Watch's OnReload
}

// NewReloader loads the workspace in fsys; it fails if that first load fails.
func NewReloader(ctx context.Context, fsys fs.FS, opts ...Option) (*Reloader, error) {
	return newReloader(ctx, opts, fsys, func(st *state, ctx context.Context) (*Workspace, error) {
		return st.load(ctx, source{fsys: fsys})
	})
}

// NewDirReloader loads the workspace in dir, confined to it as [LoadDir]
// is; [Reloader.Watch] then also follows file-system notifications.
func NewDirReloader(ctx context.Context, dir string, opts ...Option) (*Reloader, error) {
	r, err := newReloader(ctx, opts, dirFS{dir}, func(st *state, ctx context.Context) (*Workspace, error) {
		return st.loadDir(ctx, dir)
	})
	if r != nil {
		r.dir = dir
	}
	return r, err
}

func newReloader(ctx context.Context, opts []Option, refs fs.FS, load func(*state, context.Context) (*Workspace, error)) (*Reloader, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	st, err := newState(cfg, refs)
	if err != nil {
		return nil, err
	}
	st.cache = &parseCache{}
	r := &Reloader{st: st}
	r.load = func(ctx context.Context) (*Workspace, error) { return load(st, ctx) }
	if err := r.Reload(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Workspace returns the current workspace. It never returns nil and never
// blocks on a reload.
func (r *Reloader) Workspace() *Workspace { return r.current.Load() }

// Reload loads the workspace again and, if that succeeds, makes it current.
// On error the current workspace stays. While [Reloader.Watch] runs, its
// OnReload is told the result, as it is of every reload.
func (r *Reloader) Reload(ctx context.Context) error {
	err := r.reload(ctx)
	if f := r.onReload.Load(); f != nil && ctx.Err() == nil {
		(*f)(err)
	}
	return err
}

func (r *Reloader) reload(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, err := r.load(ctx)
	if err != nil {
		return err
	}
	r.current.Store(w)
	return nil
}

// Refresh marks the resolver's cached values stale and reloads: a rotated
// secret is picked up without a file change. Stale values keep serving
// where refetching them fails (see [secrets.Resolver.MarkStale]), so a
// Refresh during an outage is no worse than a Reload.
func (r *Reloader) Refresh(ctx context.Context) error {
	r.st.resolver.MarkStale()
	return r.Reload(ctx)
}
