package secrets_test

// Issue 14: file and sops references read only inside the workspace.

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"filippo.io/age"

	"github.com/hushflow/hushflow/secrets"
)

const dbYAML = "db:\n  password: S3CRET-file\n  port: 5432\n  ratio: 1.50\n  tls: true\n  since: 2024-01-01\n  none: null\n  hosts: [S3CRET-h1]\n" +
	"base: &b\n  user: app\nmerged:\n  <<: *b\n  own: x\n"

func workspaceFS() fstest.MapFS {
	return fstest.MapFS{
		"conf/db.yaml":     {Data: []byte(dbYAML)},
		"conf/db.json":     {Data: []byte(`{"db": {"password": "S3CRET-json", "port": 5432}}`)},
		"token.txt":        {Data: []byte("S3CRET-whole")},
		"scalar.yaml":      {Data: []byte("S3CRET-scalar\n")},
		"broken.yaml":      {Data: []byte("S3CRET-broken: [\n  x: {\n")},
		"alias.yaml":       {Data: []byte("conf/db.yaml"), Mode: fs.ModeSymlink},
		"conf/up.yaml":     {Data: []byte("../token.txt"), Mode: fs.ModeSymlink},
		"escape.yaml":      {Data: []byte("../outside.yaml"), Mode: fs.ModeSymlink},
		"conf/escape.yaml": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
	}
}

func TestWithFilesReadsInsideTheWorkspace(t *testing.T) {
	t.Parallel()
	r := newValsResolver(t, secrets.WithFiles(workspaceFS()))
	for _, tc := range []struct{ in, want string }{
		{"ref+file://conf/db.yaml#/db/password", "S3CRET-file"},
		{"ref+file://./conf/db.yaml#/db/password", "S3CRET-file"},
		{"ref+file://conf/x/../db.yaml#/db/password", "S3CRET-file"},
		{"ref+file://conf/db.yaml#/db/port", "5432"},
		{"ref+file://conf/db.yaml#/db/ratio", "1.5"},
		{"ref+file://conf/db.yaml#/db/tls", "true"},
		{"ref+file://conf/db.yaml#/db/since", "2024-01-01"}, // a date is a scalar
		{"ref+file://conf/db.yaml#/merged/user", "app"},
		{"ref+file://conf/db.json#/db/password", "S3CRET-json"},
		{"ref+file://token.txt", "S3CRET-whole"},
		{"ref+file://token.txt?encode=base64", base64.StdEncoding.EncodeToString([]byte("S3CRET-whole"))},
		{"ref+file://alias.yaml#/db/password", "S3CRET-file"}, // a link inside the workspace
		{"ref+file://conf/up.yaml", "S3CRET-whole"},
		{"pw=ref+file://conf/db.yaml#/db/password+;", "pw=S3CRET-file;"},
	} {
		got, err := r.Resolve(t.Context(), tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q): wrong value (err %s)", tc.in, show(err))
		}
	}
}

func TestWithFilesRefusesWhatIsOutside(t *testing.T) {
	t.Parallel()
	r := newValsResolver(t, secrets.WithFiles(workspaceFS()))
	leaks := []string{"S3CRET"}
	for _, tc := range []struct {
		in, wantRef string
		want        error
		text        string
	}{
		{"ref+file://../outside.yaml#/a", "ref+file://../outside.yaml#/a", secrets.ErrOutsideRoot, "above the root"},
		{"ref+file://conf/../../x", "ref+file://conf/../../x", secrets.ErrOutsideRoot, "above the root"},
		{"ref+file:///etc/passwd", "ref+file:///etc/passwd", secrets.ErrOutsideRoot, "WithAbsoluteDirs"},
		{"ref+sops:///etc/secrets.yaml#/a", "ref+sops:///etc/secrets.yaml#/a", secrets.ErrOutsideRoot, "WithAbsoluteDirs"},
		{"ref+file://escape.yaml#/a", "ref+file://escape.yaml#/a", secrets.ErrOutsideRoot, "symbolic link"},
		{"ref+file://conf/escape.yaml", "ref+file://conf/escape.yaml", secrets.ErrOutsideRoot, "symbolic link"},
		{"ref+file://nope.yaml#/a", "ref+file://nope.yaml#/a", secrets.ErrNotFound, "no such file"},
		{"ref+file://conf/db.yaml#/db/user", "ref+file://conf/db.yaml#/db/user", secrets.ErrNotFound, "no key #/db/user"},
		{"ref+file://conf/db.yaml#/db/password/x", "ref+file://conf/db.yaml#/db/password/x", secrets.ErrNotFound, `key "password" of #/db/password/x holds a scalar`},
		{"ref+file://conf/db.yaml#/db/none", "ref+file://conf/db.yaml#/db/none", secrets.ErrNotFound, "null"},
		{"ref+file://conf/db.yaml#/db", "ref+file://conf/db.yaml#/db", secrets.ErrNotScalar, "#/fragment"},
		{"ref+file://conf/db.yaml#/db/hosts", "ref+file://conf/db.yaml#/db/hosts", secrets.ErrNotScalar, ""},
		{"ref+file://scalar.yaml#/a", "ref+file://scalar.yaml#/a", secrets.ErrNotFound, "not a map"},
		{"ref+file://broken.yaml#/a", "ref+file://broken.yaml#/a", secrets.ErrBackend, "withheld"},
		{"ref+file://token.txt?encode=S3CRET-enc", "ref+file://token.txt", secrets.ErrInvalidRef, "encode"},
	} {
		_, err := r.Resolve(t.Context(), tc.in)
		wantSafeErr(t, err, tc.wantRef, tc.want, tc.text, leaks)
		// The error names the path once: in the reference.
		if err != nil {
			if p := strings.TrimPrefix(strings.SplitN(strings.SplitN(tc.wantRef, "#", 2)[0], "?", 2)[0], "ref+file://"); strings.Count(err.Error(), p) > 1 {
				t.Errorf("error %q names the path more than once", show(err))
			}
		}
	}
}

// An os.Root refuses links out of the workspace, and so does the link check
// for os.DirFS; absolute paths are read only under WithAbsoluteDirs.
func TestFilesOnDisk(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "host-secret.txt"), "S3CRET-host")
	ws := t.TempDir()
	writeFile(t, filepath.Join(ws, "app.yaml"), "pw: S3CRET-ws\n")
	if err := os.Symlink(filepath.Join(outside, "host-secret.txt"), filepath.Join(ws, "abs-link.txt")); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(ws, filepath.Join(outside, "host-secret.txt"))
	if err := os.Symlink(rel, filepath.Join(ws, "rel-link.txt")); err != nil {
		t.Fatal(err)
	}
	mounted := t.TempDir()
	writeFile(t, filepath.Join(mounted, "db-password"), "S3CRET-mounted")
	if err := os.Symlink(filepath.Join(outside, "host-secret.txt"), filepath.Join(mounted, "leak")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(ws)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	for name, fsys := range map[string]fs.FS{"os.Root": root.FS(), "os.DirFS": os.DirFS(ws)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newValsResolver(t, secrets.WithFiles(fsys), secrets.WithAbsoluteDirs(mounted))
			if v, err := r.Resolve(t.Context(), "ref+file://app.yaml#/pw"); err != nil || v != "S3CRET-ws" {
				t.Errorf("inside the workspace: %s", show(err))
			}
			if v, err := r.Resolve(t.Context(), "ref+file://"+mounted+"/db-password"); err != nil || v != "S3CRET-mounted" {
				t.Errorf("under an allowed directory: %s", show(err))
			}
			for _, in := range []string{
				"ref+file://abs-link.txt", "ref+file://rel-link.txt",
				"ref+file://" + outside + "/host-secret.txt",
				"ref+file://" + mounted + "/../" + filepath.Base(outside) + "/host-secret.txt",
				"ref+file://" + mounted + "/leak",
			} {
				_, err := r.Resolve(t.Context(), in)
				if !errors.Is(err, secrets.ErrOutsideRoot) {
					t.Errorf("Resolve(%q): %s, want ErrOutsideRoot", in, show(err))
				}
				if err != nil {
					assertNoLeak(t, "error", err.Error(), "S3CRET-host")
				}
			}
		})
	}
}

// sops references through WithFiles decrypt with the identities handed in,
// and only with them: the host's key in SOPS_AGE_KEY is never tried. Not
// parallel: it sets the environment.
func TestWithFilesSOPSUsesOnlyTheKeysHandedIn(t *testing.T) {
	tenant, _ := age.GenerateX25519Identity()
	host, _ := age.GenerateX25519Identity()
	files := fstest.MapFS{
		"tenant.sops.yaml": {Data: encryptSOPS(t, "db:\n  password: S3CRET-tenant\n  since: 2024-01-01\n", tenant.Recipient().String())},
		"host.sops.yaml":   {Data: encryptSOPS(t, "db:\n  password: S3CRET-host\n", host.Recipient().String())},
	}
	t.Setenv("SOPS_AGE_KEY", host.String())
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "none"))
	r := newValsResolver(t, secrets.WithFiles(files), secrets.WithAgeIdentities(tenant.String()))
	for in, want := range map[string]string{
		"ref+sops://tenant.sops.yaml#/db/password": "S3CRET-tenant",
		"ref+sops://tenant.sops.yaml#/db/since":    "2024-01-01T00:00:00Z", // as sops -d prints an encrypted date
	} {
		if v, err := r.Resolve(t.Context(), in); err != nil || v != want {
			t.Errorf("Resolve(%q): wrong value (err %s)", in, show(err))
		}
	}
	whole, err := r.Resolve(t.Context(), "ref+sops://tenant.sops.yaml")
	if err != nil || !strings.Contains(whole, "password: S3CRET-tenant") || strings.Contains(whole, "sops:") {
		t.Errorf("the whole file: wrong plaintext (err %s)", show(err))
	}
	_, err = r.Resolve(t.Context(), "ref+sops://host.sops.yaml#/db/password")
	wantErr(t, err, "ref+sops://host.sops.yaml#/db/password", secrets.ErrBackend)
	if err != nil {
		assertNoLeak(t, "error", err.Error(), "S3CRET", tenant.String(), host.String())
	}
	// Without WithAgeIdentities, the environment's keys are used.
	env := newValsResolver(t, secrets.WithFiles(files))
	if v, err := env.Resolve(t.Context(), "ref+sops://host.sops.yaml#/db/password"); err != nil || v != "S3CRET-host" {
		t.Errorf("with the environment's keys: %s", show(err))
	}
}
