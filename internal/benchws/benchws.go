// Package benchws generates the synthetic workspaces that the benchmarks and
// the programs under bench/ load (realistic action, task and secrets files,
// some of them encrypted with the real sops code to a fresh age key), and
// times the comparisons those programs make.
package benchws

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"filippo.io/age"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// Spec describes a workspace.
type Spec struct {
	Files     int // files in all, encrypted ones included
	Encrypted int // how many of them are *.sops.yaml files
	// Refs is the number of ref+ references in the workspace's secrets:
	// section; RefFor(i) returns the i-th (vals syntax, without "ref+").
	Refs   int
	RefFor func(i int) string
}

// Workspace is a generated workspace: its files by slash-separated path and
// the age identity that decrypts its encrypted files.
type Workspace struct {
	Files    map[string][]byte
	Identity string
}

// Generate makes a workspace to spec.
func Generate(spec Spec) (*Workspace, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Files: map[string][]byte{}, Identity: id.String()}
	for i := range spec.Encrypted {
		var b strings.Builder
		b.WriteString("secrets:\n")
		for j := range 10 {
			fmt.Fprintf(&b, "  SECRET_%02d_%02d: s3cr3t-%02d-%02d-%s\n", i, j, i, j, strings.Repeat("x", 16))
		}
		enc, err := sopsenc.EncryptYAML([]byte(b.String()), sopsenc.Rules{}, id.Recipient().String())
		if err != nil {
			return nil, err
		}
		ws.Files[fmt.Sprintf("secrets/s%02d.sops.yaml", i)] = enc
	}
	plain := spec.Files - spec.Encrypted
	for i := range plain {
		var b strings.Builder
		if i%2 == 0 {
			b.WriteString("actions:\n")
			for j := range 5 {
				fmt.Fprintf(&b, "  act_%02d_%d:\n    type: shell\n    cmd: \"deploy --env {{ input.env }} --token {{ secret.SECRET_00_0%d }}\"\n    env:\n      REGION: eu-north-1\n    input:\n      env: {type: string}\n", i, j, j)
			}
		} else {
			b.WriteString("tasks:\n")
			for j := range 5 {
				fmt.Fprintf(&b, "  task_%02d_%d:\n    flow:\n      first: {action: act_00_0, input: {env: \"{{ input.env }}\"}}\n      second: {action: act_00_1, depends_on: [first]}\n", i, j)
			}
		}
		ws.Files[fmt.Sprintf("workflows/w%02d.yaml", i)] = []byte(b.String())
	}
	if spec.Refs > 0 {
		var b strings.Builder
		b.WriteString("secrets:\n")
		for i := range spec.Refs {
			fmt.Fprintf(&b, "  REF_%03d: \"{{ 'ref+%s' | vals }}\"\n", i, spec.RefFor(i))
		}
		ws.Files["refs.yaml"] = []byte(b.String())
	}
	return ws, nil
}

// FS returns the workspace as an in-memory file system.
func (w *Workspace) FS() fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, data := range w.Files {
		fsys[p] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// WriteDir writes the workspace below dir.
func (w *Workspace) WriteDir(dir string) error {
	for p, data := range w.Files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// OnDisk is a workspace written to disk, with what a baseline program needs.
type OnDisk struct {
	Root      string   // the workspace directory
	KeyFile   string   // the age identity, for SOPS_AGE_KEY_FILE
	Encrypted []string // the encrypted files, sorted
}

// Install writes the workspace to dir/ws and its key to dir/key.txt.
func (w *Workspace) Install(dir string) (*OnDisk, error) {
	d := &OnDisk{Root: filepath.Join(dir, "ws"), KeyFile: filepath.Join(dir, "key.txt")}
	if err := w.WriteDir(d.Root); err != nil {
		return nil, err
	}
	if err := os.WriteFile(d.KeyFile, []byte(w.Identity+"\n"), 0o600); err != nil {
		return nil, err
	}
	for _, p := range w.Encrypted() {
		d.Encrypted = append(d.Encrypted, filepath.Join(d.Root, filepath.FromSlash(p)))
	}
	return d, nil
}

// Encrypted returns the slash-separated paths of the encrypted files, sorted.
func (w *Workspace) Encrypted() []string {
	var paths []string
	for p := range w.Files {
		if strings.HasSuffix(p, ".sops.yaml") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	return paths
}

// Median runs f once to warm up, then runs more times, and returns the
// median duration; the first error stops it.
func Median(runs int, f func() error) (time.Duration, error) {
	if err := f(); err != nil {
		return 0, err
	}
	d := make([]time.Duration, max(runs, 1))
	for i := range d {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d[len(d)/2], nil
}
