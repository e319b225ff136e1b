package secrets

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/ref"
)

// MaxFileSize bounds the size of a file that a "file" or "sops" reference
// reads through WithFiles or WithAbsoluteDirs.
const MaxFileSize = 16 << 20

// fileReader answers the confined schemes' references ("file", "sops",
// "tfstate") in process, from the workspace's file system and the allowed
// absolute directories, as vals' providers would from the host's. With
// neither, it refuses every path: the host's files are off.
type fileReader struct {
	fsys fs.FS    // nil: no relative paths
	dirs []string // absolute, clean
	sops *sopsReader
}

func newFileReader(c *config) (*fileReader, error) {
	if !c.fsysSet && len(c.absDirs) == 0 {
		if c.ageKeysSet {
			return nil, fmt.Errorf("secrets: %w: WithAgeIdentities: sops references are decrypted in process only with WithFiles or WithAbsoluteDirs", ErrInvalidOption)
		}
		if c.backendSet {
			return nil, nil // the caller's own backend gets every reference
		}
	}
	return &fileReader{fsys: c.fsys, dirs: c.absDirs, sops: newSopsReader(c)}, nil
}

// Get reads one reference, as a Backend.
func (f *fileReader) Get(ctx context.Context, reference string) (string, error) {
	p, err := ref.Parse(reference)
	if err != nil {
		return "", newError(ErrInvalidRef, "the reference does not parse as a URL")
	}
	via := lookupScheme(p.Scheme).route
	if via == viaSOPS && p.Query.Get("key_type") == "base64" {
		return f.sops.value(ctx, nil, "", p) // the data is in the reference: no file to read
	}
	name := strings.TrimSuffix(p.Path, "/") // as vals' providers do
	if via == viaTFState {
		return f.tfstate(ctx, p)
	}
	data, err := f.read(name)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if via == viaSOPS {
		return f.sops.value(ctx, data, name, p)
	}
	if p.Fragment == "" {
		return encode(data, p.Query.Get("encode"))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", notYAML(err)
	}
	return walk(&doc, p.Fragment)
}

// encode returns a whole file as vals' file provider does.
func encode(data []byte, enc string) (string, error) {
	switch enc {
	case "", "raw":
		return string(data), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(data), nil
	}
	return "", newError(ErrInvalidRef, "unsupported encode= parameter (want raw or base64)")
}

var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// notYAML says a file does not parse, and where, without quoting it.
func notYAML(err error) error {
	where := ""
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		where = " (line " + m[1] + ")"
	}
	return newError(ErrBackend, "the file is not valid YAML or JSON"+where+"; the parser's message is withheld: it may quote the data")
}

// read returns the content of the file named by a reference's path.
func (f *fileReader) read(name string) ([]byte, error) {
	if name == "" {
		return nil, newError(ErrInvalidRef, "no file name")
	}
	if strings.HasPrefix(name, "/") {
		dir, rel, ok := f.under(filepath.Clean(name))
		if !ok {
			return nil, newError(ErrOutsideRoot, "an absolute path outside the directories that WithAbsoluteDirs allows")
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, fileError(err)
		}
		defer root.Close()
		if err := checkLinks(root.FS(), rel); err != nil {
			return nil, err
		}
		return readLimited(root.FS(), rel)
	}
	if f.fsys == nil {
		return nil, newError(ErrOutsideRoot, "a relative path, and no WithFiles to read it from")
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, newError(ErrOutsideRoot, "the path climbs above the root")
	}
	if !fs.ValidPath(clean) {
		return nil, newError(ErrInvalidRef, "not a valid file name")
	}
	if err := checkLinks(f.fsys, clean); err != nil {
		return nil, err
	}
	return readLimited(f.fsys, clean)
}

// confineQuery refuses a reference whose query names a host file (vault's
// token_file=, k8s' kubeConfigPath=, see the scheme registry's hostPathQuery) that
// WithAbsoluteDirs does not allow: the provider would read it from the
// host, wherever it is. Without a file reader (WithBackend replaced vals
// and no files were given) the backend's policy applies.
func (r *Resolver) confineQuery(key string) error {
	s := lookupScheme(ref.Scheme(key))
	if r.files == nil || len(s.hostPathQuery) == 0 || !strings.Contains(key, "?") {
		return nil
	}
	p, err := ref.Parse(key)
	if err != nil {
		return nil // the backend will say what is wrong
	}
	for _, q := range s.hostPathQuery {
		for _, v := range p.Query[q] {
			if !r.files.allowsHostFile(v) {
				return newError(ErrOutsideRoot, q+"= names a host file outside the directories that WithAbsoluteDirs allows")
			}
		}
	}
	return nil
}

// allowsHostFile reports whether the provider of a reference may read the
// host file name itself: an absolute, clean path under an allowed
// directory, whose symbolic links, resolved now, stay under it.
func (f *fileReader) allowsHostFile(name string) bool {
	if !filepath.IsAbs(name) || filepath.Clean(name) != name {
		return false
	}
	dir, _, ok := f.under(name)
	if !ok {
		return false
	}
	real, err := filepath.EvalSymlinks(name)
	if err != nil {
		return false // a file that is not there: nothing to allow
	}
	realDir, err := filepath.EvalSymlinks(dir)
	return err == nil && strings.HasPrefix(real, realDir+string(filepath.Separator))
}

// under finds the allowed directory that holds the absolute, clean path
// name, and name relative to it.
func (f *fileReader) under(name string) (dir, rel string, ok bool) {
	for _, d := range f.dirs {
		if r, found := strings.CutPrefix(name, d+string(filepath.Separator)); found && (len(d) > len(dir)) {
			dir, rel, ok = d, filepath.ToSlash(r), true
		}
	}
	return dir, rel, ok
}

// maxLinks bounds the symbolic links followed for one path.
const maxLinks = 40

// checkLinks refuses a path that reaches out of fsys through a symbolic
// link, for file systems that show their links (os.DirFS, fstest.MapFS):
// each link on the way must stay inside the root. An os.Root's FS refuses
// such links by itself, and without a race.
func checkLinks(fsys fs.FS, name string) error {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return nil
	}
	todo := strings.Split(name, "/")
	cur := ""
	for hops := 0; len(todo) > 0; {
		next := path.Join(cur, todo[0])
		todo = todo[1:]
		info, err := rl.Lstat(next)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			cur = next // not a link (or missing: the read will say so)
			continue
		}
		if hops++; hops > maxLinks {
			return newError(ErrBackend, "too many symbolic links")
		}
		target, err := rl.ReadLink(next)
		if err != nil {
			return fileError(err)
		}
		joined := path.Join(cur, target)
		if path.IsAbs(target) || joined == ".." || strings.HasPrefix(joined, "../") {
			return newError(ErrOutsideRoot, "a symbolic link on the path leads out of the root")
		}
		todo = append(strings.Split(joined, "/"), todo...)
		cur = ""
	}
	return nil
}

// readLimited reads name from fsys, up to MaxFileSize.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	file, err := fsys.Open(name)
	if err != nil {
		return nil, fileError(err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxFileSize+1))
	if err != nil {
		return nil, fileError(err)
	}
	if len(data) > MaxFileSize {
		return nil, newError(ErrBackend, fmt.Sprintf("the file is larger than %d MiB", MaxFileSize>>20))
	}
	return data, nil
}

// fileError says why a file could not be read, without its path (the
// reference names it): the cause is a system error, which holds no data.
func fileError(err error) error {
	var pe *fs.PathError
	cause := err
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return newError(ErrNotFound, "no such file")
	case strings.Contains(cause.Error(), "escapes from parent"), strings.Contains(cause.Error(), "outside of root"):
		return newError(ErrOutsideRoot, "the path leads out of its root")
	}
	return newError(ErrBackend, "cannot read the file: "+tidy(cause.Error(), ""))
}

// walk follows a #/fragment through YAML (or JSON) maps, as vals does with
// FailOnMissingKeyInMap, and returns the scalar it ends at.
func walk(doc *yaml.Node, frag string) (string, error) {
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return "", newError(ErrNotFound, "the file is empty")
		}
		n = n.Content[0]
	}
	keys := strings.Split(frag, "/")
	for i, k := range keys {
		n = deref(n)
		if n.Kind != yaml.MappingNode {
			if i == 0 {
				return "", newError(ErrNotFound, fmt.Sprintf("the document is %s, not a map", kindName(n)))
			}
			return "", newError(ErrNotFound, fmt.Sprintf("key %q of #/%s holds %s, not a map", keys[i-1], frag, kindName(n)))
		}
		v, ok := lookupKey(n, k, 0)
		if !ok {
			return "", newError(ErrNotFound, fmt.Sprintf("no key #/%s", strings.Join(keys[:i+1], "/")))
		}
		n = v
	}
	return scalar(deref(n))
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxNesting; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "empty"
}

// lookupKey finds key k in mapping m: its own keys first, then those merged
// in with "<<", as yaml.v3 decodes them for vals.
func lookupKey(m *yaml.Node, k string, depth int) (*yaml.Node, bool) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := deref(m.Content[i])
		if kn.Kind != yaml.ScalarNode {
			continue
		}
		if kn.ShortTag() == "!!merge" {
			merges = append(merges, deref(m.Content[i+1]))
			continue
		}
		if keyMatches(kn, k) {
			return m.Content[i+1], true
		}
	}
	if depth >= maxNesting {
		return nil, false
	}
	for _, src := range merges {
		list := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			list = src.Content
		}
		for _, s := range list {
			if s = deref(s); s.Kind == yaml.MappingNode {
				if v, ok := lookupKey(s, k, depth+1); ok {
					return v, true
				}
			}
		}
	}
	return nil, false
}

// keyMatches reports whether a map key names fragment key k: as written,
// or as vals prints a non-string key (an int key 1 written 0x1).
func keyMatches(kn *yaml.Node, k string) bool {
	if kn.Value == k {
		return true
	}
	if kn.ShortTag() == "!!str" {
		return false
	}
	s, err := scalar(kn)
	return err == nil && s == k
}

// scalar formats a value node as vals does (vals decodes with yaml.v3 and
// prints with %v), except that a date or time stays as written: vals would
// call it a map or print Go's time format.
func scalar(n *yaml.Node) (string, error) {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return "", newError(ErrNotScalar, "the reference points at a map or a list; name one key with a #/fragment")
	case yaml.ScalarNode:
	default:
		return "", newError(ErrNotFound, "the value is empty")
	}
	switch n.ShortTag() {
	case "!!null":
		return "", newError(ErrNotFound, "the value is null")
	case "!!int", "!!float", "!!bool", "!!binary":
		var v any
		if err := n.Decode(&v); err == nil {
			return fmt.Sprint(v), nil
		}
	}
	return n.Value, nil
}
