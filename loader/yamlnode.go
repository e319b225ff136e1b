package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseDocuments parses every YAML document in data. It fails with ErrLimit
// when a document holds more than maxNodes nodes with its aliases expanded,
// before anything expands them.
func parseDocuments(data []byte, maxNodes int) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	budget := maxNodes
	for {
		doc := new(yaml.Node)
		err := dec.Decode(doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s", ErrParse, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if !countNodes(doc, &budget) {
			return nil, fmt.Errorf("%w: more than %d YAML nodes with aliases expanded (MaxNodes)", ErrLimit, maxNodes)
		}
		docs = append(docs, doc)
	}
}

// countNodes walks n as a decoder would, following aliases, and spends one
// unit of budget a node. It stops as soon as the budget is spent, so a
// "billion laughs" document costs at most budget steps.
func countNodes(n *yaml.Node, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return countNodes(n.Alias, budget)
	}
	for _, c := range n.Content {
		if !countNodes(c, budget) {
			return false
		}
	}
	return true
}

// topMapping returns the mapping at the top of a document, nil for an empty
// document, or an error for any other shape.
func topMapping(doc *yaml.Node) (*yaml.Node, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	top := resolveAlias(doc.Content[0])
	switch {
	case top.Kind == yaml.MappingNode:
		return top, nil
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		return nil, nil
	default:
		return nil, fmt.Errorf("%w: the top level must be a mapping (line %d)", ErrParse, top.Line)
	}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// mappingValue returns the value of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolveAlias(m.Content[i+1])
		}
	}
	return nil
}

// hasSopsMetadata reports whether a document carries sops metadata: a
// top-level "sops" mapping with "mac" and "version".
func hasSopsMetadata(docs []*yaml.Node) bool {
	for _, doc := range docs {
		top, err := topMapping(doc)
		if err != nil || top == nil {
			continue
		}
		meta := mappingValue(top, "sops")
		if meta != nil && meta.Kind == yaml.MappingNode &&
			mappingValue(meta, "mac") != nil && mappingValue(meta, "version") != nil {
			return true
		}
	}
	return false
}

// sopsEncryptedPrefix starts every value sops encrypted.
const sopsEncryptedPrefix = "ENC[AES256_GCM,"

// collectEncrypted walks an encrypted document (before) and its decryption
// (after) in step, and calls mark for every scalar of after whose counterpart
// in before was encrypted. The top-level "sops" key of before is skipped.
// sops keeps the document's shape and order, so a mismatch means the
// decryption is not what sops would produce, and fails.
func collectEncrypted(before, after *yaml.Node, top bool, mark func(*yaml.Node)) error {
	before, after = resolveAlias(before), resolveAlias(after)
	switch before.Kind {
	case yaml.DocumentNode:
		if after.Kind != yaml.DocumentNode || len(before.Content) != len(after.Content) {
			return errShape
		}
		for i := range before.Content {
			if err := collectEncrypted(before.Content[i], after.Content[i], true, mark); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		if after.Kind != yaml.MappingNode {
			return errShape
		}
		j := 0
		for i := 0; i+1 < len(before.Content); i += 2 {
			if top && before.Content[i].Value == "sops" {
				continue
			}
			if j+1 >= len(after.Content) || after.Content[j].Value != before.Content[i].Value {
				return errShape
			}
			if err := collectEncrypted(before.Content[i+1], after.Content[j+1], false, mark); err != nil {
				return err
			}
			j += 2
		}
		if j != len(after.Content) {
			return errShape
		}
	case yaml.SequenceNode:
		if after.Kind != yaml.SequenceNode || len(before.Content) != len(after.Content) {
			return errShape
		}
		for i := range before.Content {
			if err := collectEncrypted(before.Content[i], after.Content[i], false, mark); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if strings.HasPrefix(before.Value, sopsEncryptedPrefix) {
			if after.Kind != yaml.ScalarNode {
				return errShape
			}
			mark(after)
		}
	}
	return nil
}

var errShape = fmt.Errorf("%w: the decrypted document does not have the shape of the encrypted one", ErrDecrypt)
