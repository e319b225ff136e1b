package loader

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// Load reads the workspace rooted at fsys. See the package documentation for
// which files it reads and how it merges them. ref+file:// and ref+sops://
// references read from fsys too. The error, if any, joins one [*FileError]
// a bad file.
func Load(ctx context.Context, fsys fs.FS, opts ...Option) (*Workspace, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	st, err := newState(cfg, fsys)
	if err != nil {
		return nil, err
	}
	return st.load(ctx, source{fsys: fsys})
}

// LoadDir loads the workspace in the directory dir. Every file is opened
// through an [os.Root], so a symbolic link cannot lead outside dir, and so
// are the files ref+file:// and ref+sops:// references read, relative to
// dir whatever the process's working directory.
func LoadDir(ctx context.Context, dir string, opts ...Option) (*Workspace, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	st, err := newState(cfg, dirFS{dir})
	if err != nil {
		return nil, err
	}
	return st.loadDir(ctx, dir)
}

// loadDir loads dir through an os.Root held for the whole load, so that
// one load sees one directory even if dir is a link swapped meanwhile.
func (st *state) loadDir(ctx context.Context, dir string) (*Workspace, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	defer root.Close()
	return st.load(ctx, source{fsys: root.FS(), root: root, name: dir})
}

// load is one load of the files of src with the source's state. Only a
// load that succeeds replaces the parse cache's content.
func (st *state) load(ctx context.Context, src source) (*Workspace, error) {
	cfg := st.cfg
	found, err := findFiles(ctx, src.fsys, cfg)
	if err != nil {
		return nil, err
	}
	if len(found.paths) == 0 {
		return nil, emptyError(found, src.name)
	}
	files, err := st.readAndParse(ctx, src, found.paths)
	if err != nil {
		return nil, err
	}

	mg := st.lastMerge.reuse(files)
	if mg == nil {
		mg = merge(st, files)
	}
	if len(mg.problems) > 0 && !cfg.skipBadFiles {
		return nil, errors.Join(mg.problems...)
	}
	w := mg.workspace(st)
	w.warnings = slices.Concat(found.skipped, mg.problems, mg.notes)
	if st.cache != nil {
		// A reload: references that read a file that changed since are
		// fetched fresh, whatever their TTL says (a rotated token file).
		if changed := st.refFiles.changed(ctx); len(changed) > 0 {
			st.resolver.ExpireFiles(changed...)
		}
	}
	// A typo in a template fails the load before anything resolves.
	if err := mg.index(w, st.lastMerge); err != nil {
		return nil, err
	}
	if err := w.renderSections(ctx, mg.m); err != nil {
		return nil, err
	}
	if st.cache != nil {
		st.cache.keep(files)
		st.lastMerge = mg
	}
	return w, nil
}

// merged is what merging the parsed files of a load gave. Nothing in it
// changes once made, so the next load that finds the very same parsed
// files (none changed, added, removed or reordered) takes it as it is
// instead of merging again; the secrets: and connections: sections are
// rendered anew all the same.
type merged struct {
	files    []*file // as parsed, in load order
	m        *merger
	problems []error // files that did not parse or merge, each a *FileError
	notes    []error
	// what the workspace takes from it (see Workspace)
	fileList        []File
	encrypted       map[*yaml.Node]bool
	encryptedValues []string

	// The templates' checks (indexTemplates, indexShell) depend on the
	// merged files only: a reload that reuses the merge reuses them. A
	// merge that is not reused still takes from the last good one what
	// does not depend on the other files: what each template text reads,
	// and the shell commands that passed the shell check.
	indexed   bool
	templates *templateIndex
	shell     map[string]bool
}

// index checks every template of the merge and tells w which render as
// shell commands, once per merge; last (which may be nil) is the merge of
// the last good load. Only a load whose index succeeded keeps its merge
// for the next one, so a merge that is reused was indexed already and is
// only read.
func (mg *merged) index(w *Workspace, last *merged) error {
	if !mg.indexed {
		var lastTemplates *templateIndex
		var lastShell map[string]bool
		if last != nil {
			lastTemplates, lastShell = last.templates, last.shell
		}
		templates, err := w.indexTemplates(mg.m, lastTemplates)
		if err != nil {
			return err
		}
		if err := w.indexShell(mg.m, lastShell); err != nil {
			return err
		}
		mg.templates, mg.shell, mg.indexed = templates, w.shell, true
	}
	w.shell = mg.shell
	return nil
}

// merge merges files in order, and lists the leaves that were encrypted
// at rest in them and their values.
func merge(st *state, files []*file) *merged {
	// Sized as the last good merge was: a reload changes little.
	var lastMerger *merger
	encrypted, values := 0, 0
	if last := st.lastMerge; last != nil {
		lastMerger, encrypted, values = last.m, len(last.encrypted), len(last.encryptedValues)
	}
	mg := &merged{files: files, m: newMerger(lastMerger)}
	w := &Workspace{
		st: st, files: make([]File, 0, len(files)), encrypted: make(map[*yaml.Node]bool, encrypted),
		encryptedValues: make([]string, 0, values), seenValues: make(map[string]bool, values),
	}
	for _, f := range files {
		err := f.err
		if err == nil {
			err = mg.m.add(f)
		}
		if err != nil {
			mg.problems = append(mg.problems, err)
			continue
		}
		w.addFile(f)
		mg.notes = append(mg.notes, f.notes...)
	}
	// Kept, these would keep every earlier merge alive, and the check's
	// scratch what the last file held.
	mg.m.last, mg.m.fc = nil, fileCheck{}
	mg.fileList, mg.encrypted, mg.encryptedValues = w.files, w.encrypted, w.encryptedValues
	return mg
}

// reuse returns mg if files are the very files it merged, else nil. A nil
// mg reuses nothing.
func (mg *merged) reuse(files []*file) *merged {
	if mg == nil || !slices.Equal(mg.files, files) {
		return nil
	}
	return mg
}

// workspace returns a workspace of the merged files, its sections not yet
// rendered. Workspaces share what is merged: they never change it.
func (mg *merged) workspace(st *state) *Workspace {
	return &Workspace{
		st: st, doc: mg.m.document(), origin: mg.m.origin,
		files: mg.fileList, encrypted: mg.encrypted, encryptedValues: mg.encryptedValues,
	}
}

// emptyError says that a workspace holds no workflow file, and where the
// loader looked.
func emptyError(f *found, name string) error {
	where := "the workspace root"
	if name != "" {
		where = name
	}
	if f.dir != "." {
		where += "/" + f.dir
	}
	return fmt.Errorf("loader: %w: no *.yaml or *.yml file in %s", ErrEmpty, where)
}

// file is one workflow file on its way through a load.
type file struct {
	path      string
	data      []byte       // the file's bytes (the parse cache compares a reread with them)
	docs      []*yaml.Node // plaintext documents
	encrypted bool
	keyID     string              // the keys it was decrypted with (see keyIDOf)
	dataKey   sopsdec.DataKey     // its data key, for its next version (see parseCache.dataKey)
	marked    map[*yaml.Node]bool // the leaves that were encrypted at rest
	values    []string            // their values, each once, in document order
	// mergeKeyErrs are the merge-key problems of each document (see
	// mergeKeyErrors), reported when the file is merged.
	mergeKeyErrs [][]error
	err          error   // a *FileError
	notes        []error // warnings about the file, each a *FileError
}

// readAndParse reads the files (see readFiles) and parses, decrypts and
// checks the templates of each in parallel as soon as it is read, so that
// reading the next files overlaps parsing; merging, which depends on file
// order, happens afterwards. Files taken from the cache are neither
// parsed, decrypted nor checked again. Problems with a file are its err;
// readAndParse fails on a limit on all the files, or when ctx is done,
// and returns only once no file is parsing any more.
func (st *state) readAndParse(ctx context.Context, src source, paths []string) ([]*file, error) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	files, err := st.readFiles(ctx, src, paths, func(f *file) {
		g.Go(func() error {
			if ctx.Err() == nil {
				f.err = st.parseFile(ctx, f)
			}
			return nil
		})
	})
	g.Wait()
	if err != nil {
		return nil, err
	}
	return files, ctx.Err()
}

// parseFile parses f once: detection, decryption (sops' tree is built from
// the same documents) and the template checks all work on that parse.
func (st *state) parseFile(ctx context.Context, f *file) error {
	docs, err := parseDocuments(f.data, st.cfg.limits.MaxNodes)
	if err != nil {
		return &FileError{Path: f.path, Line: yamlErrorLine(err), Err: err}
	}
	// A file that carries sops metadata or sops-encrypted values is
	// decrypted whatever its name: it never loads as plaintext.
	if isSopsName(path.Base(f.path)) || sopsdec.Detect(docs) {
		keys := st.keys
		if known, ok := st.cache.dataKey(f.path, st.keyID); ok {
			keys = keys.Knowing(known)
		}
		pt, err := sopsdec.DecryptDocs(ctx, docs, keys)
		if err != nil {
			return sopsFileError(f.path, err)
		}
		docs, f.encrypted, f.marked, f.keyID, f.dataKey = pt.Docs, true, pt.Encrypted, st.keyID, pt.Key
		// The redactor learns the plaintext as soon as it exists, whatever
		// becomes of the file (on another core than the files still
		// parsing, instead of one after another in the merge).
		f.values = markedValues(docs, f.marked)
		st.redactor.Add(f.values...)
	}
	f.docs = docs
	if err := validateShape(f); err != nil {
		return err
	}
	f.mergeKeyErrs = mergeKeyErrors(f)
	return st.checkTemplates(f)
}

// yamlLine finds the line a YAML parse error names ("line 3: …").
var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// yamlErrorLine returns the line a YAML parse error names, or 0.
func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func validateShape(f *file) error {
	for _, doc := range f.docs {
		if _, err := topMapping(doc); err != nil {
			return &FileError{Path: f.path, Err: err}
		}
	}
	return nil
}
