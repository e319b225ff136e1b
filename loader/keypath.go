package loader

import "strconv"

// keyPath is the key path of the node a walk stands at, kept as a stack
// of mapping keys and list indexes and written out as text only when a
// message needs it: a walk over every value of a workspace builds no
// string per value.
type keyPath struct {
	root  string
	parts []pathPart
}

// pathPart is one step of a key path: a mapping's key, or a list's index.
type pathPart struct {
	key   string
	index int // when key is unset (isIndex)
	isIdx bool
}

func (p *keyPath) pushKey(k string) { p.push(pathPart{key: k}) }
func (p *keyPath) pushIndex(i int)  { p.push(pathPart{index: i, isIdx: true}) }
func (p *keyPath) pop()             { p.parts = p.parts[:len(p.parts)-1] }

// push grows the stack, with room for a workflow's usual depth at once
// rather than doubling up to it.
func (p *keyPath) push(part pathPart) {
	if p.parts == nil {
		p.parts = make([]pathPart, 0, 12)
	}
	p.parts = append(p.parts, part)
}

// String writes the path as walkStrings' messages name it: the root, then
// ".key" for each key and "[i]" for each index.
func (p *keyPath) String() string {
	s := p.root
	for _, part := range p.parts {
		if part.isIdx {
			s += "[" + strconv.Itoa(part.index) + "]"
		} else {
			s += "." + part.key
		}
	}
	return s
}

// joined writes the path with joinKey's rule (no "." after an empty
// path), as the merge check's and the decoder's messages name it.
func (p *keyPath) joined() string {
	s := p.root
	for _, part := range p.parts {
		if part.isIdx {
			s = joinKey(s, strconv.Itoa(part.index), true)
		} else {
			s = joinKey(s, part.key, false)
		}
	}
	return s
}
