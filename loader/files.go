package loader

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// openDir opens dir as a file system confined to it, and returns how to
// close it.
func openDir(dir string) (fs.FS, func(), error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("loader: %w", err)
	}
	return root.FS(), func() { root.Close() }, nil
}

// findFiles lists the workflow files below the root in lexical order of
// their paths.
func findFiles(ctx context.Context, fsys fs.FS, lim Limits) ([]string, error) {
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &FileError{Path: p, Err: err}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			if depth := strings.Count(p, "/") + 1; depth > lim.MaxDepth {
				return &FileError{Path: p, Err: fmt.Errorf("%w: deeper than %d directories (MaxDepth)", ErrLimit, lim.MaxDepth)}
			}
			return nil
		}
		if !isWorkflowFile(name) {
			return nil
		}
		if len(paths) == lim.MaxFiles {
			return &FileError{Path: p, Err: fmt.Errorf("%w: more than %d YAML files (MaxFiles)", ErrLimit, lim.MaxFiles)}
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// WalkDir sorts by name within a directory, which puts "a/x.yaml" before
	// "a.yaml"; the contract is the lexical order of whole paths.
	slices.Sort(paths)
	return paths, nil
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

// readFiles reads every file, one after another: an fs.FS need not be safe
// for concurrent use.
func readFiles(ctx context.Context, fsys fs.FS, paths []string, lim Limits) ([]*file, error) {
	files := make([]*file, len(paths))
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := &file{path: p}
		f.data, f.err = readLimited(fsys, p, lim.MaxFileSize)
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
