package loader

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Mask replaces every value that was encrypted at rest when a workspace is
// shown to people.
const Mask = "••••••"

// File is one file of a loaded workspace.
type File struct {
	Path      string // slash-separated, relative to the workspace root
	Encrypted bool   // it carried sops metadata and was decrypted
}

// A Workspace is the merged, decrypted content of a workspace's files. It
// is immutable and safe for concurrent use.
type Workspace struct {
	doc      *yaml.Node
	files    []File
	secrets  []string
	seen     map[string]struct{}
	masked   map[*yaml.Node]struct{} // leaves that were encrypted at rest
	origin   map[*yaml.Node]string   // the file each top-level entry came from
	warnings []error

	secretSection map[string]any // the secrets: section, rendered
	renderer      *renderer
}

func (w *Workspace) addFile(f *file) {
	w.files = append(w.files, File{Path: f.path, Encrypted: f.encrypted})
	if w.masked == nil {
		w.masked = map[*yaml.Node]struct{}{}
		w.seen = map[string]struct{}{}
	}
	for _, n := range f.marked {
		w.masked[n] = struct{}{}
	}
	for _, s := range f.secrets {
		if _, dup := w.seen[s]; !dup {
			w.seen[s] = struct{}{}
			w.secrets = append(w.secrets, s)
		}
	}
}

// Files returns the files that make up the workspace, in load order.
func (w *Workspace) Files() []File { return append([]File(nil), w.files...) }

// SecretValues returns the plaintext of every leaf that was encrypted at
// rest, each value once, in load order: non-string leaves in their YAML text
// form, empty strings left out. Hand them to a redactor.
func (w *Workspace) SecretValues() []string { return append([]string(nil), w.secrets...) }

// Warnings returns the bad files that [WithSkipBadFiles] left out, each a
// [*FileError].
func (w *Workspace) Warnings() []error { return append([]error(nil), w.warnings...) }

// MaskedYAML returns the merged document as YAML with every leaf that was
// encrypted at rest replaced by [Mask], every other scalar passed through
// [Workspace.Redactor] (which masks ref+ references and any known secret
// standing elsewhere), aliases expanded and comments left out (sops
// encrypts comments too): what a CLI shows a person.
func (w *Workspace) MaskedYAML() ([]byte, error) {
	doc := w.maskedCopy(w.doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("loader: encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("loader: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// maskedCopy copies n, replacing encrypted leaves by Mask, expanding aliases
// (an anchor may point at an encrypted leaf) and dropping comments.
func (w *Workspace) maskedCopy(n *yaml.Node) *yaml.Node {
	n = resolveAlias(n)
	c := *n
	// Comments go too: sops encrypts comments, and a decrypted one is a secret.
	c.Anchor, c.HeadComment, c.LineComment, c.FootComment = "", "", "", ""
	if _, ok := w.masked[n]; ok {
		c.Value, c.Tag, c.Style = Mask, "!!str", 0
		c.Content = nil
		return &c
	}
	if n.Kind == yaml.ScalarNode {
		if v := w.renderer.redactor.String(n.Value); v != n.Value {
			c.Value, c.Tag, c.Style = v, "!!str", 0
		}
		return &c
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, child := range n.Content {
		c.Content[i] = w.maskedCopy(child)
	}
	return &c
}
