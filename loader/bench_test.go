package loader_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"filippo.io/age"
	"github.com/getsops/sops/v3/decrypt"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/benchws"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
)

// BenchmarkLoad loads a generated workspace of 50 files, 10 of them
// encrypted with sops to an age key handed in as a value.
func BenchmarkLoad(b *testing.B) {
	ws := generated(b, 50, 10)
	fsys := ws.FS()
	benchLoads(b, 50, func() (*loader.Workspace, error) {
		return loader.Load(b.Context(), fsys, loader.WithAgeIdentities(ws.Identity))
	})
}

// BenchmarkLibrariesAlone is what BenchmarkLoad's workspace costs the
// libraries a load is built on, with nothing of hushflow around them: the
// floor under BenchmarkLoad's time and allocations. "yaml.v3" parses
// every file into nodes, one after another; "yaml.v3+sops" does the same
// for the plain files and hands each encrypted one to sops' own
// decrypt.Data, as a loader written straight on the two would.
func BenchmarkLibrariesAlone(b *testing.B) {
	ws := generated(b, 50, 10)
	b.Setenv("SOPS_AGE_KEY", ws.Identity)
	parse := func(data []byte) {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				return
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, data := range ws.Files {
				parse(data)
			}
		}
	})
	b.Run("yaml.v3+sops", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for p, data := range ws.Files {
				if !strings.HasSuffix(p, ".sops.yaml") {
					parse(data)
				} else if _, err := decrypt.Data(data, "yaml"); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// generated is a workspace of files files, encrypted of them sops-encrypted.
func generated(b *testing.B, files, encrypted int) *benchws.Workspace {
	b.Helper()
	ws, err := benchws.Generate(benchws.Spec{Files: files, Encrypted: encrypted})
	if err != nil {
		b.Fatal(err)
	}
	return ws
}

// benchLoads runs load b.N times; every load must succeed and keep every
// file.
func benchLoads(b *testing.B, files int, load func() (*loader.Workspace, error)) {
	b.ReportAllocs()
	for b.Loop() {
		w, err := load()
		if err != nil {
			b.Fatal(err)
		}
		if len(w.Files()) != files {
			b.Fatalf("%d files", len(w.Files()))
		}
	}
}

// BenchmarkLoadDir is BenchmarkLoad from a directory on disk, as
// bench/loader compares it with sops -d: every file is opened through an
// os.Root.
func BenchmarkLoadDir(b *testing.B) {
	ws := generated(b, 50, 10)
	dir := b.TempDir()
	if err := ws.WriteDir(dir); err != nil {
		b.Fatal(err)
	}
	benchLoads(b, 50, func() (*loader.Workspace, error) {
		return loader.LoadDir(b.Context(), dir, loader.WithAgeIdentities(ws.Identity))
	})
}

// reloadBench is a Reloader over a generated workspace of files files,
// encrypted of them sops-encrypted, and the file system it reads.
func reloadBench(b *testing.B, files, encrypted int) (*benchws.Workspace, fstest.MapFS, *loader.Reloader) {
	b.Helper()
	ws := generated(b, files, encrypted)
	fsys := ws.FS()
	r, err := loader.NewReloader(b.Context(), fsys, loader.WithAgeIdentities(ws.Identity))
	if err != nil {
		b.Fatal(err)
	}
	return ws, fsys, r
}

// benchReloads reloads r b.N times; before each reload, edit (if not nil)
// changes the workspace. Every reload must succeed and keep every file.
func benchReloads(b *testing.B, r *loader.Reloader, files int, edit func(i int)) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if edit != nil {
			edit(i)
		}
		i++
		if err := r.Reload(b.Context()); err != nil {
			b.Fatal(err)
		}
		if n := len(r.Workspace().Files()); n != files {
			b.Fatalf("%d files", n)
		}
	}
}

// alternate returns an edit that sets the file at p to one of two
// contents, in turn, so that every reload finds it changed.
func alternate(fsys fstest.MapFS, p string, other []byte) func(int) {
	versions := [2][]byte{fsys[p].Data, other}
	return func(i int) { fsys[p] = &fstest.MapFile{Data: versions[(i+1)%2]} }
}

// BenchmarkReloadUnchanged reloads BenchmarkLoad's workspace when no file
// changed: every file is read and compared, none is parsed or decrypted.
func BenchmarkReloadUnchanged(b *testing.B) {
	_, _, r := reloadBench(b, 50, 10)
	benchReloads(b, r, 50, nil)
}

// BenchmarkReloadOneOf50 reloads BenchmarkLoad's workspace after one plain
// file changed.
func BenchmarkReloadOneOf50(b *testing.B) {
	_, fsys, r := reloadBench(b, 50, 10)
	p := "workflows/w00.yaml"
	edit := alternate(fsys, p, append(slices.Clone(fsys[p].Data), "  act_extra:\n    type: shell\n    cmd: echo edited\n"...))
	benchReloads(b, r, 50, edit)
}

// BenchmarkReloadOneEncryptedOf50 reloads BenchmarkLoad's workspace after
// one sops-encrypted file changed (its values rotated, encrypted anew).
func BenchmarkReloadOneEncryptedOf50(b *testing.B) {
	ws, fsys, r := reloadBench(b, 50, 10)
	edit := alternate(fsys, "secrets/s00.sops.yaml", rotated(b, ws))
	benchReloads(b, r, 50, edit)
}

// BenchmarkReloadOneEditedOf50 reloads BenchmarkLoad's workspace after
// one sops-encrypted file was edited as sops edit saves it: other values,
// the same data key, which the reload takes from the version before
// instead of recovering it again.
func BenchmarkReloadOneEditedOf50(b *testing.B) {
	ws, fsys, r := reloadBench(b, 50, 10)
	p := "secrets/s00.sops.yaml"
	edited, err := sopsenc.RewriteYAML(fsys[p].Data, rotatedPlain(), ws.Identity)
	if err != nil {
		b.Fatal(err)
	}
	benchReloads(b, r, 50, alternate(fsys, p, edited))
}

// rotatedPlain is the plaintext of secrets/s00.sops.yaml with other values.
func rotatedPlain() []byte {
	var doc strings.Builder
	doc.WriteString("secrets:\n")
	for j := range 10 {
		fmt.Fprintf(&doc, "  SECRET_00_%02d: rotated-00-%02d-%s\n", j, j, strings.Repeat("y", 16))
	}
	return []byte(doc.String())
}

// rotated returns secrets/s00.sops.yaml of ws with other values, encrypted
// to the same key.
func rotated(b *testing.B, ws *benchws.Workspace) []byte {
	b.Helper()
	id, err := age.ParseX25519Identity(ws.Identity)
	if err != nil {
		b.Fatal(err)
	}
	enc, err := sopsenc.EncryptYAML(rotatedPlain(), sopsenc.Rules{}, id.Recipient().String())
	if err != nil {
		b.Fatal(err)
	}
	return enc
}

// BenchmarkLoad2000 and BenchmarkReloadOneOf2000 are the cold load and the
// reload after one plain file changed of a workspace of 2,000 files, 400
// of them encrypted: a reload's work follows what changed, not the size
// of the workspace.
func BenchmarkLoad2000(b *testing.B) {
	ws := generated(b, 2000, 400)
	fsys := ws.FS()
	benchLoads(b, 2000, func() (*loader.Workspace, error) {
		return loader.Load(b.Context(), fsys, loader.WithAgeIdentities(ws.Identity))
	})
}

func BenchmarkReloadOneOf2000(b *testing.B) {
	ws := generated(b, 2000, 400)
	fsys := ws.FS()
	r, err := loader.NewReloader(b.Context(), fsys, loader.WithAgeIdentities(ws.Identity))
	if err != nil {
		b.Fatal(err)
	}
	p := "workflows/w00.yaml"
	edit := alternate(fsys, p, append(slices.Clone(fsys[p].Data), "  act_extra:\n    type: shell\n    cmd: echo edited\n"...))
	benchReloads(b, r, 2000, edit)
}

// latencyBackend answers every reference after a fixed delay.
type latencyBackend struct{ delay time.Duration }

func (b latencyBackend) Get(ctx context.Context, r string) (string, error) {
	select {
	case <-time.After(b.delay):
		return "value-of-" + r, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// BenchmarkLoadSecrets100 loads a secrets: section of 100 distinct
// references against a backend that takes 50ms a call, cold each time:
// resolved one after another it would take 5s.
func BenchmarkLoadSecrets100(b *testing.B) {
	var doc strings.Builder
	doc.WriteString("secrets:\n")
	for i := range 100 {
		fmt.Fprintf(&doc, "  S%03d: \"{{ 'ref+slow://secret-%03d' | vals }}\"\n", i, i)
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(doc.String())}}
	for _, bc := range []struct {
		name string
		opts []secrets.Option
	}{
		{"concurrency=default", nil},
		{"concurrency=100", []secrets.Option{secrets.WithConcurrency(100)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := append([]secrets.Option{secrets.WithBackend(latencyBackend{50 * time.Millisecond}), secrets.WithSchemes("slow")}, bc.opts...)
			for b.Loop() {
				ws, err := loader.Load(b.Context(), fsys, loader.WithResolverOptions(opts...))
				if err != nil {
					b.Fatal(err)
				}
				if len(ws.Secrets()) != 100 {
					b.Fatal("secrets missing")
				}
			}
		})
	}
}
