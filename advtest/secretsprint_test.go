package advtest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/secrets"
)

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
