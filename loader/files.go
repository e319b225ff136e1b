package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// workflowsDir is where Strøm's layout keeps the workflow files of a
// workspace: a root holding ".workflows/" is read from there, and the rest
// of the root (scripts, data, files that ref+file:// references read) is
// not merged.
const workflowsDir = ".workflows"

// ErrEmpty is returned when a workspace holds no workflow file.
var ErrEmpty = errors.New("no workflow files")

// openDir opens dir as a file system confined to it, and returns how to
// close it.
func openDir(dir string) (fs.FS, func(), error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("loader: %w", err)
	}
	return root.FS(), func() { root.Close() }, nil
}

// scanDir returns the directory below the root of fsys that holds the
// workflow files: ".workflows" when there is one, else the root itself.
func scanDir(fsys fs.FS) string {
	if st, err := fs.Stat(fsys, workflowsDir); err == nil && st.IsDir() {
		return workflowsDir
	}
	return "."
}

// found is what findFiles found below the root.
type found struct {
	dir   string   // the directory scanned (see scanDir)
	paths []string // workflow files, slash-separated paths from the root, sorted
	// skipped are files left out that a user may have meant to load (sops
	// files in a format the loader does not read), each a *FileError.
	skipped []error
}

// findFiles lists the workflow files of the workspace in lexical order of
// their paths, within the limits.
func findFiles(ctx context.Context, fsys fs.FS, cfg *config) (*found, error) {
	f := &found{dir: scanDir(fsys)}
	lim := cfg.limits
	err := fs.WalkDir(fsys, f.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &FileError{Path: p, Err: err}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := relativeTo(f.dir, p)
		if d.IsDir() {
			if p == f.dir {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") || cfg.excluded(rel) {
				return fs.SkipDir
			}
			if depth := strings.Count(rel, "/") + 1; depth > lim.MaxDepth {
				return &FileError{Path: p, Err: fmt.Errorf("%w: deeper than %d directories (MaxDepth)", ErrLimit, lim.MaxDepth)}
			}
			return nil
		}
		name := d.Name()
		if format := skippedSopsFormat(name); format != "" {
			f.skipped = append(f.skipped, &FileError{Path: p, Err: fmt.Errorf(
				"%w: a sops file in %s, which the loader does not read (workflow files are *.sops.yaml or *.sops.yml)", ErrSkipped, format)})
			return nil
		}
		if !isWorkflowFile(name) || cfg.excluded(rel) || !cfg.included(rel) {
			return nil
		}
		if len(f.paths) == lim.MaxFiles {
			return &FileError{Path: p, Err: fmt.Errorf("%w: more than %d YAML files (MaxFiles)", ErrLimit, lim.MaxFiles)}
		}
		f.paths = append(f.paths, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// WalkDir sorts by name within a directory, which puts "a/x.yaml" before
	// "a.yaml"; the contract is the lexical order of whole paths.
	slices.Sort(f.paths)
	return f, nil
}

// ErrSkipped is the cause of a warning about a file that looks meant for
// the loader but is not read (a sops file in JSON, say).
var ErrSkipped = errors.New("file skipped")

// relativeTo returns p relative to dir (both slash-separated, from the root).
func relativeTo(dir, p string) string {
	if dir == "." {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
}

func isWorkflowFile(name string) bool {
	if name == ".sops.yaml" || name == ".sops.yml" {
		return false // sops' creation rules, not a workflow
	}
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

func isSopsName(name string) bool {
	return strings.HasSuffix(name, ".sops.yaml") || strings.HasSuffix(name, ".sops.yml")
}

// skippedSopsFormat returns the format of a sops-named file the loader does
// not read ("JSON" for app.sops.json), or "".
func skippedSopsFormat(name string) string {
	i := strings.LastIndex(name, ".sops.")
	if i < 0 || isSopsName(name) {
		return ""
	}
	switch ext := name[i+len(".sops."):]; ext {
	case "json":
		return "JSON"
	case "env":
		return "dotenv format"
	case "ini":
		return "INI format"
	default:
		if ext == "" || strings.Contains(ext, ".") {
			return ""
		}
		return "the ." + ext + " format"
	}
}

// excluded reports whether rel (a path relative to the scanned directory)
// or one of its parent directories matches an exclude pattern.
func (c *config) excluded(rel string) bool {
	for _, pat := range c.exclude {
		for p := rel; p != "." && p != ""; p = path.Dir(p) {
			if ok, _ := doublestar.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

// included reports whether rel matches an include pattern, or whether there
// are none.
func (c *config) included(rel string) bool {
	if len(c.include) == 0 {
		return true
	}
	for _, pat := range c.include {
		if ok, _ := doublestar.Match(pat, rel); ok {
			return true
		}
	}
	return false
}

// readFiles reads every file, one after another (an fs.FS need not be safe
// for concurrent use), within the limits on one file and on them all.
func readFiles(ctx context.Context, fsys fs.FS, paths []string, lim Limits) ([]*file, error) {
	files := make([]*file, len(paths))
	var total int64
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := &file{path: p}
		f.data, f.err = readLimited(fsys, p, lim.MaxFileSize)
		total += int64(len(f.data))
		if total > lim.MaxTotalSize {
			return nil, &FileError{Path: p, Err: fmt.Errorf("%w: the workspace's files hold more than %d bytes (MaxTotalSize)", ErrLimit, lim.MaxTotalSize)}
		}
		files[i] = f
	}
	return files, nil
}

func readLimited(fsys fs.FS, p string, max int64) ([]byte, error) {
	fh, err := fsys.Open(p)
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.Size() > max {
		return nil, &FileError{Path: p, Err: fmt.Errorf("%w: larger than %d bytes (MaxFileSize)", ErrLimit, max)}
	}
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	if int64(len(data)) > max {
		return nil, &FileError{Path: p, Err: fmt.Errorf("%w: larger than %d bytes (MaxFileSize)", ErrLimit, max)}
	}
	return data, nil
}
