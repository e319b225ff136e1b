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
	fc     fileCheck           // check's scratch, its maps emptied for each file
	last   map[string]*section // the last good merge's sections, for their sizes
}

// section is one top-level key of the merged document.
type section struct {
	value *yaml.Node        // a fresh node: files' own nodes are never changed
	file  string            // the file that defined it first (for scalars)
	names map[string]string // entry name → file that defined it (for mappings)
	index int               // of value in the merged mapping's Content
}

// newMerger returns an empty merger. Its maps and sections are sized as
// those of last (which may be nil), a merge of the files of the same
// workspace (the last good one): a reload changes little.
func newMerger(last *merger) *merger {
	m := &merger{
		top: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, entries: map[string]*section{},
		fc: fileCheck{kinds: map[string]yaml.Kind{}, scalars: map[string]string{}, names: map[sectionEntry]int{}},
	}
	if last != nil {
		m.origin = make(map[*yaml.Node]string, len(last.origin))
		m.last = last.entries
	} else {
		m.origin = map[*yaml.Node]string{}
	}
	return m
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
		kv := pairs(top)
		for i := 0; i+1 < len(kv); i += 2 {
			m.apply(f.path, kv[i], resolveAlias(kv[i+1]))
		}
	}
	return nil
}

// check reports every conflict of f with the merged document, and inside f.
func (m *merger) check(f *file) error {
	c := &m.fc
	c.m, c.f, c.errs = m, f, nil
	clear(c.kinds)
	clear(c.scalars)
	clear(c.names)
	for i, doc := range f.docs {
		top, _ := topMapping(doc)
		if top == nil {
			continue
		}
		c.errs = append(c.errs, f.mergeKeyErrs[i]...)
		kv := pairs(top)
		for i := 0; i+1 < len(kv); i += 2 {
			c.entry(kv[i], resolveAlias(kv[i+1]))
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
	kinds   map[string]yaml.Kind // top-level key → kind, within f
	scalars map[string]string    // top-level scalar → value, within f
	names   map[sectionEntry]int // entry of a top-level mapping → its line, within f
}

// sectionEntry names an entry of a top-level mapping.
type sectionEntry struct{ section, name string }

func (c *fileCheck) conflict(key *yaml.Node, name, detail string) {
	c.errs = append(c.errs, &FileError{Path: c.f.path, Line: key.Line, Key: name, Err: fmt.Errorf("%w: %s", ErrDuplicate, detail)})
}

func (c *fileCheck) notScalar(key *yaml.Node, name, what string) {
	c.errs = append(c.errs, &FileError{Path: c.f.path, Line: key.Line, Key: name, Err: fmt.Errorf("%w: %s must be a scalar", ErrYAML, what)})
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
	kv := pairs(val)
	for j := 0; j+1 < len(kv); j += 2 {
		ek := kv[j]
		if ek.Kind != yaml.ScalarNode {
			c.notScalar(ek, name, "an entry name")
			continue
		}
		if prev != nil {
			if other, dup := prev.names[ek.Value]; dup {
				c.conflict(ek, name+"."+ek.Value, "first defined in "+other)
				continue
			}
		}
		if line, dup := c.names[sectionEntry{name, ek.Value}]; dup {
			c.conflict(ek, name+"."+ek.Value, fmt.Sprintf("first defined on line %d of this file", line))
			continue
		}
		c.names[sectionEntry{name, ek.Value}] = ek.Line
	}
}

func (m *merger) apply(file string, key, val *yaml.Node) {
	name := key.Value
	s := m.entries[name]
	switch {
	case s == nil:
		s = &section{file: file, index: len(m.top.Content) + 1}
		if last := m.last[name]; last != nil {
			s.names = make(map[string]string, len(last.names))
		} else {
			s.names = map[string]string{}
		}
		m.entries[name] = s
		m.top.Content = append(m.top.Content, key, nil)
		s.setValue(m.top, val, m.last[name])
	case isNull(s.value) && !isNull(val):
		// An empty "actions:" in an earlier file takes the kind of a later one.
		s.file = file
		s.setValue(m.top, val, m.last[name])
	}
	switch val.Kind {
	case yaml.MappingNode:
		kv := pairs(val)
		for j := 0; j+1 < len(kv); j += 2 {
			s.names[kv[j].Value] = file
			m.origin[kv[j+1]] = file
		}
		s.value.Content = append(s.value.Content, kv...)
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
// A list's room is that of the same section in the last merge (last may be
// nil).
func (s *section) setValue(top, val *yaml.Node, last *section) {
	switch val.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		s.value = &yaml.Node{Kind: val.Kind, Tag: val.Tag, Style: val.Style, Line: val.Line, Column: val.Column}
		if last != nil && last.value.Kind == val.Kind {
			s.value.Content = make([]*yaml.Node, 0, len(last.value.Content))
		}
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

// YAML 1.1 merge keys ("<<: *defaults", "<<: [*a, *b]") are applied
// wherever the loader reads a mapping itself (the merge of files, the
// secrets: and connections: sections), as the YAML decoder applies them in
// Decode: a key written in the mapping wins over a merged one, and an
// earlier mapping of a merged list wins over a later one. Without this, a
// literal "<<" entry would hold the merged mapping unrendered.

// isMergeKey reports whether k is the merge key, by the YAML decoder's own
// rule: "<<" written plain ("<<" in quotes, or tagged !!str, is an
// ordinary key).
func isMergeKey(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || k.Value != "<<" {
		return false
	}
	switch k.Tag {
	case "", "!", "!!merge", "tag:yaml.org,2002:merge":
		return true
	}
	return false
}

// maxMergeDepth bounds merge keys inside merged mappings: an anchor holding
// a merge of an anchor holding a merge, and so on.
const maxMergeDepth = 32

// pairs returns the key and value nodes of the mapping n, alternating as in
// Content, with its merge keys applied: each merged entry stands where its
// "<<" stands, unless n or an earlier merged mapping has its key. A merge
// value that is not a mapping or a list of mappings is left out (the
// merger's check reports it).
func pairs(n *yaml.Node) []*yaml.Node { return pairsDepth(n, 0) }

func pairsDepth(n *yaml.Node, depth int) []*yaml.Node {
	n = resolveAlias(n)
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			merges = true
			break
		}
	}
	if !merges || depth > maxMergeDepth {
		return n.Content
	}
	own := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !isMergeKey(k) {
			own[k.Value] = true
		}
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	merged := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMergeKey(k) {
			out = append(out, k, v)
			continue
		}
		sources, _ := mergeSources(v)
		for _, src := range sources {
			kv := pairsDepth(src, depth+1)
			for j := 0; j+1 < len(kv); j += 2 {
				if name := kv[j].Value; !own[name] && !merged[name] {
					merged[name] = true
					out = append(out, kv[j], kv[j+1])
				}
			}
		}
	}
	return out
}

// mergeSources returns the mappings a merge key's value names: one
// mapping, or a list of them (aliases resolved). ok is false for anything
// else.
func mergeSources(v *yaml.Node) (sources []*yaml.Node, ok bool) {
	v = resolveAlias(v)
	switch v.Kind {
	case yaml.MappingNode:
		return []*yaml.Node{v}, true
	case yaml.SequenceNode:
		for _, item := range v.Content {
			item = resolveAlias(item)
			if item.Kind != yaml.MappingNode {
				return nil, false
			}
			sources = append(sources, item)
		}
		return sources, true
	}
	return nil, false
}

// mergeKeyErrors reports, for each document of f (with a mapping at its
// top), every merge key whose value is not a mapping or a list of
// mappings, merges nested deeper than maxMergeDepth, and merge keys in a
// sops file. Aliases are not followed: each node is checked where it
// stands. It depends on f alone, so it runs once, when f is parsed, and
// its errors stand with the parsed file in the cache.
func mergeKeyErrors(f *file) [][]error {
	out := make([][]error, len(f.docs))
	for i, doc := range f.docs {
		if top, _ := topMapping(doc); top == nil {
			continue
		}
		c := mergeKeyCheck{f: f}
		c.walk(doc)
		out[i] = c.errs
	}
	return out
}

// mergeKeyCheck walks a document for mergeKeyErrors, keeping its key
// path as a stack that is written out only for an error.
type mergeKeyCheck struct {
	f    *file
	path keyPath
	errs []error
}

func (c *mergeKeyCheck) fail(k *yaml.Node, err error) {
	c.errs = append(c.errs, &FileError{Path: c.f.path, Line: k.Line, Key: c.path.joined(), Err: err})
}

func (c *mergeKeyCheck) walk(n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, d := range n.Content {
			c.walk(d)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if c.f.encrypted && k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style == 0 {
				// sops keeps every key as a string, so what the author wrote
				// as a merge key comes out of decryption as an ordinary one.
				c.fail(k, fmt.Errorf("%w: a merge key (<<) in a sops file: sops keeps it as an ordinary key, so the merge would not happen; write the entries out", ErrYAML))
			}
			if isMergeKey(k) {
				if _, ok := mergeSources(v); !ok {
					c.fail(k, fmt.Errorf("%w: the value of a merge key (<<) must be a mapping or a list of mappings", ErrYAML))
				} else if !mergeDepthOK(v, 0) {
					c.fail(k, fmt.Errorf("%w: merge keys (<<) nest deeper than %d levels", ErrLimit, maxMergeDepth))
				}
			}
			c.path.pushKey(k.Value)
			c.walk(v)
			c.path.pop()
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			c.path.pushIndex(i)
			c.walk(item)
			c.path.pop()
		}
	}
}

// mergeDepthOK reports whether the mappings v merges merge no deeper than
// maxMergeDepth in turn.
func mergeDepthOK(v *yaml.Node, depth int) bool {
	if depth > maxMergeDepth {
		return false
	}
	sources, _ := mergeSources(v)
	for _, src := range sources {
		for i := 0; i+1 < len(src.Content); i += 2 {
			if isMergeKey(src.Content[i]) && !mergeDepthOK(src.Content[i+1], depth+1) {
				return false
			}
		}
	}
	return true
}
