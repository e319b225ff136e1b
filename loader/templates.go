package loader

import (
	"errors"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/render"
)

// The secrets: and connections: sections render at load with Strøm's rule
// for what is a template there: a string holding "{{". Elsewhere a string
// is a template when it holds "{{", "{%" or "{#" (the render package's
// rule), and renders when a worker claims its step.
var stromSections = map[string]bool{"secrets": true, "connections": true}

// isSectionTemplate reports whether s is a template in a secrets: or
// connections: section: "50{%off" is a plain value there.
func isSectionTemplate(s string) bool { return strings.Contains(s, "{{") }

// checkTemplates parses every template string of f, so that a syntax error
// is a load error with file, key path and line rather than a surprise when
// a worker claims the step. Values that were encrypted at rest are data,
// never templates: they are not parsed, and one outside secrets: and
// connections: that looks like a template is noted in f.notes, since Strøm
// would have rendered it.
func (st *state) checkTemplates(f *file) error {
	var errs []error
	for _, doc := range f.docs {
		top, _ := topMapping(doc)
		if top == nil {
			continue
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			key := top.Content[i].Value
			walkStrings(top.Content[i+1], key, func(n *yaml.Node, keyPath string) {
				switch {
				case f.marked[n]:
					if !stromSections[key] && render.IsTemplate(n.Value) {
						f.notes = append(f.notes, &FileError{Path: f.path, Key: keyPath, Line: n.Line, Err: errEncryptedTemplate})
					}
				case stromSections[key] && !isSectionTemplate(n.Value):
				default:
					if err := st.engine.Check(n.Value); err != nil {
						errs = append(errs, &FileError{Path: f.path, Key: keyPath, Line: n.Line, Err: err})
					}
				}
			})
		}
	}
	return errors.Join(errs...)
}

// errEncryptedTemplate is the cause of a warning about a value encrypted at
// rest, outside secrets: and connections:, that holds template syntax: it is
// data, and RenderStep gives it back as it is.
var errEncryptedTemplate = errors.New("the value was encrypted at rest and holds template syntax: it is data, not rendered (keep the template in the clear and read the secret through secret.NAME)")

// walkStrings calls fn with every string scalar below n and its key path.
// Aliases are not followed: the anchor's own node is visited where it
// stands.
func walkStrings(n *yaml.Node, keyPath string, fn func(n *yaml.Node, keyPath string)) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" {
			fn(n, keyPath)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkStrings(n.Content[i+1], keyPath+"."+n.Content[i].Value, fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkStrings(c, keyPath+"["+strconv.Itoa(i)+"]", fn)
		}
	}
}
