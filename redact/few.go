package redact

import "bytes"

// While few patterns are known (one secret has about ten forms), a text is
// not scanned position by position. Each pattern is looked for by its
// rarest byte, from the text's marks (marks.go) or with bytes.IndexByte;
// patterns looked for by the same byte share one pass. Where that byte
// occurs, the bytes on each side of it and a second rare byte of the
// pattern, at its place, are checked before the whole pattern is. Trigger
// bits come from the marks too, or from one IndexByte per trigger byte.
// Beyond maxFew patterns, the passes would cost more than testing every
// position against the anchor filter, and the scanner does that instead.

const maxFew = 96

// fewSet is the patterns of an index while there are at most maxFew,
// grouped by the byte each is looked for by. It is never changed once
// published: a new pattern publishes a new set.
type fewSet struct {
	groups   []fewGroup
	patterns int
	marks    markSet // the groups' bytes and triggerMarks'
}

// fewGroup is one pass: the patterns looked for by the byte c.
type fewGroup struct {
	c       byte
	members []fewMember
	// before and after hold the bytes that stand just before and just
	// after c in the members' texts (every byte, for a member that starts
	// or ends at c): where the text holds another, no member is looked at.
	before, after byteSet
}

// byteSet is a set of bytes, a bit each.
type byteSet [4]uint64

func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

// addSpellings adds the bytes of text that the byte c of a pattern of kind
// k matches.
func (s *byteSet) addSpellings(k kind, c byte) {
	raw, n := spellings(k, c)
	for _, r := range raw[:n] {
		s.add(r)
	}
}

func (s *byteSet) addAll() { *s = byteSet{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)} }

// fewMember is a pattern and the two places of its text that are checked
// first: at by, the byte the group's pass finds; at check, one of the bytes
// in checkRaw.
type fewMember struct {
	p        *pattern
	text     string // p's text, written out: few patterns are few bytes
	by       int
	check    int
	checkRaw [2]byte
	checkN   int
}

// rarity ranks bytes by how often logs and text hold them (lower is rarer),
// so that a pattern is looked for by the byte that stops IndexByte least.
func rarity(c byte) int { return int(rarities[c]) }

var rarities = func() (t [256]uint8) {
	for i := range t {
		c := byte(i)
		switch {
		case c == ' ':
			t[i] = 100
		case bytes.IndexByte([]byte("etaoinsr"), c) >= 0:
			t[i] = 70
		case bytes.IndexByte([]byte("hldcum012"), c) >= 0:
			t[i] = 50
		case c >= '0' && c <= '9':
			t[i] = 45
		case bytes.IndexByte([]byte("fpgwyb.:-/=_,\"\n"), c) >= 0:
			t[i] = 35
		case c >= 'a' && c <= 'z':
			t[i] = 15
		case c < 0x20 || c >= 0x7f:
			t[i] = 2
		default:
			t[i] = 8 // upper case letters, rarer punctuation
		}
	}
	return t
}()

// unfolded lists, for each folded byte, the bytes that fold to it (at most
// two: both cases of a letter, both base64 alphabets' '+' or '/').
var unfolded = func() (t [256]struct {
	raw [2]byte
	n   int
}) {
	for r := range 256 {
		f := &t[foldTable[r]]
		if f.n < 2 {
			f.raw[f.n] = byte(r)
			f.n++
		}
	}
	return t
}()

// spellings returns the bytes of text that the byte c of a pattern of
// kind k matches (both cases of a folded letter, both base64 alphabets' '+'
// or '/') and how many there are.
func spellings(k kind, c byte) ([2]byte, int) {
	switch k {
	case folded:
		if l := lowerASCII(c); l >= 'a' && l <= 'z' {
			return [2]byte{l, l - 'a' + 'A'}, 2
		}
	case base64Alphabets:
		switch base64Class(c) {
		case '+':
			return [2]byte{'+', '-'}, 2
		case '/':
			return [2]byte{'/', '_'}, 2
		}
	}
	return [2]byte{c}, 1
}

// cost is how often the spellings of the byte c of a pattern of kind k
// stop a pass.
func cost(k kind, c byte) int {
	raw, n := spellings(k, c)
	s := 0
	for _, c := range raw[:n] {
		s += rarity(c)
	}
	return s
}

// with returns a copy of s (which may be nil) that holds the patterns ps
// too; the caller keeps the total within maxFew.
func (s *fewSet) with(ps []pendingPattern) *fewSet {
	next := &fewSet{patterns: s.size() + len(ps)}
	if s != nil {
		next.groups = make([]fewGroup, len(s.groups), len(s.groups)+2*len(ps))
		for i, g := range s.groups {
			next.groups[i] = g
			next.groups[i].members = append([]fewMember(nil), g.members...)
		}
	}
	for _, pp := range ps {
		next.add(pp.p, pp.text)
	}
	next.marks = triggerMarks
	for _, g := range next.groups {
		next.marks.add(g.c)
	}
	return next
}

// add files p, whose text is text, in s, which is not published yet.
func (s *fewSet) add(p *pattern, text string) {
	// The rarest byte, and the rarest other byte to check; a byte already
	// searched for by a pass is preferred at equal cost.
	k := p.kind
	by, check := 0, -1
	for i := range len(text) {
		c := cost(k, text[i])
		if c < cost(k, text[by]) || c == cost(k, text[by]) && s.searches(k, text[i]) && !s.searches(k, text[by]) {
			by = i
		}
	}
	for i := range len(text) {
		if foldTable[text[i]] != foldTable[text[by]] && (check < 0 || cost(k, text[i]) < cost(k, text[check])) {
			check = i
		}
	}
	m := fewMember{p: p, text: text, by: by, check: by}
	if check >= 0 {
		m.check = check
	}
	m.checkRaw, m.checkN = spellings(k, text[m.check])
	raw, nraw := spellings(k, text[by])
	for _, c := range raw[:nraw] {
		g := -1
		for j := range s.groups {
			if s.groups[j].c == c {
				g = j
			}
		}
		if g < 0 {
			s.groups = append(s.groups, fewGroup{c: c})
			g = len(s.groups) - 1
		}
		grp := &s.groups[g]
		grp.members = append(grp.members, m)
		if by == 0 {
			grp.before.addAll()
		} else {
			grp.before.addSpellings(k, text[by-1])
		}
		if by == len(text)-1 {
			grp.after.addAll()
		} else {
			grp.after.addSpellings(k, text[by+1])
		}
	}
}

// searches reports whether a pass of s looks for a spelling of the byte c
// of a pattern of kind k already.
func (s *fewSet) searches(k kind, c byte) bool {
	if s == nil {
		return false
	}
	raw, n := spellings(k, c)
	for _, g := range s.groups {
		for _, c := range raw[:n] {
			if g.c == c {
				return true
			}
		}
	}
	return false
}

// noteFew notes the pattern just stored, whose text is text, for the few
// set that publishFew publishes. The caller holds the writer's lock.
func (ix *index) noteFew(p *pattern, text string) {
	if ix.manyOrShort {
		return
	}
	if ix.few.Load().size()+len(ix.pendingFew) >= maxFew {
		ix.manyOrShort = true
		ix.pendingFew = nil
		ix.few.Store(nil)
		return
	}
	ix.pendingFew = append(ix.pendingFew, pendingPattern{p, text})
}

// publishFew publishes a few set that holds the patterns noted since the
// last one: once an Add, not once a pattern. The caller holds the writer's
// lock.
func (ix *index) publishFew() {
	if len(ix.pendingFew) == 0 {
		return
	}
	next := ix.few.Load().with(ix.pendingFew)
	ix.pendingFew = ix.pendingFew[:0]
	ix.few.Store(next)
}

type pendingPattern struct {
	p    *pattern
	text string
}

func (s *fewSet) size() int {
	if s == nil {
		return 0
	}
	return s.patterns
}

// maxFewAnchors is how many anchors the ends of a text are searched for by
// a rare byte each; beyond it, every window at an end is tested against the
// filter.
const maxFewAnchors = 16

// fewAnchor is an anchor of 8 bytes and the byte it is looked for by, at by
// in it, in its spellings (both cases of a letter, both base64 alphabets).
type fewAnchor struct {
	key uint64
	by  int
	raw [2]byte
	n   int
}

func newFewAnchor(key uint64) fewAnchor {
	best, bestCost := fewAnchor{key: key}, 1<<30
	for j := range 8 {
		u := unfolded[byte(key>>(8*j))]
		a := fewAnchor{key: key, by: j, raw: u.raw, n: u.n}
		cost := 0
		for _, r := range u.raw[:u.n] {
			cost += rarity(r)
		}
		if a.n > 0 && cost < bestCost {
			best, bestCost = a, cost
		}
	}
	return best
}

// noteAnchor keeps fewAnchors up to date with a new anchor of n bytes. The
// caller holds the writer's lock.
func (ix *index) noteAnchor(key uint64, n int) {
	if ix.manyAnchors {
		return
	}
	if n != 8 || ix.anchors > maxFewAnchors {
		ix.manyAnchors = true
		ix.fewAnchors.Store(nil)
		return
	}
	var next []fewAnchor
	if old := ix.fewAnchors.Load(); old != nil {
		next = append(next, *old...)
	}
	next = append(next, newFewAnchor(key))
	ix.fewAnchors.Store(&next)
}

// anchorsIn calls hit with each i in [lo, hi] where an anchor of few starts
// in b (b[i:i+8] folds to it).
func anchorsIn(b []byte, lo, hi int, few []fewAnchor, hit func(i int, key uint64)) {
	if lo > hi {
		return
	}
	for _, a := range few {
		for r := range a.n {
			for pos := lo + a.by; pos <= hi+a.by; {
				k := bytes.IndexByte(b[pos:hi+a.by+1], a.raw[r])
				if k < 0 {
					break
				}
				i := pos + k - a.by
				pos += k + 1
				if foldedKey(b[i:i+8]) == a.key {
					hit(i, a.key)
				}
			}
		}
	}
}

// foldedKey is the anchor key of the 8 bytes of w.
func foldedKey(w []byte) uint64 {
	var k uint64
	for q := 7; q >= 0; q-- {
		k = k<<8 | uint64(foldTable[w[q]])
	}
	return k
}

// triggerList holds each byte that sets a trigger bit.
var triggerList = func() []byte {
	var l []byte
	for c := range 256 {
		if foldTrig[c]>>32 != 0 {
			l = append(l, byte(c))
		}
	}
	return l
}()

// triggersOf returns the trigger bits of b, from one IndexByte (memory
// speed) for each trigger byte whose bits are not set yet.
func triggersOf(b []byte) trigSet {
	var trig trigSet
	for _, c := range triggerList {
		if t := trigSet(foldTrig[c] >> 32); trig&t != t && bytes.IndexByte(b, c) >= 0 {
			trig |= t
		}
	}
	return trig
}

// scanFew is scanPatterns for an index of few patterns; mk, when not nil,
// holds b's marks (of few.marks).
func (m *matcher) scanFew(b []byte, few *fewSet, mk *marks, dst []span) ([]span, trigSet) {
	if mk != nil {
		for gi := range few.groups {
			g := &few.groups[gi]
			at, _ := mk.of(g.c)
			for _, i := range at {
				dst = g.matchAt(b, int(i), dst)
			}
		}
		return dst, mk.triggers()
	}
	for gi := range few.groups {
		g := &few.groups[gi]
		for pos := 0; pos < len(b); {
			k := bytes.IndexByte(b[pos:], g.c)
			if k < 0 {
				break
			}
			dst = g.matchAt(b, pos+k, dst)
			pos += k + 1
		}
	}
	return dst, triggersOf(b)
}

// matchAt appends the ranges of g's patterns found where their byte is at
// b[at].
func (g *fewGroup) matchAt(b []byte, at int, dst []span) []span {
	if at > 0 && !g.before.has(b[at-1]) || at+1 < len(b) && !g.after.has(b[at+1]) {
		return dst
	}
	for mi := range g.members {
		f := &g.members[mi]
		start := at - f.by
		end := start + len(f.text)
		if start < 0 || end > len(b) {
			continue
		}
		if c := b[start+f.check]; c != f.checkRaw[0] && (f.checkN < 2 || c != f.checkRaw[1]) {
			continue
		}
		if textMatches(f.p.kind, b[start:end], f.text) {
			dst = append(dst, f.p.widened(b, start, end))
		}
	}
	return dst
}
