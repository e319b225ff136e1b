package loader

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Decode decodes the merged document into v, as [yaml.Node.Decode] does:
// use yaml struct tags on your own types.
//
// A decoding error never passes on the decoder's message, which may quote
// the value (yaml's type errors do, and so do the errors of custom
// unmarshalers: time.ParseDuration, netip.ParseAddr, math/big, slog.Level).
// It is a [*FileError] naming the file, the key path and the line of the
// value that does not decode, and the Go type it was decoded into when the
// decoder said so.
func (w *Workspace) Decode(v any) error {
	err := w.doc.Decode(v)
	if err == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		// yaml's message for this case names only the Go type.
		return fmt.Errorf("loader: decode: %w", err)
	}
	loc := locateDecodeError(w.doc.Content[0], rv.Type().Elem())
	fe := &FileError{Path: w.origin[loc.entry], Key: loc.path, Line: loc.node.Line, Err: errCannotDecode(err)}
	if fe.Path == "" {
		fe.Path = "(merged document)"
	}
	return fmt.Errorf("loader: decode: %w", fe)
}

// intoType finds the Go type a yaml type error names ("… into int").
var intoType = regexp.MustCompile(`into ([\w.*\[\]]+)$`)

// errCannotDecode says what can be said of a decoding error without its
// text.
func errCannotDecode(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		if m := intoType.FindStringSubmatch(te.Errors[0]); m != nil {
			return fmt.Errorf("the value does not decode into %s", m[1])
		}
	}
	return errors.New("the value does not decode (the decoder's message is withheld: it may quote the value)")
}

// decodeLocation is where a decoding error happens: the innermost node that
// fails on its own, its key path, and the top-level entry it belongs to.
type decodeLocation struct {
	node, entry *yaml.Node
	path        string
}

// maxLocateSteps bounds the decodes locateDecodeError tries: it runs only
// on the error path, and each try decodes one path through the document.
const maxLocateSteps = 2000

// locateDecodeError narrows a failing decode of top into a value of type t
// down to the innermost node that fails alone: at each level it keeps one
// child at a time (and drops its siblings) and descends into the first
// child that still fails. Dropping a field never makes a decode fail, so a
// child that fails alone holds the fault.
func locateDecodeError(top *yaml.Node, t reflect.Type) decodeLocation {
	fails := func(n *yaml.Node) bool {
		doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}
		return doc.Decode(reflect.New(t).Interface()) != nil
	}
	loc := decodeLocation{node: top}
	// wrap rebuilds the whole document around a replacement of loc.node.
	wrap := func(n *yaml.Node) *yaml.Node { return n }
	steps := 0
	for depth := 0; ; depth++ {
		cur := resolveAlias(loc.node)
		next, key, ok := (*yaml.Node)(nil), "", false
		for i, child := range children(cur) {
			if steps++; steps > maxLocateSteps {
				return loc
			}
			if fails(wrap(only(cur, i))) {
				next, key, ok = child, childKey(cur, i), true
				break
			}
		}
		if !ok {
			return loc
		}
		outer, parent, index := wrap, cur, childIndex(cur, next)
		wrap = func(n *yaml.Node) *yaml.Node { return outer(only(replaceChild(parent, index, n), index)) }
		loc.node = next
		loc.path = joinKey(loc.path, key, cur.Kind == yaml.SequenceNode)
		if depth == 1 || (depth == 0 && next.Kind == yaml.ScalarNode) {
			loc.entry = next
		}
	}
}

// children returns the values of a mapping or the items of a sequence.
func children(n *yaml.Node) []*yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		out := make([]*yaml.Node, 0, len(n.Content)/2)
		for i := 1; i < len(n.Content); i += 2 {
			out = append(out, n.Content[i])
		}
		return out
	case yaml.SequenceNode:
		return n.Content
	}
	return nil
}

// childKey names child i of n in a key path: a mapping's key or a list index.
func childKey(n *yaml.Node, i int) string {
	if n.Kind == yaml.MappingNode {
		return n.Content[2*i].Value
	}
	return strconv.Itoa(i)
}

func childIndex(n, child *yaml.Node) int {
	for i, c := range children(n) {
		if c == child {
			return i
		}
	}
	return -1
}

// only returns a shallow copy of n that keeps child i alone.
func only(n *yaml.Node, i int) *yaml.Node {
	c := *n
	switch n.Kind {
	case yaml.MappingNode:
		c.Content = []*yaml.Node{n.Content[2*i], n.Content[2*i+1]}
	case yaml.SequenceNode:
		c.Content = []*yaml.Node{n.Content[i]}
	}
	return &c
}

// replaceChild returns a shallow copy of n with child i replaced by v.
func replaceChild(n *yaml.Node, i int, v *yaml.Node) *yaml.Node {
	c := *n
	c.Content = append([]*yaml.Node(nil), n.Content...)
	if n.Kind == yaml.MappingNode {
		c.Content[2*i+1] = v
	} else {
		c.Content[i] = v
	}
	return &c
}

func joinKey(path, key string, index bool) string {
	switch {
	case index:
		return path + "[" + key + "]"
	case path == "":
		return key
	}
	return path + "." + key
}
