package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sync"

	"github.com/getsops/sops/v3/keyservice"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// Load reads the workspace rooted at fsys. See the package documentation for
// which files it reads and how it merges them. The error, if any, joins one
// [*FileError] a bad file.
func Load(ctx context.Context, fsys fs.FS, opts ...Option) (*Workspace, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	svcs, err := keyServices(cfg.ageIdentities)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	found, err := findFiles(ctx, fsys, cfg)
	if err != nil {
		return nil, err
	}
	if len(found.paths) == 0 {
		return nil, emptyError(found)
	}
	files, err := readFiles(ctx, fsys, found.paths, cfg.limits)
	if err != nil {
		return nil, err
	}
	parseAll(ctx, files, cfg.limits, svcs, cfg.cache)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg.cache.keep(files)

	var problems []error
	m := newMerger()
	w := &Workspace{}
	for _, f := range files {
		err := f.err
		if err == nil {
			err = m.add(f)
		}
		if err != nil {
			problems = append(problems, err)
			continue
		}
		w.addFile(f)
	}
	if len(problems) > 0 && !cfg.skipBadFiles {
		return nil, errors.Join(problems...)
	}
	w.warnings = append(found.skipped, problems...)
	w.doc, w.origin = m.document(), m.origin

	rr := cfg.renderer
	if rr == nil {
		if rr, err = newRenderer(cfg); err != nil {
			return nil, err
		}
	}
	rendered, err := rr.renderSecrets(ctx, m)
	if err != nil {
		return nil, err
	}
	rr.redactor.Add(w.secrets...)
	w.secretSection, w.renderer = rendered, rr
	return w, nil
}

// newConfig applies opts over the defaults and validates the result.
func newConfig(opts []Option) (*config, error) {
	cfg := &config{limits: DefaultLimits()}
	for _, o := range opts {
		o(cfg)
	}
	if err := cfg.limits.validate(); err != nil {
		return nil, err
	}
	if err := validatePatterns("WithInclude", cfg.include); err != nil {
		return nil, err
	}
	if err := validatePatterns("WithExclude", cfg.exclude); err != nil {
		return nil, err
	}
	return cfg, nil
}

// emptyError says that a workspace holds no workflow file, and where the
// loader looked.
func emptyError(f *found) error {
	where := "the workspace root"
	if f.dir != "." {
		where = "the workspace's " + f.dir + " directory"
	}
	return fmt.Errorf("loader: %w: no *.yaml or *.yml file in %s", ErrEmpty, where)
}

// LoadDir loads the workspace in the directory dir. Every file is opened
// through an [os.Root], so a symbolic link cannot lead outside dir.
func LoadDir(ctx context.Context, dir string, opts ...Option) (*Workspace, error) {
	fsys, done, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	defer done()
	return Load(ctx, fsys, opts...)
}

// file is one workflow file on its way through a load.
type file struct {
	path      string
	data      []byte
	docs      []*yaml.Node // plaintext documents
	encrypted bool
	secrets   []string // plaintext of the leaves that were encrypted at rest
	marked    []*yaml.Node
	err       error // a *FileError
}

// parseAll parses and decrypts the files in parallel; merging, which depends
// on file order, happens afterwards. A file whose content the cache has seen
// is taken from it, neither parsed nor decrypted again.
func parseAll(ctx context.Context, files []*file, lim Limits, svcs []keyservice.KeyServiceClient, cache *parseCache) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, f := range files {
		if f.err != nil {
			continue
		}
		if seen := cache.lookup(f); seen != nil {
			files[i] = seen
			continue
		}
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			f.err = parseFile(f, lim, svcs)
		})
	}
	wg.Wait()
}

func parseFile(f *file, lim Limits, svcs []keyservice.KeyServiceClient) error {
	docs, err := parseDocuments(f.data, lim.MaxNodes)
	if err != nil {
		return &FileError{Path: f.path, Err: err}
	}
	// A file that carries sops metadata or sops-encrypted values is
	// decrypted whatever its name: it never loads as plaintext.
	if !isSopsName(path.Base(f.path)) && !sopsdec.Detect(docs) {
		f.docs = docs
		return validateShape(f)
	}
	// TODO(lead): the load's ctx, once parseFile is given it.
	pt, err := sopsdec.Decrypt(context.TODO(), f.data, sopsdec.YAML, keysOf(svcs))
	if err != nil {
		return sopsFileError(f.path, err)
	}
	f.docs, f.encrypted = pt.Docs, true
	f.marked, f.secrets = encryptedLeaves(pt)
	return validateShape(f)
}

func validateShape(f *file) error {
	for _, doc := range f.docs {
		if _, err := topMapping(doc); err != nil {
			return &FileError{Path: f.path, Err: err}
		}
	}
	return nil
}
