package redact

import (
	"cmp"
	"slices"
	"strconv"
	"unsafe"

	"github.com/hushflow/hushflow/internal/numfmt"
	"github.com/hushflow/hushflow/internal/ref"
)

// span is the byte range [start, end) of the input to mask.
type span struct{ start, end int }

// matcher is what one mask uses: the Redactor's index and settings, read
// once. Secrets added while it is in use may or may not be seen.
type matcher struct {
	r       *Redactor
	ix      *index
	f       *filter
	lens    uint32
	maxLen  int
	minLen  int // 0: no pattern
	refs    bool
	numeric bool
	whole   bool // some value is masked only as a whole
	grams   gramView
	// sc holds the buffers of views (from the Redactor's pool, or a
	// Writer's own).
	sc         *scratch
	ownScratch bool
	few        *fewSet // the patterns, while they are few
	// cutEdges are the ends of the text being scanned (a view's, while it
	// is) that cut pieces of secrets are masked at: see spansAt.
	cutEdges edges
	// unmarked searches every text with IndexByte, never with marks, so
	// that tests can compare the two.
	unmarked bool
	// sampled is the index's sampled filter (nil: none), and maxOff the
	// furthest offset of an anchor in its pattern.
	sampled *sampled
	maxOff  int
	// unsampled tests every position, never with the sampled filter, so
	// that tests can compare the two.
	unsampled bool
}

func (r *Redactor) load() matcher {
	ix := &r.ix
	// The lengths first: an Add publishes the filter before them, so a
	// matcher that sees a pattern's length sees a filter that holds it.
	m := matcher{
		r:       r,
		ix:      ix,
		lens:    ix.lens.Load(),
		maxLen:  int(ix.maxLen.Load()),
		minLen:  int(ix.minLen.Load()),
		refs:    !r.refsVisible,
		numeric: r.numeric.Load(),
		whole:   r.values.wholeLens.Load() != 0,
	}
	m.f = ix.filter.Load()
	m.sampled = ix.sampled.Load()
	m.maxOff = int(ix.maxOff.Load())
	m.few = ix.few.Load()
	m.grams = r.grams.load()
	return m
}

// minScan is the length of the shortest text that may hold something to
// mask (a pattern or a reference).
func (m *matcher) minScan() int {
	n := 1 << 30
	if m.minLen > 0 {
		n = m.minLen
	}
	if m.refs {
		n = min(n, len("ref+x://yz"))
	}
	return n
}

// edges says which ends of a text are the ends of what it stands for (the
// whole of a String's input, a JSON string, a stream): a piece of a secret
// cut there is masked too.
type edges uint8

const (
	edgeStart edges = 1 << iota // a suffix of a secret that starts the text
	edgeEnd                     // a prefix of a secret that ends it
)

// minCut is the shortest piece of a secret cut by an end of the text that
// is masked; the piece must also be at least half the secret. Its first or
// last minCut bytes are the anchor it is filed under: one window.
const minCut = windowLen

// spansAt is spans, with the pieces of secrets cut by the given ends of b
// masked too.
func (m *matcher) spansAt(b []byte, dst []span, e edges) []span {
	dst = dst[:0]
	if len(b) >= m.minScan() {
		budget := viewBudget * (len(b) + 512)
		m.cutEdges = e // the views that reach an end of b look for cuts too
		dst = m.scanText(b, dst, 0, &budget)
		m.cutEdges = 0
		m.returnScratch()
	}
	if e != 0 && len(b) >= minCut {
		dst = m.cutSpans(b, dst, e)
	}
	return merge(dst)
}

// cutSpans appends the pieces of secrets that the ends e of b cut: a prefix
// of a secret that ends b, a suffix that starts it, each at least minCut
// bytes and half the secret. Text in the middle is not looked at: a piece
// of a secret there is no secret.
func (m *matcher) cutSpans(b []byte, dst []span, e edges) []span {
	n := len(b)
	if h := int(m.r.heads.maxLen.Load()); e&edgeEnd != 0 && h > 0 {
		lo, hi := max(0, n-h+1), n-minCut
		hit := func(i int, key uint64) { dst = m.cutHead(b, i, key, dst) }
		if few := m.r.heads.fewAnchors.Load(); few != nil {
			anchorsIn(b, lo, hi, *few, hit)
		} else {
			f := m.r.heads.filter.Load()
			if s := m.sampledFor(&m.r.heads); s != nil {
				// A prefix that starts at i holds, at some j in
				// [i, i+stride), one of the first windows of its secret;
				// testing j = hi, hi-stride, ... finds them all.
				for j := hi; j >= lo; j -= s.stride {
					if s.has(b, j) {
						candidates(b, max(lo, j-s.stride+1), j, f, hit)
					}
				}
			} else {
				candidates(b, lo, hi, f, hit)
			}
		}
	}
	if t := int(m.r.tails.maxLen.Load()); e&edgeStart != 0 && t > 0 {
		// The suffix of length l, for l from minCut up to t-1 and n, ends
		// with an anchor at l-minCut.
		hi := min(t-1, n) - minCut
		hit := func(i int, key uint64) { dst = m.cutTail(b, i+minCut, key, dst) }
		if few := m.r.tails.fewAnchors.Load(); few != nil {
			anchorsIn(b, 0, hi, *few, hit)
		} else {
			f := m.r.tails.filter.Load()
			if s := m.sampledFor(&m.r.tails); s != nil {
				// A suffix whose anchor is at i holds, at some j in
				// (i-stride, i], one of the last windows of its secret;
				// testing j = 0, stride, ... finds them all.
				for j := 0; j <= hi; j += s.stride {
					if s.has(b, j) {
						candidates(b, j, min(j+s.stride-1, hi), f, hit)
					}
				}
			} else {
				candidates(b, 0, hi, f, hit)
			}
		}
	}
	return dst
}

// windowLen is the length of the folded window the filters test: an anchor
// of 8 bytes, the ends' anchors (minCut) included.
const windowLen = 8

// candidates calls hit with each i in [lo, hi] where the folded window
// b[i:i+windowLen] passes the filter f, and with that window.
func candidates(b []byte, lo, hi int, f *filter, hit func(i int, key uint64)) {
	if lo > hi {
		return
	}
	b = b[:hi+windowLen]
	w := foldedKey(b[lo:])
	for e := lo + windowLen; ; e++ {
		e, w = nextCandidate(b, e, w, f)
		if e < 0 {
			return
		}
		hit(e-windowLen, w)
		if e >= len(b) {
			return
		}
		w = w>>8 | uint64(foldTable[b[e]])<<56
	}
}

// cutHead appends the span of a prefix of a secret that starts at b[i]
// and ends b, if one is filed under the anchor key.
func (m *matcher) cutHead(b []byte, i int, key uint64, dst []span) []span {
	avail := len(b) - i
	for id := m.r.heads.lookup(key); id >= 0; {
		p := m.r.heads.pattern(id)
		id = p.next
		if avail < len(p.src) && 2*avail >= len(p.src) && foldedEqual(b[i:], p.src[:avail]) {
			return append(dst, span{i, len(b)})
		}
	}
	return dst
}

// cutTail appends the span of a suffix of a secret, l bytes long, that
// starts b, if one is filed under the anchor key (its last minCut bytes).
func (m *matcher) cutTail(b []byte, l int, key uint64, dst []span) []span {
	for id := m.r.tails.lookup(key); id >= 0; {
		p := m.r.tails.pattern(id)
		id = p.next
		if l < len(p.src) && 2*l >= len(p.src) && foldedEqual(b[:l], p.src[len(p.src)-l:]) {
			return append(dst, span{0, l})
		}
	}
	return dst
}

// foldedEqual reports whether t equals the folded text p in any ASCII case.
func foldedEqual(t []byte, p string) bool {
	if len(t) != len(p) {
		return false
	}
	for i := range t {
		if foldTable[t[i]] != foldTable[p[i]] {
			return false
		}
	}
	return true
}

// spans appends to dst the ranges of b to mask: every occurrence of every
// pattern (overlapping ones included), in b and in the views of its escape
// sequences, and every ref+ reference, sorted and merged so that touching or
// overlapping ranges become one.
func (m *matcher) spans(b []byte, dst []span) []span {
	dst = dst[:0]
	if len(b) < m.minScan() {
		return dst
	}
	budget := viewBudget * (len(b) + 512)
	dst = m.scanText(b, dst, 0, &budget)
	m.returnScratch()
	return merge(dst)
}

// scratch holds the buffers of the views of one mask, one set per level of
// nesting, so that a Writer's steady state allocates nothing for them.
type scratch struct {
	levels [maxViewDepth + 1]struct {
		seqs  []seq
		kept  []int
		v     view
		found []span
		marks marks
	}
	numbers []byte // the texts of a number (floatLeaks)
}

// borrowScratch takes buffers from the Redactor's pool, unless m holds
// some; the first view of a mask calls it, so that a text without escapes
// costs no trip to the pool.
func (m *matcher) borrowScratch() {
	if m.sc == nil {
		m.sc, _ = m.r.scratch.Get().(*scratch)
		if m.sc == nil {
			m.sc = new(scratch)
		}
		m.ownScratch = true
	}
}

func (m *matcher) returnScratch() {
	if m.ownScratch {
		m.r.scratch.Put(m.sc)
		m.sc, m.ownScratch = nil, false
	}
}

// viewBudget bounds the bytes of views one text may cost, per byte of it: a
// text whose escapes nest so densely that its views would cost more (none
// that a serializer writes does) is masked whole where it is over.
const viewBudget = 8

// scanText appends the unmerged ranges to mask in b, views included.
func (m *matcher) scanText(b []byte, dst []span, depth int, budget *int) []span {
	if len(b) < m.minScan() {
		return dst
	}
	patterns := m.minLen > 0 && len(b) >= m.minLen
	var mk *marks
	if len(b) >= minMarked && len(b) <= maxMarked && !m.unmarked {
		set := &triggerMarks
		if patterns && m.few != nil {
			set = &m.few.marks
		}
		m.borrowScratch()
		mk = &m.sc.levels[depth].marks
		mk.take(b, set)
	}
	var trig trigSet
	switch {
	case patterns:
		dst, trig = m.scanPatterns(b, mk, dst)
	case mk != nil:
		trig = mk.triggers()
	default:
		trig = triggers(b)
	}
	if m.refs && trig&trigRef != 0 {
		dst = findRefs(b, dst)
	}
	if trig&viewTriggers != 0 && depth < maxViewDepth {
		dst = m.scanViews(b, mk, trig, dst, depth, budget)
	}
	return dst
}

// scanPatterns appends the ranges of the patterns found in b and returns the
// trigger bits of b; mk, when not nil, holds b's marks. It is the loop every
// byte of every masked text goes through: the folded 8-byte window at each
// position is one shift and one table load away from the previous one, and
// one multiplication and one load of the filter tell whether it may be an
// anchor.
func (m *matcher) scanPatterns(b []byte, mk *marks, dst []span) ([]span, trigSet) {
	if m.few != nil && len(b) >= 64 {
		return m.scanFew(b, m.few, mk, dst)
	}
	n := len(b)
	if m.lens == 1<<8 && n >= 64 {
		// Only anchors of 8 bytes, the common case: a loop with nothing
		// else in it, and the trigger bits from the marks or IndexByte.
		dst = m.scanLong(b, dst)
		if mk != nil {
			return dst, mk.triggers()
		}
		return dst, triggersOf(b)
	}
	var trig uint64
	var w uint64
	for i := min(n, 8) - 1; i >= 0; i-- {
		e := foldTrig[b[i]]
		w = w<<8 | uint64(uint8(e))
		trig |= e
	}
	short := m.lens &^ (1 << 8)
	long := m.lens&(1<<8) != 0
	if n >= 8 {
		for i := 0; ; i++ {
			if long && m.f.has(w) {
				dst = m.confirm(b, i, w, dst)
			}
			if short != 0 {
				dst = m.probeShort(b, i, w, short, 8, dst)
			}
			if i+8 >= n {
				break
			}
			e := foldTrig[b[i+8]]
			trig |= e
			w = w>>8 | uint64(uint8(e))<<56
		}
	}
	if short != 0 {
		// The last positions, where fewer than 8 bytes are left: only
		// shorter anchors fit.
		i := max(n-7, 0)
		if n >= 8 {
			w >>= 8
		}
		for ; i < n; i++ {
			dst = m.probeShort(b, i, w, short, n-i, dst)
			w >>= 8
		}
	}
	return dst, trigSet(trig >> 32)
}

// scanLong is scanPatterns for an index whose anchors are all 8 bytes long.
func (m *matcher) scanLong(b []byte, dst []span) []span {
	hit := func(i int, key uint64) { dst = m.confirm(b, i, key, dst) }
	if m.sampled == nil {
		m.sampled = m.sampledFor(m.ix)
	}
	if m.sampled != nil {
		m.scanSampled(b, m.sampled, hit)
	} else {
		candidates(b, 0, len(b)-windowLen, m.f, hit)
	}
	return dst
}

// sampledFor is the sampled filter of ix (see Redactor.sampledFor); nil
// when m tests every position.
func (m *matcher) sampledFor(ix *index) *sampled {
	if m.unsampled {
		return nil
	}
	return m.r.sampledFor(ix)
}

// nextCandidate returns the first i, from the given one, where the folded
// window b[i-8:i] (w at the given i) passes the filter, and that window; i
// is -1 when none does. It calls nothing, so that its loop keeps every
// value in a register.
func nextCandidate(b []byte, i int, w uint64, f *filter) (int, uint64) {
	words := f.words
	mask := uint64(len(words) - 1)
	s0 := f.shift & 63
	for k, c := range b[i:] {
		h := w * kFilter
		if x := words[h>>s0&mask].Load(); x&(1<<(h>>filterBit1&63)) != 0 && x&(1<<(h>>filterBit2&63)) != 0 {
			return i + k, w
		}
		w = w>>8 | uint64(foldTable[c])<<56
	}
	h := w * kFilter
	if x := words[h>>s0&mask].Load(); x&(1<<(h>>filterBit1&63)) != 0 && x&(1<<(h>>filterBit2&63)) != 0 {
		return len(b), w
	}
	return -1, 0
}

// probeShort looks for the anchors shorter than 8 bytes (their lengths are
// the bits of short) at b[i:], where avail bytes are left.
func (m *matcher) probeShort(b []byte, i int, w uint64, short uint32, avail int, dst []span) []span {
	for l := 1; l < 8 && l <= avail; l++ {
		if short&(1<<l) == 0 {
			continue
		}
		key := w&(1<<(8*l)-1) | uint64(l)<<56
		if m.f.has(key) {
			dst = m.confirm(b, i, key, dst)
		}
	}
	return dst
}

// confirm compares the patterns filed under the anchor key, found at b[i:],
// with the text around it.
func (m *matcher) confirm(b []byte, i int, key uint64, dst []span) []span {
	for id := m.ix.lookup(key); id >= 0; {
		p := m.ix.pattern(id)
		id = p.next
		start := i - int(p.off)
		end := start + int(p.n)
		if start < 0 || end > len(b) || !p.matches(b[start:end]) {
			continue
		}
		dst = append(dst, p.widened(b, start, end))
	}
	return dst
}

// matches reports whether t, as long as p's text, is an occurrence of p.
func (p *pattern) matches(t []byte) bool {
	if p.enc == asIs {
		return textMatches(p.kind, t, p.src)
	}
	var buf [256]byte // texts up to this long are written out on the stack
	return textMatches(p.kind, t, stringOf(p.appendText(buf[:0])))
}

// textMatches reports whether t is an occurrence of text, compared as k
// says.
func textMatches(k kind, t []byte, text string) bool {
	switch k {
	case exact:
		return stringOf(t) == text
	case folded:
		for i := range t {
			if c, d := t[i], text[i]; c != d && lowerASCII(c) != lowerASCII(d) {
				return false
			}
		}
		return true
	}
	for i := range t { // base64Alphabets
		if c, d := t[i], text[i]; c != d && base64Class(c) != base64Class(d) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// base64Class maps the URL-safe alphabet's '-' and '_' to the standard '+'
// and '/'.
func base64Class(c byte) byte {
	switch c {
	case '-':
		return '+'
	case '_':
		return '/'
	}
	return c
}

// widened grows a hit on a base64 core over the characters it shares with its
// neighbours, so no bit of the secret stays visible.
func (p *pattern) widened(b []byte, start, end int) span {
	if p.widen&widenLeft != 0 && start > 0 && isBase64(b[start-1]) {
		start--
	}
	if p.widen&widenRight != 0 && end < len(b) && isBase64(b[end]) {
		end++
		pads := 2
		if p.widen&widenBase32 != 0 {
			pads = 6
		}
		for pad := 0; pad < pads && end < len(b) && b[end] == '='; pad++ {
			end++
		}
	}
	return span{start, end}
}

// findRefs appends the ref+ references in b to dst, as ref.FindAll finds
// them.
func findRefs(b []byte, dst []span) []span {
	for _, s := range ref.FindAll(stringOf(b)) {
		dst = append(dst, span{s.Start, s.End})
	}
	return dst
}

// merge sorts spans by start and joins those that overlap or touch.
func merge(s []span) []span {
	if len(s) < 2 {
		return s
	}
	slices.SortFunc(s, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.start <= last.end {
			last.end = max(last.end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}

// leaks reports whether a scalar's text holds a secret: a whole short value
// or any pattern. References are not looked for: they are strings.
func (m *matcher) leaks(text string) bool {
	if m.isWhole(text) {
		return true
	}
	if m.minLen == 0 || len(text) < m.minLen {
		return false
	}
	dst, _ := m.scanPatterns(bytesOf(text), nil, nil)
	return len(dst) > 0
}

// numberLeaks reports whether a number written as text (JSON's, a
// json.Number) holds a secret as written or in any text of its value.
func (m *matcher) numberLeaks(text string) bool {
	if m.leaks(text) {
		return true
	}
	f, err := strconv.ParseFloat(text, 64)
	return err == nil && m.floatLeaks(f, 64)
}

// floatLeaks reports whether a float holds a secret in any of its texts
// (numfmt.Forms), written into the scratch's buffer: a JSON document's
// numbers cost no allocation each.
func (m *matcher) floatLeaks(f float64, bits int) bool {
	if m.sc == nil {
		m.borrowScratch()
		defer m.returnScratch()
	}
	buf, ends, n := numfmt.AppendForms(m.sc.numbers[:0], f, bits)
	m.sc.numbers = buf
	start := 0
	for _, end := range ends[:n] {
		if m.leaks(stringOf(buf[start:end])) {
			return true
		}
		start = end
	}
	return false
}

// leaksAny reports whether any of the texts of a number leaks.
func (m *matcher) leaksAny(texts []string) bool {
	for _, t := range texts {
		if m.leaks(t) {
			return true
		}
	}
	return false
}

// appendMasked appends b to dst with each span replaced by one Mask.
func appendMasked(dst, b []byte, spans []span) []byte {
	prev := 0
	for _, s := range spans {
		dst = append(dst, b[prev:s.start]...)
		dst = append(dst, Mask...)
		prev = s.end
	}
	return append(dst, b[prev:]...)
}

// bytesOf returns the bytes of s without copying them. The matcher and the
// reference scanner only read them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// stringOf returns b as a string without copying it; b must not change while
// the string is in use.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
