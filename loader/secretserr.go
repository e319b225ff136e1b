package loader

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/hushflow/hushflow/secrets"
)

// ErrSecret is returned (inside a [*SecretsError]) when an entry of the
// secrets: or connections: section does not render or resolve.
var ErrSecret = errors.New("secret does not resolve")

// secretError is an entry's failure: it reads as its cause (which names
// the template's place and the reference) and is an ErrSecret to errors.Is.
type secretError struct{ err error }

func (e secretError) Error() string   { return e.err.Error() }
func (e secretError) Unwrap() []error { return []error{ErrSecret, e.err} }

// SecretsError reports the entries of the secrets: and connections:
// sections that failed at load. A backend that is down fails every entry
// that uses it; the message says so once per distinct cause, with the
// number of entries and the first few keys, instead of once per entry.
// errors.As reaches each entry's [*FileError].
type SecretsError struct {
	Failures []*FileError // one per failing entry, in the order of the section
}

// shownKeys is how many keys a line of the message names.
const shownKeys = 3

func (e *SecretsError) Error() string {
	type group struct {
		cause string
		keys  []string // "secrets.DB (ref+awsssm:///prod/db)"
		files []string
		only  *FileError
	}
	var groups []*group
	byCause := map[string]*group{}
	for _, f := range e.Failures {
		c := causeOf(f)
		g := byCause[c]
		if g == nil {
			g = &group{cause: c}
			byCause[c] = g
			groups = append(groups, g)
		}
		g.keys = append(g.keys, keyAndRef(f))
		g.only = f
		if len(g.files) == 0 || g.files[len(g.files)-1] != f.Path {
			g.files = appendUnique(g.files, f.Path)
		}
	}
	var b strings.Builder
	b.WriteString("loader: ")
	b.WriteString(plural(len(e.Failures), "entry", "entries"))
	b.WriteString(" of the workspace failed to resolve")
	for _, g := range groups {
		b.WriteString("\n  ")
		if len(g.keys) == 1 {
			b.WriteString(g.only.Error()) // one entry: its own error says it all
			continue
		}
		b.WriteString(strings.Join(g.keys[:min(len(g.keys), shownKeys)], ", "))
		if n := len(g.keys) - shownKeys; n > 0 {
			b.WriteString(" and " + strconv.Itoa(n) + " more")
		}
		b.WriteString(" (" + strings.Join(g.files, ", ") + "): ")
		b.WriteString(g.cause)
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As every entry's *FileError.
func (e *SecretsError) Unwrap() []error {
	out := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		out[i] = f
	}
	return out
}

// keyAndRef names an entry and, when the resolver says, its reference.
func keyAndRef(f *FileError) string {
	if f.Ref != "" {
		return f.Key + " (" + f.Ref + ")"
	}
	return f.Key
}

// causeOf is what an entry's failure says once the entry itself is taken
// out: the resolver's cause without the reference (every entry names its
// own), or the render error's text.
func causeOf(f *FileError) string {
	var se *secrets.Error
	if errors.As(f.Err, &se) && se.Err != nil {
		return se.Err.Error()
	}
	return f.Err.Error()
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Format prints the error's message (which holds no value) for %v, %s and
// %q, and a summary for %#v.
func (e *SecretsError) Format(f fmt.State, verb rune) { printSafe(f, verb, e.Error(), e.GoString()) }

// GoString is what %#v prints: the failing entries' places.
func (e *SecretsError) GoString() string {
	var b strings.Builder
	b.WriteString("&loader.SecretsError{Failures: []*loader.FileError{")
	for i, f := range e.Failures {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.GoString())
	}
	b.WriteString("}}")
	return b.String()
}

// LogValue is what log/slog records: the message.
func (e *SecretsError) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("failures", len(e.Failures)), slog.String("error", e.Error()))
}
