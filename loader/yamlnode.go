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
