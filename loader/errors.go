package loader

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
)

// Sentinel errors, for [errors.Is]. A [*FileError] wraps one or more of them.
// As in the secrets and render packages, a sentinel's text is the cause
// alone, with no package prefix: it stands inside an error that starts with
// a file's path or with "loader: ".
var (
	// ErrYAML: a file is not valid YAML, or its shape is not a workflow
	// file (the top level is not a mapping, a merge key's value is not a
	// mapping). A template that does not parse is render.ErrParse instead.
	ErrYAML = errors.New("invalid YAML")
	// ErrParse is the former name of ErrYAML, which it equals.
	//
	// Deprecated: use ErrYAML; render.ErrParse is a template's syntax error.
	ErrParse = ErrYAML
	// ErrDecrypt wraps every decryption failure: ErrNotEncrypted, ErrNoKey,
	// ErrIntegrity, and sops files sops itself cannot read.
	ErrDecrypt = sopsdec.ErrDecrypt
	// ErrNotEncrypted: a *.sops.yaml file carries no sops metadata and no
	// sops-encrypted value.
	ErrNotEncrypted = sopsdec.ErrNotEncrypted
	// ErrNoKey: none of the keys available can decrypt the file's data key.
	// The error names every key of the file (age recipient, PGP
	// fingerprint, KMS ARN, …) and why it failed; errors.As finds a
	// [*KeyError] in it.
	ErrNoKey = sopsdec.ErrNoKey
	// ErrIntegrity: the file fails sops' integrity checks: a value or the
	// MAC was altered, list items were swapped, the MAC is missing, the
	// sops metadata cannot be read, or a file holds sops-encrypted values
	// without sops metadata (whatever its name).
	ErrIntegrity = sopsdec.ErrIntegrity
	// ErrDuplicate: an entry or a top-level scalar is defined twice.
	ErrDuplicate = errors.New("defined twice")
	// ErrLimit: a resource limit was exceeded (see [Limits]).
	ErrLimit = errors.New("limit exceeded")
	// ErrBadKey: an identity handed in with [WithAgeIdentities] does not
	// parse. The error says which one (by position, and line) and why,
	// never its text.
	ErrBadKey = sopsdec.ErrBadKey
)

// KeyError says, key by key, what was tried to decrypt a sops file's data
// key and why it failed: each [KeyAttempt] names the key by what
// identifies it (age recipient, PGP fingerprint, KMS ARN) and never holds a
// secret.
type KeyError = sopsdec.KeyError

// KeyAttempt is one key a [KeyError] tried.
type KeyAttempt = sopsdec.KeyAttempt

// FileError is a problem with one file of the workspace.
type FileError struct {
	Path string // slash-separated, relative to the workspace root
	Key  string // dotted key path inside the file ("actions.deploy"), if known
	Line int    // 1-based line, if known
	// Ref is the reference that failed to resolve, when that is the
	// failure, as the secrets package names it: "ref+SCHEME://PATH#FRAGMENT"
	// without its query or userinfo. A redactor masks references in
	// messages; an operator's log can print this field in the clear.
	Ref string
	Err error // the cause: wraps a sentinel of this package, or a render or secrets error
}

// failedRef is the reference err says failed to resolve, without query or
// userinfo: the secrets package's Ref, else what a render error of kind
// ErrResolve names.
func failedRef(err error) string {
	var se *secrets.Error
	if errors.As(err, &se) {
		return se.Ref
	}
	var re *render.Error
	if errors.As(err, &re) && re.Kind == render.ErrResolve {
		return re.Name
	}
	return ""
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// FileErrors returns every [*FileError] in err's tree, flat and in the
// order the load reported them, each once: errors.Join nests (a load joins
// the errors of each file, and a file joins its own), and a
// [*SecretsError] holds one per failing entry. A *FileError's own cause is
// not searched further. It returns nil when err holds none.
func FileErrors(err error) []*FileError {
	var out []*FileError
	seen := map[*FileError]bool{}
	var walk func(error)
	walk = func(err error) {
		switch x := err.(type) {
		case nil:
		case *FileError:
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// Format prints the error's message (which holds no value) for %v, %s and
// %q, and its fields for %#v, so that no verb reaches the cause's own
// fields.
func (e *FileError) Format(f fmt.State, verb rune) { printSafe(f, verb, e.Error(), e.GoString()) }

// GoString is what %#v prints: the place and the cause's message.
func (e *FileError) GoString() string {
	return fmt.Sprintf("&loader.FileError{Path: %q, Key: %q, Line: %d, Ref: %q, Err: /* %s */}", e.Path, e.Key, e.Line, e.Ref, e.Err)
}

// LogValue is what log/slog records: the place and the message.
func (e *FileError) LogValue() slog.Value {
	return slog.GroupValue(slog.String("path", e.Path), slog.String("key", e.Key), slog.Int("line", e.Line),
		slog.String("ref", e.Ref), slog.String("error", e.Error()))
}
