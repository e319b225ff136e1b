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
// Files whose content has not changed are neither parsed nor decrypted
// again, but the secrets: section is rendered again on every reload through
// the resolver's cache, so a secret whose TTL expired is fetched anew;
// [Reloader.Refresh] forgets the cache first. All workspaces of a Reloader
// share one resolver, engine and redactor: the redactor keeps masking the
// values of earlier loads after a rotation.
type Reloader struct {
	open    func() (fs.FS, func(), error)
	dir     string // "" when not loaded from a directory
	opts    []Option
	cache   *parseCache
	rr      *renderer
	current atomic.Pointer[Workspace]
	mu      sync.Mutex // one reload at a time
}

// NewReloader loads the workspace in fsys; it fails if that first load fails.
func NewReloader(ctx context.Context, fsys fs.FS, opts ...Option) (*Reloader, error) {
	return newReloader(ctx, "", func() (fs.FS, func(), error) { return fsys, func() {}, nil }, opts)
}

// NewDirReloader loads the workspace in dir, confined to it as [LoadDir]
// is; [Reloader.Watch] then also follows file-system notifications.
func NewDirReloader(ctx context.Context, dir string, opts ...Option) (*Reloader, error) {
	return newReloader(ctx, dir, func() (fs.FS, func(), error) { return openDir(dir) }, opts)
}

func newReloader(ctx context.Context, dir string, open func() (fs.FS, func(), error), opts []Option) (*Reloader, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	rr, err := newRenderer(cfg)
	if err != nil {
		return nil, err
	}
	r := &Reloader{open: open, dir: dir, opts: opts, cache: &parseCache{}, rr: rr}
	if err := r.Reload(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Workspace returns the current workspace. It never returns nil and never
// blocks on a reload.
func (r *Reloader) Workspace() *Workspace { return r.current.Load() }

// Reload loads the workspace again and, if that succeeds, makes it current.
// On error the current workspace stays.
func (r *Reloader) Reload(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	fsys, done, err := r.open()
	if err != nil {
		return err
	}
	defer done()
	opts := append(r.opts[:len(r.opts):len(r.opts)], func(c *config) {
		c.cache, c.renderer = r.cache, r.rr
	})
	w, err := Load(ctx, fsys, opts...)
	if err != nil {
		return err
	}
	r.current.Store(w)
	return nil
}

// Refresh makes the resolver forget its cached values, when it can (a
// [secrets.Resolver] can), and reloads: a rotated secret is picked up
// without a file change.
func (r *Reloader) Refresh(ctx context.Context) error {
	if p, ok := r.rr.resolver.(interface{ Purge() }); ok {
		p.Purge()
	}
	return r.Reload(ctx)
}
