package loader

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// propertyKeys are two age identities and the files encrypted to them.
type propertyKeys struct {
	id1, id2 string
	pool     map[string][][]byte // file name → contents it takes in turn
}

func newPropertyKeys(t *testing.T) *propertyKeys {
	t.Helper()
	k1, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(plain string, to ...*age.X25519Identity) []byte {
		var rcpts []string
		for _, k := range to {
			rcpts = append(rcpts, k.Recipient().String())
		}
		data, err := sopsenc.EncryptYAML([]byte(plain), sopsenc.Rules{}, rcpts...)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	v1 := enc("secrets:\n  DB: property-db-one\n", k1)
	tampered := []byte(strings.Replace(string(v1), "ENC[AES256_GCM,data:", "ENC[AES256_GCM,data:AA", 1))
	both := enc("secrets:\n  DB: property-db-four\n", k1, k2)
	// Edits as sops edit saves them: the data key and its encrypted copies
	// stay, so a reload may decrypt them with the key of the version before.
	rewrite := func(file []byte, plain string, with *age.X25519Identity) []byte {
		data, err := sopsenc.RewriteYAML(file, []byte(plain), with.String())
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	edited := rewrite(v1, "secrets:\n  DB: property-db-edited\n  EXTRA: property-extra\n", k1)
	// An edit whose value is the version before's ciphertext (same key,
	// same path): its MAC does not match.
	var mixed []byte
	{
		at := func(file []byte) string {
			i := strings.Index(string(file), "DB: ENC[")
			return string(file[i : i+strings.Index(string(file[i:]), "]")+1])
		}
		mixed = []byte(strings.Replace(string(edited), at(edited), at(v1), 1))
	}
	return &propertyKeys{
		id1: k1.String(), id2: k2.String(),
		pool: map[string][][]byte{
			"a.yaml": {
				[]byte("actions:\n  a: {cmd: \"echo {{ input.x }}\"}\n"),
				[]byte("actions:\n  a: {cmd: echo two}\n  a2: {cmd: echo}\n"),
				[]byte("actions:\n  a: [unclosed\n"),                 // does not parse
				[]byte("actions:\n  b: {cmd: echo conflict}\n"),      // defines b again
				[]byte("secrets:\n  PLAIN: \"{{ 'x' | upper }}\"\n"), // a rendered section
				// Load-time checks whose outcome a reload may take from the
				// last good load: a shell command whose first word is a
				// value (refused), a secret read (a typo unless s.sops.yaml
				// defines DB), a command that passed the shell check.
				[]byte("actions:\n  a: {cmd: \"{{ input.x }} --go\"}\n"),
				[]byte("actions:\n  a: {cmd: \"echo {{ secret.DB }}\"}\n"),
				[]byte("actions:\n  a: {cmd: \"echo {{ input.x }}\"}\n  a3: {type: shell, script: \"run {{ input.y }}\"}\n"),
			},
			"b.yaml": {
				[]byte("actions:\n  b: {cmd: echo b}\n"),
				[]byte("tasks:\n  t: {flow: {s: {action: b}}}\nactions:\n  b: {cmd: echo b2}\n"),
				// A task's steps, which the typo check takes from the task's
				// node: a step reading another's output, a hook reading a
				// step that is not there.
				[]byte("tasks:\n  t: {flow: {s: {action: b}, u: {action: b, input: {x: \"{{ s.out }}\"}}}}\nactions:\n  b: {cmd: echo b}\n"),
				[]byte("tasks:\n  t: {flow: {s: {action: b}}, on_success: {action: b, input: {x: \"{{ q.out }}\"}}}\nactions:\n  b: {cmd: echo b}\n"),
			},
			"s.sops.yaml": {
				v1,
				enc("secrets:\n  DB: property-db-two\n", k1),
				enc("secrets:\n  DB: property-db-three\n", k2),
				both,
				tampered,
				edited,
				rewrite(edited, "secrets:\n  DB: property-db-edited-again\n", k1),
				rewrite(both, "secrets:\n  DB: property-db-four-edited\n", k2),
				mixed,
				[]byte("secrets:\n  DB: not-encrypted\n"),
			},
			"sub/c.yaml": {
				[]byte("connections:\n  c: {type: x, url: \"https://c\"}\n"),
				enc("connections:\n  c: {type: x, url: property-url-enc}\n", k1),
			},
		},
	}
}

// describe is what a load gave, for comparing a reload with a cold load:
// the error, or the merged document (decrypted values included), the
// files, the encrypted values, the rendered sections and the warnings.
// It is compared, never printed: it holds the fixtures' plaintext.
func describe(w *Workspace, err error) map[string]string {
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	doc, merr := yaml.Marshal(w.doc)
	if merr != nil {
		doc = []byte("marshal: " + merr.Error())
	}
	var warnings []string
	for _, e := range w.warnings {
		warnings = append(warnings, e.Error())
	}
	return map[string]string{
		"document":         string(doc),
		"files":            fmt.Sprint(w.files),
		"encrypted values": fmt.Sprint(w.encryptedValues),
		"secrets":          fmt.Sprint(w.secrets),
		"connections":      fmt.Sprint(w.connections),
		"warnings":         strings.Join(warnings, "\n"),
	}
}

// differ names the parts in which two descriptions differ, without their
// content.
func differ(a, b map[string]string) []string {
	var parts []string
	for k := range a {
		if a[k] != b[k] {
			parts = append(parts, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			parts = append(parts, k)
		}
	}
	slices.Sort(parts)
	return parts
}

// TestReloadMatchesColdLoad edits a workspace directory at random (a file
// rewritten, often with an earlier version of itself, an encrypted one also
// as sops edit saves it, keeping its data key; replaced by a
// symbolic link to a file whose content then changes; removed; the keys
// changed to other age identities) and checks after every step that a
// reload through the parse cache gives exactly what a cold LoadDir of the
// same tree with the same keys gives, error or workspace, and that a
// failed reload leaves the cache as it was.
func TestReloadMatchesColdLoad(t *testing.T) {
	t.Parallel()
	pk := newPropertyKeys(t)
	keySets := [][]string{{pk.id1}, {pk.id2}, {pk.id1, pk.id2}}
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("skipBadFiles=%v", skip), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write := func(name string, data []byte) {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				os.Remove(p) // a symbolic link is replaced, not written through
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range pk.pool {
					if !yield(n) {
						return
					}
				}
			})
			for _, n := range names {
				write(n, pk.pool[n][0])
			}
			opts := func(ids []string) []Option {
				o := []Option{WithAgeIdentities(ids...)}
				if skip {
					o = append(o, WithSkipBadFiles())
				}
				return o
			}
			keys := keySets[0]
			cfg, err := newConfig(opts(keys))
			if err != nil {
				t.Fatal(err)
			}
			st, err := newState(cfg, dirFS{dir})
			if err != nil {
				t.Fatal(err)
			}
			st.cache = &parseCache{}
			rng := rand.New(rand.NewPCG(1, 2)) // fixed: a failure replays
			for step := range 150 {
				name := names[rng.IntN(len(names))]
				pool := pk.pool[name]
				var op string
				switch r := rng.IntN(10); {
				case r < 5:
					i := rng.IntN(len(pool))
					op = fmt.Sprintf("%s := version %d", name, i)
					write(name, pool[i])
				case r < 7:
					// A link into a dot-directory, which the loader does not
					// read as workflow files; its target changes later.
					i := rng.IntN(len(pool))
					target := fmt.Sprintf(".store/%s.%d", strings.ReplaceAll(name, "/", "_"), step)
					write(target, pool[i])
					p := filepath.Join(dir, filepath.FromSlash(name))
					os.Remove(p)
					rel, _ := filepath.Rel(filepath.Dir(p), filepath.Join(dir, filepath.FromSlash(target)))
					if err := os.Symlink(rel, p); err != nil {
						t.Fatal(err)
					}
					op = fmt.Sprintf("%s := link to version %d", name, i)
					if rng.IntN(2) == 0 {
						j := rng.IntN(len(pool))
						write(target, pool[j])
						op += fmt.Sprintf(", then the target := version %d", j)
					}
				case r < 8:
					op = "remove " + name
					os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
				default:
					keys = keySets[rng.IntN(len(keySets))]
					k, err := loadKeys(keys)
					if err != nil {
						t.Fatal(err)
					}
					st.keys, st.keyID = k, keyIDOf(keys)
					op = fmt.Sprintf("keys := %d identities", len(keys))
				}
				before := st.cache.byPath
				lastBefore := st.lastMerge
				w, err := st.loadDir(t.Context(), dir)
				got := describe(w, err)
				want := describe(LoadDir(t.Context(), dir, opts(keys)...))
				if parts := differ(got, want); len(parts) > 0 {
					t.Fatalf("step %d (%s): the reload and a cold load differ in %v", step, op, parts)
				}
				if err != nil && (!sameCache(before, st.cache.byPath) || st.lastMerge != lastBefore) {
					t.Fatalf("step %d (%s): a failed reload changed the cache", step, op)
				}
			}
		})
	}
}

func sameCache(a, b map[string]*file) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// changingFS is a MapFS in which reading a file can change it: once a file
// named in change has been read, its content becomes the new one, as if
// an editor wrote it while the loader read it.
type changingFS struct {
	fstest.MapFS
	change map[string][]byte
}

func (c *changingFS) Open(name string) (fs.File, error) {
	f, err := c.MapFS.Open(name)
	if next, ok := c.change[name]; ok && err == nil {
		delete(c.change, name)
		c.MapFS[name] = &fstest.MapFile{Data: next}
	}
	return f, err
}

// TestReloadAfterChangeWhileRead changes a file while a reload reads it:
// that reload gives what a cold load of the bytes it read gives, and the
// next reload gives the file as it is now, never the plaintext of the
// version the cache holds.
func TestReloadAfterChangeWhileRead(t *testing.T) {
	t.Parallel()
	pk := newPropertyKeys(t)
	s := pk.pool["s.sops.yaml"]
	fsys := &changingFS{MapFS: fstest.MapFS{
		"a.yaml":      {Data: pk.pool["a.yaml"][0]},
		"s.sops.yaml": {Data: s[0]},
	}}
	opts := []Option{WithAgeIdentities(pk.id1)}
	cfg, err := newConfig(opts)
	if err != nil {
		t.Fatal(err)
	}
	st, err := newState(cfg, fsys)
	if err != nil {
		t.Fatal(err)
	}
	st.cache = &parseCache{}
	load := func() map[string]string { return describe(st.load(t.Context(), source{fsys: fsys})) }
	cold := func(m fstest.MapFS) map[string]string { return describe(Load(t.Context(), m, opts...)) }
	snapshot := func() fstest.MapFS { return cloneFS(fsys.MapFS) }

	load() // the cache holds version 0
	for _, next := range [][]byte{s[1], s[0], s[4], s[1]} {
		read := snapshot()
		fsys.change = map[string][]byte{"s.sops.yaml": next}
		if parts := differ(load(), cold(read)); len(parts) > 0 {
			t.Fatalf("the reload that read the old bytes differs from a cold load of them in %v", parts)
		}
		if parts := differ(load(), cold(snapshot())); len(parts) > 0 {
			t.Fatalf("the reload after the change differs from a cold load in %v", parts)
		}
	}
}

func cloneFS(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: slices.Clone(v.Data)}
	}
	return out
}
