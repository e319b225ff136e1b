package loader

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
)

// File is one file of a loaded workspace.
type File struct {
	Path      string // slash-separated, relative to the workspace root
	Encrypted bool   // it carried sops metadata and was decrypted
}

// A Workspace is the merged, decrypted content of a workspace's files, with
// its secrets: and connections: sections rendered. It is immutable and safe
// for concurrent use.
type Workspace struct {
	st       *state
	doc      *yaml.Node
	files    []File
	origin   map[*yaml.Node]string // the file each top-level entry came from
	warnings []error
	// encrypted holds the leaves that were encrypted at rest: data, never
	// templates, and masked wherever the workspace is shown.
	encrypted       map[*yaml.Node]bool
	encryptedValues []string        // their values, each once, in load order
	seenValues      map[string]bool // encryptedValues as a set, while files are added

	snapshot    *secrets.Snapshot // a reference has one value in one workspace
	secrets     map[string]any    // the secrets: section, rendered
	connections map[string]map[string]any
	connVars    map[string]any // connections, as templates read connections.NAME

	// shell holds the template texts that stand in a shell action's cmd:
	// or script:, which RenderStep renders in the shell context.
	shell map[string]bool
}

// addFile adds a merged file's record, and its leaves that were encrypted
// at rest and their values (the redactor learnt them when the file was
// decrypted).
func (w *Workspace) addFile(f *file) {
	w.files = append(w.files, File{Path: f.path, Encrypted: f.encrypted})
	if len(f.marked) == 0 {
		return
	}
	for n := range f.marked {
		w.encrypted[n] = true
	}
	for _, v := range f.values {
		if !w.seenValues[v] {
			w.seenValues[v] = true
			w.encryptedValues = append(w.encryptedValues, v)
		}
	}
}

// markedValues returns the values of the leaves of docs that marked holds
// (were encrypted at rest), each once, in document order, empty ones left
// out.
func markedValues(docs []*yaml.Node, marked map[*yaml.Node]bool) []string {
	var out []string
	seen := make(map[string]bool, len(marked))
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		if marked[n] && n.Value != "" && !seen[n.Value] {
			seen[n.Value] = true
			out = append(out, n.Value)
		}
		for _, c := range n.Content {
			visit(c)
		}
	}
	for _, d := range docs {
		visit(d)
	}
	return out
}

// EncryptedValues returns the plaintext of every leaf that was encrypted at
// rest, each value once, in load order: non-string leaves in their YAML
// text form, empty strings left out. [Workspace.Redactor] knows them all.
func (w *Workspace) EncryptedValues() []string { return slices.Clone(w.encryptedValues) }

// Files returns the files that make up the workspace, in load order.
func (w *Workspace) Files() []File { return append([]File(nil), w.files...) }

// Warnings returns what a load left out without failing, each a
// [*FileError]: the bad files that [WithSkipBadFiles] skipped; files that
// look meant for the loader but are not read (a sops file in JSON:
// [ErrSkipped]); and values encrypted at rest, outside secrets: and
// connections:, that hold template syntax, which Strøm would render and
// this loader keeps as data (see [Workspace.RenderStep]).
func (w *Workspace) Warnings() []error { return append([]error(nil), w.warnings...) }

// Secrets returns the secrets: section with every template rendered and
// every reference resolved (once, at load): what templates see as
// secret.NAME. Nested maps and lists are rendered too; values that were not
// templates keep their YAML type. The map is a copy.
func (w *Workspace) Secrets() map[string]any { return maps.Clone(w.secrets) }

// Connections returns the connections: section, rendered at load with
// secret.* in scope as Strøm does: each connection's fields but its type,
// with the defaults of its connection type (connection_types:) filled in.
// The map is a copy.
func (w *Workspace) Connections() map[string]map[string]any {
	out := make(map[string]map[string]any, len(w.connections))
	for k, v := range w.connections {
		out[k] = maps.Clone(v)
	}
	return out
}

// Redactor returns the redactor that knows every value of this workspace
// that was encrypted at rest, resolved (in the secrets: section or inline
// by | vals when steps are rendered) or derived from a secret by a
// template. Use it on everything the engine shows to people. Workspaces
// reloaded by one [Reloader] share it, so it also knows the values of
// earlier loads.
func (w *Workspace) Redactor() *redact.Redactor { return w.st.redactor }

// MaskedYAML returns the merged document as YAML, as a CLI shows it to a
// person: every leaf that was encrypted at rest replaced by [redact.Mask],
// every ref+ reference and every known secret inside other strings masked
// by [Workspace.Redactor], aliases expanded and comments left out (sops
// encrypts comments too). A short value that merely equals a secret
// (replicas: 1 beside an encrypted PIN: 1) is left as it is: only the
// encrypted leaf itself is masked.
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
	if w.encrypted[n] {
		c.Value, c.Tag, c.Style = redact.Mask, "!!str", 0
		c.Content = nil
		return &c
	}
	if n.Kind == yaml.ScalarNode {
		// Only strings long enough to be searched: a short scalar equal to
		// a short secret is not that secret.
		if n.Tag == "!!str" && len(n.Value) >= redact.DefaultMinLength {
			if v := w.st.redactor.String(n.Value); v != n.Value {
				c.Value, c.Tag, c.Style = v, "!!str", 0
			}
		}
		return &c
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, child := range n.Content {
		c.Content[i] = w.maskedCopy(child)
	}
	return &c
}

// Printing. A workspace holds decrypted and resolved values: printing one
// with fmt (any verb, %#v included), log or slog shows what is safe to
// show (how many files, secrets and connections it has, the files'
// names through Files) and never a value. Format, GoString and LogValue
// below are that contract for every type of this package that holds a
// secret value.

// printSafe writes summary for every verb of f (quoted for %q), and
// goSyntax for %#v.
func printSafe(f fmt.State, verb rune, summary, goSyntax string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, goSyntax)
	case verb == 'q':
		io.WriteString(f, strconv.Quote(summary))
	default:
		io.WriteString(f, summary)
	}
}

// counts describes the workspace without any value.
func (w Workspace) counts() string {
	decrypted := 0
	for _, f := range w.files {
		if f.Encrypted {
			decrypted++
		}
	}
	return fmt.Sprintf("%d files (%d decrypted), %d secrets, %d connections, %d warnings: values not shown",
		len(w.files), decrypted, len(w.secrets), len(w.connections), len(w.warnings))
}

// Format prints the workspace's counts, never a value, for every verb: see
// the package documentation. (A value receiver, so that a copy prints
// safely too.)
func (w Workspace) Format(f fmt.State, verb rune) {
	printSafe(f, verb, "loader.Workspace{"+w.counts()+"}", w.GoString())
}

// GoString is what %#v prints: the counts, as a comment.
func (w Workspace) GoString() string { return "&loader.Workspace{/* " + w.counts() + " */}" }

// LogValue is what log/slog records: the counts, never a value.
func (w *Workspace) LogValue() slog.Value {
	if w == nil {
		return slog.StringValue("<nil>")
	}
	decrypted := 0
	for _, f := range w.files {
		if f.Encrypted {
			decrypted++
		}
	}
	return slog.GroupValue(slog.Int("files", len(w.files)), slog.Int("decrypted", decrypted),
		slog.Int("secrets", len(w.secrets)), slog.Int("connections", len(w.connections)), slog.Int("warnings", len(w.warnings)))
}

// Format prints the current workspace's counts, as [Workspace.Format] does.
func (r *Reloader) Format(f fmt.State, verb rune) {
	if r == nil {
		io.WriteString(f, "<nil>")
		return
	}
	counts := "no workspace"
	if ws := r.Workspace(); ws != nil {
		counts = ws.counts()
	}
	printSafe(f, verb, "loader.Reloader{"+counts+"}", "&loader.Reloader{/* "+counts+" */}")
}

// GoString is what %#v prints: the current workspace's counts.
func (r *Reloader) GoString() string { return fmt.Sprintf("%#v", r) }

// LogValue is what log/slog records: the current workspace's counts.
func (r *Reloader) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return r.Workspace().LogValue()
}
