package loader

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/bmatcuk/doublestar/v4"
)

// workflowsDir is where Strøm's layout keeps the workflow files of a
// workspace: a root holding ".workflows/" is read from there, and the rest
// of the root (scripts, data, files that ref+file:// references read) is
// not merged.
const workflowsDir = ".workflows"

// ErrEmpty is returned when a workspace holds no workflow file.
var ErrEmpty = errors.New("no workflow files")

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

// source is where a load reads the workspace's files: an fs.FS, and for a
// directory the os.Root it was opened through, which opens files without
// blocking (see openRegular).
type source struct {
	fsys fs.FS
	root *os.Root // nil for an fs.FS
	name string   // the directory, for messages; "" for an fs.FS
}

// ErrNotRegular is the cause of the error about a workflow file that is
// not a regular file: a named pipe, a socket or a device (named *.yaml),
// directly or through a symbolic link. Opening or reading one could block
// a load for good, or read without end.
var ErrNotRegular = errors.New("not a regular file")

// readFiles reads every file, one after another (an fs.FS need not be safe
// for concurrent use), within the limits on one file and on them all. A
// file whose content the parse cache holds (by path, the bytes just read
// and keys) is the cached file, the bytes just read dropped; the others
// keep their bytes and are handed to parse as soon as they are read.
// Every file is read into one buffer, so that a reload that finds most
// files unchanged allocates for the changed ones only. A file that cannot
// be read gets its error in err; readFiles fails on a limit on them all,
// or when ctx is done.
func (st *state) readFiles(ctx context.Context, src source, paths []string, parse func(*file)) ([]*file, error) {
	lim := st.cfg.limits
	files := make([]*file, len(paths))
	var total int64
	var buf bytes.Buffer
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := readLimited(ctx, src, p, lim.MaxFileSize, &buf)
		total += int64(len(data))
		if total > lim.MaxTotalSize {
			return nil, &FileError{Path: p, Err: fmt.Errorf("%w: the workspace's files hold more than %d bytes (MaxTotalSize)", ErrLimit, lim.MaxTotalSize)}
		}
		if err == nil {
			if seen := st.cache.lookup(p, data, st.keyID); seen != nil {
				files[i] = seen
				continue
			}
		}
		f := &file{path: p, data: bytes.Clone(data), err: err}
		files[i] = f
		if err == nil {
			parse(f)
		}
	}
	return files, nil
}

// openRegular opens p if it is a regular file, and refuses anything else
// without blocking. The type is checked with Stat (following a symbolic
// link) before the open, so that no device is even opened, and again with
// fstat on what was opened. Through an os.Root the open also passes
// O_NONBLOCK, so that a named pipe that took the file's place between the
// two checks does not block open(2) (an fs.FS offers no such flag).
func openRegular(src source, p string) (fs.File, error) {
	st, err := fs.Stat(src.fsys, p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(st.Mode())
	}
	var fh fs.File
	if src.root != nil {
		fh, err = src.root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	} else {
		fh, err = src.fsys.Open(p)
	}
	if err != nil {
		return nil, err
	}
	if st, err = fh.Stat(); err == nil && !st.Mode().IsRegular() {
		err = notRegular(st.Mode())
	}
	if err != nil {
		fh.Close()
		return nil, err
	}
	return fh, nil
}

// notRegular says what kind of file a workflow path turned out to be.
func notRegular(m fs.FileMode) error {
	kind := "a special file"
	switch {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%w: %s", ErrNotRegular, kind)
}

// readLimited reads p into buf (which it resets first) and returns its
// bytes, valid until buf is used again.
func readLimited(ctx context.Context, src source, p string, max int64, buf *bytes.Buffer) ([]byte, error) {
	fh, err := openRegular(src, p)
	if err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	defer fh.Close()
	var size int64
	if st, err := fh.Stat(); err == nil {
		size = st.Size()
	}
	if size > max {
		return nil, &FileError{Path: p, Err: fmt.Errorf("%w: larger than %d bytes (MaxFileSize)", ErrLimit, max)}
	}
	// Room for the size Stat gave (and to see the end, or a file that
	// grew), instead of growing one read at a time.
	buf.Reset()
	buf.Grow(int(size) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(ctxReader{ctx, fh}, max+1)); err != nil {
		return nil, &FileError{Path: p, Err: err}
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, &FileError{Path: p, Err: fmt.Errorf("%w: larger than %d bytes (MaxFileSize)", ErrLimit, max)}
	}
	return data, nil
}

// ctxReader stops reading once its context is done: a file on a slow or
// hung file system does not hold a load past its deadline longer than one
// read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
