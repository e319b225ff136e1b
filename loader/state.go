package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
)

// state is what a workspace source keeps from one load to the next: the
// keys, the resolver (and its cache), the redactor (which only grows) and
// the template engine (and its parsed templates). A single Load makes one
// and drops it; a Reloader keeps one for its life.
type state struct {
	cfg      *config
	keys     sopsdec.Keys
	keyID    string // names keys for the parse cache (see keyIDOf)
	resolver *secrets.Resolver
	redactor *redact.Redactor
	engine   *render.Engine
	cache    *parseCache // nil for a single Load
	refFiles *refFiles   // what file and sops references read
	// lastMerge is the merge of the last load that succeeded, for a
	// Reloader (a single Load keeps none); see merged.
	lastMerge *merged
}

// newState builds the state of a workspace source whose files (for
// ref+file:// and ref+sops:// references) are refs.
func newState(cfg *config, refs fs.FS) (*state, error) {
	st := &state{cfg: cfg, redactor: cfg.redactor}
	var err error
	if st.keys, err = loadKeys(cfg.ageIdentities); err != nil {
		return nil, fmt.Errorf("loader: WithAgeIdentities: %w", err)
	}
	st.keyID = keyIDOf(cfg.ageIdentities)
	if st.redactor == nil {
		if st.redactor, err = redact.New(); err != nil {
			return nil, fmt.Errorf("loader: %w", err)
		}
	}
	st.refFiles = newRefFiles(refs)
	opts := append(cfg.resolverOpts[:len(cfg.resolverOpts):len(cfg.resolverOpts)],
		secrets.WithFiles(st.refFiles), secrets.WithOnResolved(func(v string) { st.redactor.Add(v) }))
	if len(cfg.ageIdentities) > 0 {
		opts = append(opts, secrets.WithAgeIdentities(cfg.ageIdentities...))
	}
	if st.resolver, err = secrets.New(opts...); err != nil {
		return nil, fmt.Errorf("loader: WithResolverOptions: %w", err)
	}
	ropts := append(cfg.renderOpts[:len(cfg.renderOpts):len(cfg.renderOpts)], render.WithSecrets(st.redactor))
	if st.engine, err = render.New(snapshotResolver{}, ropts...); err != nil {
		return nil, fmt.Errorf("loader: WithRenderOptions: %w", err)
	}
	return st, nil
}

// The engine is shared by every workspace of a source, but each workspace
// resolves through its own snapshot, so that a reference has one value in
// one workspace. The render call's context carries the snapshot to the
// engine's resolver.
type snapshotKey struct{}

func withSnapshot(ctx context.Context, s *secrets.Snapshot) context.Context {
	return context.WithValue(ctx, snapshotKey{}, s)
}

// snapshotResolver resolves through the snapshot in the call's context.
type snapshotResolver struct{}

var errNoSnapshot = errors.New("loader: internal error: a render without the workspace's snapshot")

func (snapshotResolver) Resolve(ctx context.Context, s string) (string, error) {
	snap, ok := ctx.Value(snapshotKey{}).(*secrets.Snapshot)
	if !ok {
		return "", errNoSnapshot
	}
	return snap.Resolve(ctx, s)
}

// dirFS is a directory as an fs.FS that opens the directory anew, through
// an os.Root, for every file: references read after a load (inline | vals
// when a step renders) find the directory as it is then, even when it is a
// symbolic link that was swapped, and never leave it.
type dirFS struct{ dir string }

func (d dirFS) Open(name string) (fs.File, error) {
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, err
	}
	// A file opened through a Root stays open when the Root is closed.
	defer root.Close()
	return root.FS().Open(name)
}

// refFiles is the file system the resolver reads file and sops references
// from, recording what it read: for each file, a SHA-256 of the content
// the resolver last read in full. A reload compares those with the files
// as they are now and expires the references that read a changed file
// ([secrets.Resolver.ExpireFiles]), so that a rotated file takes effect at
// the next reload rather than when the TTL runs out.
type refFiles struct {
	fsys fs.FS
	mu   sync.Mutex
	read map[string][sha256.Size]byte // path → SHA-256 of what was read
}

func newRefFiles(fsys fs.FS) *refFiles {
	return &refFiles{fsys: fsys, read: map[string][sha256.Size]byte{}}
}

func (rf *refFiles) Open(name string) (fs.File, error) {
	// A named pipe or a device would block the resolver in open(2) or
	// read without end, as it would a load (see openRegular).
	if st, err := fs.Stat(rf.fsys, name); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: notRegular(st.Mode())}
	}
	f, err := rf.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return &hashingFile{File: f, name: name, rf: rf, h: sha256.New()}, nil
}

// ReadLink and Lstat pass the underlying file system's links on, so that
// the resolver's check that no link leaves the root sees them; without
// them, they fail as "not supported", which the check takes as no link,
// as it would without ReadLinkFS.
func (rf *refFiles) ReadLink(name string) (string, error) {
	if rl, ok := rf.fsys.(fs.ReadLinkFS); ok {
		return rl.ReadLink(name)
	}
	return "", &fs.PathError{Op: "readlink", Path: name, Err: errors.ErrUnsupported}
}

func (rf *refFiles) Lstat(name string) (fs.FileInfo, error) {
	if rl, ok := rf.fsys.(fs.ReadLinkFS); ok {
		return rl.Lstat(name)
	}
	return nil, &fs.PathError{Op: "lstat", Path: name, Err: errors.ErrUnsupported}
}

// changed returns the files read before whose content is not what was
// read (or that cannot be read now), and forgets them: the next read of
// each records it again.
func (rf *refFiles) changed(ctx context.Context) []string {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	var out []string
	for name, sum := range rf.read {
		if ctx.Err() != nil {
			break
		}
		f, err := rf.fsys.Open(name)
		if err == nil {
			h := sha256.New()
			_, err = io.Copy(h, io.LimitReader(ctxReader{ctx, f}, secrets.MaxFileSize+1))
			f.Close()
			if err == nil && [sha256.Size]byte(h.Sum(nil)) == sum {
				continue
			}
		}
		out = append(out, name)
		delete(rf.read, name)
	}
	slices.Sort(out)
	return out
}

// hashingFile hashes what is read through it, and records the hash when
// the whole file was read.
type hashingFile struct {
	fs.File
	name string
	rf   *refFiles
	h    hash.Hash
}

func (f *hashingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.h.Write(p[:n])
	if err == io.EOF {
		f.rf.mu.Lock()
		f.rf.read[f.name] = [sha256.Size]byte(f.h.Sum(nil))
		f.rf.mu.Unlock()
	}
	return n, err
}

// Stat stats a file without opening it (fs.Stat would open it, and open(2)
// of a named pipe blocks), following symbolic links inside the directory.
func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.Stat(name)
}
