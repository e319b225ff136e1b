//go:build unix

package loader_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hushflow/hushflow/loader"
)

// specialFile makes, in dir, a file named name that is not a regular file.
// It returns false (and says why in the log) when the system does not let
// the test make it.
type specialFile struct {
	name string
	make func(t *testing.T, dir string) bool
	// notRegular: the error wraps loader.ErrNotRegular (a link that leaves
	// the root is refused by the os.Root before that).
	notRegular bool
}

var specialFiles = []specialFile{
	{"pipe.yaml", func(t *testing.T, dir string) bool {
		return mkfifo(t, filepath.Join(dir, "pipe.yaml"))
	}, true},
	{"pipe-link.yaml", func(t *testing.T, dir string) bool {
		return mkfifo(t, filepath.Join(dir, "pipe")) && symlink(t, "pipe", filepath.Join(dir, "pipe-link.yaml"))
	}, true},
	{"socket.yaml", func(t *testing.T, dir string) bool {
		l, err := net.Listen("unix", filepath.Join(dir, "socket.yaml"))
		if err != nil {
			t.Logf("no unix socket: %v", err)
			return false
		}
		t.Cleanup(func() { l.Close() })
		return true
	}, true},
	{"device.yaml", func(t *testing.T, dir string) bool {
		return mknodNull(t, filepath.Join(dir, "device.yaml"))
	}, true},
	{"device-link.yaml", func(t *testing.T, dir string) bool {
		return mknodNull(t, filepath.Join(dir, "null")) && symlink(t, "null", filepath.Join(dir, "device-link.yaml"))
	}, true},
	{"dev-null-link.yaml", func(t *testing.T, dir string) bool {
		return symlink(t, "/dev/null", filepath.Join(dir, "dev-null-link.yaml"))
	}, false},
}

func mkfifo(t *testing.T, p string) bool {
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Logf("no named pipe: %v", err)
		return false
	}
	// Whatever happens, a reader blocked on the pipe is let go at the end
	// (a writer that opens and closes it gives the reader EOF).
	t.Cleanup(func() {
		if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	return true
}

// mknodNull makes a character device like /dev/null (1, 3), which needs
// CAP_MKNOD.
func mknodNull(t *testing.T, p string) bool {
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o600, 1<<8|3); err != nil {
		t.Logf("no device node (needs CAP_MKNOD): %v", err)
		return false
	}
	return true
}

func symlink(t *testing.T, target, p string) bool {
	if err := os.Symlink(target, p); err != nil {
		t.Logf("no symbolic link: %v", err)
		return false
	}
	return true
}

// withinDeadline runs f and fails the test if it has not returned after
// d: a load that blocks in open(2) or read(2) ignores its context.
func withinDeadline(t *testing.T, d time.Duration, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("%s still blocked after %v", what, d)
		return nil
	}
}

// TestSpecialFilesAreRefused checks that a named pipe, a socket or a device
// named *.yaml (directly, or through a symbolic link inside the root) is
// refused with a *FileError naming it, at once: through LoadDir, through
// Load of an fs.FS, and through a Reloader whose directory gains one.
func TestSpecialFilesAreRefused(t *testing.T) {
	t.Parallel()
	for _, sf := range specialFiles {
		t.Run(sf.name, func(t *testing.T) {
			t.Parallel()
			dir, err := os.MkdirTemp("", "hf") // short: a socket's path is limited
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("actions:\n  a: {cmd: echo}\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := loader.NewDirReloader(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			before := r.Workspace()
			if !sf.make(t, dir) {
				t.Skip("the system does not let the test make this kind of file (see the log)")
			}
			check := func(what string, err error) {
				t.Helper()
				var fe *loader.FileError
				switch {
				case err == nil:
					t.Errorf("%s: loaded a workspace with %s", what, sf.name)
				case !errors.As(err, &fe) || fe.Path != sf.name:
					t.Errorf("%s: error %v, want a *FileError for %s", what, err, sf.name)
				case sf.notRegular && !errors.Is(err, loader.ErrNotRegular):
					t.Errorf("%s: error %v, want ErrNotRegular", what, err)
				}
			}
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			check("LoadDir", withinDeadline(t, 10*time.Second, "LoadDir", func() error {
				_, err := loader.LoadDir(ctx, dir)
				return err
			}))
			check("Load(os.DirFS)", withinDeadline(t, 10*time.Second, "Load", func() error {
				_, err := loader.Load(ctx, os.DirFS(dir))
				return err
			}))
			check("Reload", withinDeadline(t, 10*time.Second, "Reload", func() error {
				return r.Reload(ctx)
			}))
			if r.Workspace() != before {
				t.Error("a failed reload replaced the workspace")
			}
		})
	}
}

// TestReferenceToSpecialFileIsRefused checks that a ref+file:// reference
// to a named pipe in the workspace fails at once instead of blocking the
// load in open(2).
func TestReferenceToSpecialFileIsRefused(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "hf")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("secrets:\n  T: \"{{ 'ref+file://pipe' | vals }}\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !mkfifo(t, filepath.Join(dir, "pipe")) {
		t.Skip("the system does not let the test make a named pipe (see the log)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	err = withinDeadline(t, 10*time.Second, "LoadDir", func() error {
		_, err := loader.LoadDir(ctx, dir)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadDir: %v, want the reference refused as not a regular file", err)
	}
}
