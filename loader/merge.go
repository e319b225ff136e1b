package loader

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// merger builds the workspace document file by file, in load order.
type merger struct {
	top     *yaml.Node          // the merged top-level mapping
	entries map[string]*section // by top-level key
	// origin names the file each entry came from: the value of a top-level
	// scalar, of a mapping's entry, or an item of a top-level list.
	origin map[*yaml.Node]string
}

// section is one top-level key of the merged document.
type section struct {
	value *yaml.Node        // a fresh node: files' own nodes are never changed
	file  string            // the file that defined it first (for scalars)
	names map[string]string // entry name → file that defined it (for mappings)
	index int               // of value in the merged mapping's Content
}

func newMerger() *merger {
	return &merger{top: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, entries: map[string]*section{}, origin: map[*yaml.Node]string{}}
}

// add merges a file's documents, or none of them: a file that conflicts with
// the files before it (or with itself) is not merged at all, so that
// skipping it leaves a consistent workspace.
func (m *merger) add(f *file) error {
	if err := m.check(f); err != nil {
		return err
	}
	for _, doc := range f.docs {
		top, _ := topMapping(doc)
		if top == nil {
			continue
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			m.apply(f.path, top.Content[i], resolveAlias(top.Content[i+1]))
		}
	}
	return nil
}

// check reports every conflict of f with the merged document, and inside f.
func (m *merger) check(f *file) error {
	c := fileCheck{m: m, f: f, kinds: map[string]yaml.Kind{}, scalars: map[string]string{}, names: map[string]map[string]int{}}
	for _, doc := range f.docs {
		top, _ := topMapping(doc)
		if top == nil {
			continue
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			c.entry(top.Content[i], resolveAlias(top.Content[i+1]))
		}
	}
	return errors.Join(c.errs...)
}

// fileCheck is what check learns of one file as it goes through its
// top-level entries.
type fileCheck struct {
	m       *merger
	f       *file
	errs    []error
	kinds   map[string]yaml.Kind      // top-level key → kind, within f
	scalars map[string]string         // top-level scalar → value, within f
	names   map[string]map[string]int // top-level key → entry name → line, within f
}

func (c *fileCheck) conflict(key *yaml.Node, name, detail string) {
	c.errs = append(c.errs, &FileError{Path: c.f.path, Line: key.Line, Key: name, Err: fmt.Errorf("%w: %s", ErrDuplicate, detail)})
}

func (c *fileCheck) notScalar(key *yaml.Node, name, what string) {
	c.errs = append(c.errs, &FileError{Path: c.f.path, Line: key.Line, Key: name, Err: fmt.Errorf("%w: %s must be a scalar", ErrParse, what)})
}

// entry checks one top-level key and its value.
func (c *fileCheck) entry(key, val *yaml.Node) {
	if key.Kind != yaml.ScalarNode {
		c.notScalar(key, "", "a top-level key")
		return
	}
	if isNull(val) {
		return
	}
	name := key.Value
	prev := c.m.entries[name]
	if prev != nil && isNull(prev.value) {
		prev = nil // an empty section earlier takes any kind
	}
	if k, ok := c.kinds[name]; ok && k != val.Kind {
		c.conflict(key, name, "with another kind of value earlier in this file")
		return
	}
	c.kinds[name] = val.Kind
	if prev != nil && prev.value.Kind != val.Kind {
		c.conflict(key, name, fmt.Sprintf("with another kind of value in %s", prev.file))
		return
	}
	switch val.Kind {
	case yaml.MappingNode:
		c.mapping(name, val, prev)
	case yaml.ScalarNode:
		if prev != nil && prev.value.Value != val.Value {
			c.conflict(key, name, "with another value in "+prev.file)
		} else if v, ok := c.scalars[name]; ok && v != val.Value {
			c.conflict(key, name, "with another value earlier in this file")
		}
		c.scalars[name] = val.Value
	}
}

// mapping checks the entry names of a top-level mapping against earlier
// files (prev) and earlier in this file.
func (c *fileCheck) mapping(name string, val *yaml.Node, prev *section) {
	if c.names[name] == nil {
		c.names[name] = map[string]int{}
	}
	for j := 0; j+1 < len(val.Content); j += 2 {
		ek := val.Content[j]
		if ek.Kind != yaml.ScalarNode {
			c.notScalar(ek, name, "an entry name")
			continue
		}
		path := name + "." + ek.Value
		if prev != nil {
			if other, dup := prev.names[ek.Value]; dup {
				c.conflict(ek, path, "first defined in "+other)
				continue
			}
		}
		if line, dup := c.names[name][ek.Value]; dup {
			c.conflict(ek, path, fmt.Sprintf("first defined on line %d of this file", line))
			continue
		}
		c.names[name][ek.Value] = ek.Line
	}
}

func (m *merger) apply(file string, key, val *yaml.Node) {
	name := key.Value
	s := m.entries[name]
	switch {
	case s == nil:
		s = &section{file: file, names: map[string]string{}, index: len(m.top.Content) + 1}
		m.entries[name] = s
		m.top.Content = append(m.top.Content, key, nil)
		s.setValue(m.top, val)
	case isNull(s.value) && !isNull(val):
		// An empty "actions:" in an earlier file takes the kind of a later one.
		s.file = file
		s.setValue(m.top, val)
	}
	switch val.Kind {
	case yaml.MappingNode:
		for j := 0; j+1 < len(val.Content); j += 2 {
			s.names[val.Content[j].Value] = file
			m.origin[val.Content[j+1]] = file
		}
		s.value.Content = append(s.value.Content, val.Content...)
	case yaml.SequenceNode:
		for _, item := range val.Content {
			m.origin[item] = file
		}
		s.value.Content = append(s.value.Content, val.Content...)
	default:
		m.origin[s.value] = s.file
	}
}

// setValue makes the section's value a fresh node of val's kind, empty for
// mappings and lists (their items are appended), val itself for scalars (so
// that the scalar keeps its identity as a leaf that was encrypted at rest).
func (s *section) setValue(top, val *yaml.Node) {
	switch val.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		s.value = &yaml.Node{Kind: val.Kind, Tag: val.Tag, Style: val.Style, Line: val.Line, Column: val.Column}
	default:
		s.value = val
	}
	top.Content[s.index] = s.value
}

func (m *merger) document() *yaml.Node {
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{m.top}}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
