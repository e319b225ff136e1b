package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

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
	opts := append(cfg.resolverOpts[:len(cfg.resolverOpts):len(cfg.resolverOpts)],
		secrets.WithFiles(refs), secrets.WithOnResolved(func(v string) { st.redactor.Add(v) }))
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
