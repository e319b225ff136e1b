package sopsdec

import (
	"errors"
	"strings"

	"github.com/getsops/sops/v3"
	"go.yaml.in/yaml/v3"
)

// This file builds sops' tree of a YAML file from documents already parsed
// by go.yaml.in/yaml/v3, the library sops' YAML store parses with, so that
// a file is parsed once. The result is the tree sops' store would build
// from the same bytes (LoadPlainFile); TestTreeMatchesSopsStore and
// FuzzTreeMatchesSopsStore compare the two on every fixture and on fuzzed
// YAML. What matters for decryption is exact: the leaves in order (the MAC
// hashes them in that order) and where each comment stands (the comment
// rules, encrypted_comment_regex and unencrypted_comment_regex, apply to
// the values after a comment).

// errStoreRefuses stands for an error of sops' store: the caller explains
// it from the documents (see unreadable), since the store's own message may
// quote content.
var errStoreRefuses = errors.New("sops' YAML store refuses the file")

// treeOf returns sops' tree branches of docs, one per document, as sops'
// YAML store reads them, or errStoreRefuses where the store would fail.
// docs are only read.
func treeOf(docs []*yaml.Node) (sops.TreeBranches, error) {
	if len(docs) > 0 {
		// The store first decodes the first document into a map, which is
		// how it refuses duplicate keys (and values that contradict their
		// tag); decoding the parsed node is the same decoder on the same
		// tree, without parsing the text again.
		if err := docs[0].Decode(make(map[string]any)); err != nil {
			return nil, errStoreRefuses
		}
	}
	branches := make(sops.TreeBranches, 0, len(docs))
	for _, doc := range docs {
		b, err := appendToBranch(make(sops.TreeBranch, 0), doc, false)
		if err != nil {
			return nil, err
		}
		branches = append(branches, b)
	}
	return branches, nil
}

// commentLines returns the lines of a yaml.v3 comment (each "#…") without
// their "#", skipping empty ones, as sops splits them.
func commentLines(comment string, each func(string)) {
	for line := range strings.SplitSeq(comment, "\n") {
		if line != "" {
			each(line[1:])
		}
	}
}

// withComments appends comment, line by line, as comment keys of a mapping.
func withComments(b sops.TreeBranch, comment string, inline bool) sops.TreeBranch {
	commentLines(comment, func(c string) {
		b = append(b, sops.TreeItem{Key: sops.Comment{Value: c, Inline: inline}})
	})
	return b
}

// listWithComments appends comment, line by line, as items of a list.
func listWithComments(l []any, comment string, inline bool) []any {
	commentLines(comment, func(c string) {
		l = append(l, sops.Comment{Value: c, Inline: inline})
	})
	return l
}

// appendToBranch appends the entries of a document or mapping node to b.
// commentsDone says that the caller has placed n's own comments already.
func appendToBranch(b sops.TreeBranch, n *yaml.Node, commentsDone bool) (sops.TreeBranch, error) {
	if !commentsDone {
		b = withComments(b, n.HeadComment, false)
		b = withComments(b, n.LineComment, false)
	}
	var err error
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if b, err = appendToBranch(b, c, false); err != nil {
				return nil, err
			}
		}
	case yaml.SequenceNode:
		return nil, errStoreRefuses // a document that is a list
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			b = withComments(b, k.HeadComment, false)
			b = withComments(b, k.LineComment, false)
			// A scalar's comments belong to the entry; a mapping or list
			// keeps its own inside it.
			leaf := v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode
			if leaf {
				b = withComments(b, v.HeadComment, false)
				b = withComments(b, v.LineComment, true)
			}
			key := scalarValue(k)
			val, err := treeValue(v, leaf)
			if err != nil {
				return nil, err
			}
			b = append(b, sops.TreeItem{Key: key, Value: val})
			if leaf {
				b = withComments(b, v.FootComment, false)
			}
			b = withComments(b, k.FootComment, false)
		}
	case yaml.ScalarNode:
		if n.ShortTag() != "!!null" {
			return nil, errStoreRefuses // a document that is a scalar
		}
		return b, nil // an empty document: its foot comment is dropped, as the store does
	case yaml.AliasNode:
		if b, err = appendToBranch(b, n.Alias, false); err != nil {
			return nil, err
		}
	}
	if !commentsDone {
		b = withComments(b, n.FootComment, false)
	}
	return b, nil
}

// treeValue returns the tree value of a node below a document.
func treeValue(n *yaml.Node, commentsDone bool) (any, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		var l []any // nil when empty, as the store leaves it
		if !commentsDone {
			l = listWithComments(l, n.HeadComment, false)
			l = listWithComments(l, n.LineComment, false)
		}
		for _, item := range n.Content {
			l = listWithComments(l, item.HeadComment, false)
			l = listWithComments(l, item.LineComment, true)
			v, err := treeValue(item, true)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
			l = listWithComments(l, item.FootComment, false)
		}
		if !commentsDone {
			l = listWithComments(l, n.FootComment, false)
		}
		return l, nil
	case yaml.MappingNode:
		return appendToBranch(make(sops.TreeBranch, 0), n, commentsDone)
	case yaml.ScalarNode:
		return scalarValue(n), nil
	case yaml.AliasNode:
		return treeValue(n.Alias, false)
	}
	return nil, nil
}

// scalarValue returns what the store gets decoding n into an interface
// value: a string as written for a !!str (nearly every value of a sops
// file, its ciphertexts included), nil for a !!null, and the decoder's
// answer for the rest. A node that does not decode is nil, as the store
// ignores the error.
func scalarValue(n *yaml.Node) any {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str":
			return n.Value
		case "!!null":
			return nil
		}
	}
	var v any
	_ = n.Decode(&v)
	return v
}
