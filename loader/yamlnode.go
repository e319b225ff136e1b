package loader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

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

// fillDecrypted turns a parsed sops document into its plaintext, in place:
// it drops the top-level "sops" key and every comment (sops encrypts
// comments), and replaces each encrypted scalar, in document order, by the
// next of values, the plaintexts sops decrypted in the same order. mark is
// called for each scalar so replaced. sops never writes anchors, so a sops
// file with an alias was edited by hand and is refused.
func fillDecrypted(n *yaml.Node, top bool, values *[]any, mark func(*yaml.Node)) error {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	switch n.Kind {
	case yaml.AliasNode:
		return errAliasInSops
	case yaml.ScalarNode:
		if !strings.HasPrefix(n.Value, sopsEncryptedPrefix) {
			return nil
		}
		if len(*values) == 0 {
			return errShape
		}
		setPlain(n, (*values)[0])
		*values = (*values)[1:]
		mark(n)
		return nil
	case yaml.MappingNode:
		if top {
			n.Content = slices.DeleteFunc(slices.Clone(n.Content), isSopsKeyPair(n.Content))
		}
		for _, c := range n.Content {
			if err := fillDecrypted(c, false, values, mark); err != nil {
				return err
			}
		}
		return nil
	default: // documents and sequences
		for _, c := range n.Content {
			if err := fillDecrypted(c, n.Kind == yaml.DocumentNode, values, mark); err != nil {
				return err
			}
		}
		return nil
	}
}

// isSopsKeyPair returns a predicate for slices.DeleteFunc over a mapping's
// Content that deletes the key "sops" and its value.
func isSopsKeyPair(content []*yaml.Node) func(*yaml.Node) bool {
	drop := map[*yaml.Node]bool{}
	for i := 0; i+1 < len(content); i += 2 {
		if content[i].Kind == yaml.ScalarNode && content[i].Value == "sops" {
			drop[content[i]], drop[content[i+1]] = true, true
		}
	}
	return func(n *yaml.Node) bool { return drop[n] }
}

// setPlain makes n the scalar sops decrypted, typed as sops typed it.
func setPlain(n *yaml.Node, v any) {
	n.Style = 0
	switch v := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", v
	case []byte:
		n.Tag, n.Value = "!!str", string(v)
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(v)
	case int:
		n.Tag, n.Value = "!!int", strconv.Itoa(v)
	case float64:
		n.Tag, n.Value = "!!float", strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		n.Tag, n.Value = "!!timestamp", v.Format(time.RFC3339Nano)
	default:
		n.Tag, n.Value = "!!str", fmt.Sprint(v)
	}
}

var (
	errShape       = fmt.Errorf("%w: the decrypted values do not match the encrypted ones", ErrDecrypt)
	errAliasInSops = fmt.Errorf("%w: YAML aliases are not allowed in a sops file (sops never writes them)", ErrDecrypt)
)
