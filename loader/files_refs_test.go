package loader_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
)

// TestFileReferencesStayInTheWorkspace: ref+file:// and ref+sops:// read
// the workspace's own files, relative to its root, whatever the working
// directory; nothing above it, through a link out of it, or absolute.
func TestFileReferencesStayInTheWorkspace(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	const hostSecret = "S3CRET-host-file"
	if err := os.WriteFile(filepath.Join(base, "host-secret.txt"), []byte(hostSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ref string
		want      string // "" for a refusal
	}{
		{"relative, inside", "ref+file://data/token.txt", "inside-value-1"},
		{"dot-relative, inside", "ref+file://./data/token.txt", "inside-value-1"},
		{"above the root", "ref+file://../host-secret.txt", ""},
		{"deep above the root", "ref+file://data/../../host-secret.txt", ""},
		{"absolute", "ref+file://" + filepath.Join(base, "host-secret.txt"), ""},
		{"through a link out of the root", "ref+file://link/host-secret.txt", ""},
		{"sops above the root", "ref+sops://../host-secret.txt", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// Each case its own workspace, with the same data and link.
			for _, p := range []string{"data/token.txt"} {
				os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
				os.WriteFile(filepath.Join(dir, p), []byte("inside-value-1"), 0o600)
			}
			os.Symlink(base, filepath.Join(dir, "link"))
			os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("secrets:\n  X: \"{{ '"+tt.ref+"' | vals }}\"\n"), 0o600)
			w, err := loader.LoadDir(t.Context(), dir)
			if tt.want != "" {
				if err != nil || w.Secrets()["X"] != tt.want {
					t.Fatalf("LoadDir: %s", testkit.Show(err))
				}
				return
			}
			if !errors.Is(err, secrets.ErrOutsideRoot) {
				t.Errorf("err = %s, want ErrOutsideRoot", testkit.Show(err))
			}
			if err != nil {
				testkit.AssertNoLeak(t, "error", err.Error(), hostSecret)
			}
		})
	}
}

// A workspace loaded from an fs.FS reads its references from that fs.FS.
func TestFileReferencesReadTheGivenFS(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml":         {Data: []byte("secrets:\n  X: \"{{ 'ref+file://vault/api.yaml#/token' | vals }}\"\n")},
		"vault/api.yaml": {Data: []byte("token: from-the-fs-1\n")},
	}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Secrets()["X"] != "from-the-fs-1" {
		t.Errorf("X = %v", ws.Secrets()["X"])
	}
}

// A fragment that points at a date is a scalar, with the text it was
// written with.
func TestFileReferenceToADate(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml":          {Data: []byte("secrets:\n  DAY: \"{{ 'ref+file://vault/data.yaml#/day' | vals }}\"\n  BARE: ref+file://vault/data.yaml#/day\n")},
		"vault/data.yaml": {Data: []byte("day: 2024-01-01\n")},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithExclude("vault"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"DAY", "BARE"} {
		if got := ws.Secrets()[k]; got != "2024-01-01" {
			t.Errorf("%s = %v, want 2024-01-01", k, got)
		}
	}
}
