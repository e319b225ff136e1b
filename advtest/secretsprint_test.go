package advtest_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// snapshotHolder is how a host may keep a snapshot: by value inside its own
// struct, printed through a pointer.
type snapshotHolder struct {
	Name string
	Snap secrets.Snapshot
}

// TestSnapshotPrintedByValue: Snapshot and Resolver implement Format,
// GoString and LogValue on the pointer only, so a Snapshot held by value
// (a field of the host's struct, printed with %+v or slog) prints its
// pinned values. loader.Workspace uses value receivers for this reason
// ("so that a copy prints safely too").
func TestSnapshotPrintedByValue(t *testing.T) {
	store := secretstest.New(map[string]string{"ref+vault://secret/data/db#pw": secretPW})
	r, err := secrets.New(secrets.WithBackend(store))
	if err != nil {
		t.Fatal(err)
	}
	h := &snapshotHolder{Name: "engine"}
	// A fresh snapshot copied into the holder before any use (through
	// reflect, as a decoder or DI container would set the field).
	reflect.ValueOf(&h.Snap).Elem().Set(reflect.ValueOf(r.Snapshot()).Elem())
	if _, err := h.Snap.Resolve(context.Background(), "ref+vault://secret/data/db#pw"); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("state", "holder", h)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", h), "%+v": fmt.Sprintf("%+v", h), "%#v": fmt.Sprintf("%#v", h), "slog": logged.String(),
	} {
		if strings.Contains(out, secretPW) {
			t.Errorf("%s prints the pinned value: %.200s", name, out)
		}
	}
}

// TestFileReferenceThroughDirFSLink: with WithFiles(os.DirFS(dir)) a link
// that leads out of dir is refused (checkLinks).
func TestFileReferenceThroughDirFSLink(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "s.txt"), []byte("outside-"+secretPW), 0o600)
	dir := t.TempDir()
	os.Symlink(outside, filepath.Join(dir, "ln"))
	os.Symlink(filepath.Join(outside, "s.txt"), filepath.Join(dir, "abs.txt"))
	os.WriteFile(filepath.Join(dir, "state.tfstate"), []byte(`{"version":4,"resources":[]}`), 0o600)
	r, err := secrets.New(secrets.WithFiles(os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"ref+file://ln/s.txt", "ref+file://abs.txt", "ref+file://./ln/../ln/s.txt", "ref+tfstate://ln/s.txt/x", "ref+tfstate://../" + filepath.Base(outside) + "/s.txt/x", "ref+file:///" + filepath.Join(outside, "s.txt"), "ref+sops://ln/s.txt", "ref+file://ln%2Fs.txt"} {
		v, err := r.Resolve(context.Background(), ref)
		if strings.Contains(v, secretPW) {
			t.Errorf("%s read a file outside the root", ref)
		}
		if err != nil && strings.Contains(err.Error(), secretPW) {
			t.Errorf("%s: error holds the value: %v", ref, err)
		}
		t.Logf("%s: %v", ref, err)
	}
}
