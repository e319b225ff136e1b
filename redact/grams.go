package redact

import (
	"math/bits"
	"sync/atomic"
)

// A window of escaped text is decoded and searched only when one of its
// sequences may be part of a match. A match that holds a decoded byte is at
// least as long as the shortest pattern, so it holds that many consecutive
// bytes of the view around the byte. The gram sets hold every run of four
// and of three (folded) bytes of every pattern, each in a Bloom-like bit
// set; a sequence whose neighbourhood forms none of the runs cannot be part
// of a match, and most escapes in a log (a '+' for a space, %20 in a URL)
// are dropped at the cost of a few table loads instead of a decoded window.
//
// Runs of four tell far more: the decimal and spaced-hex forms of any
// secret hold " 55" and "5 6", which every log holds too, but seldom
// "= 55" (on the CI log of bench/redact, 22% of the escapes pass the runs
// of three of 100 secrets, 0.6% the runs of four). They are also many
// more, so their set grows with them: two bits of one word a run, the set
// doubled (and filled anew from the patterns) whenever an eighth of its
// bits are set, up to gram4MaxLog. Past that (several thousand secrets),
// the runs of three are used, whose number the alphabets of the forms
// bound. The sets start small (8 KB for a secret or two), so that the
// escapes of a log cost no cache misses where few secrets are known.

const (
	// gram3Bits sizes the set of runs of three: 2^22 bits, 512 KB.
	gram3Bits = 22
	// gram4MinLog and gram4MaxLog bound the size of the set of runs of
	// four: 2^16 bits (8 KB) to 2^25 (4 MB).
	gram4MinLog = 16
	gram4MaxLog = 25
)

// grams holds the runs of three and four bytes of every pattern.
type grams struct {
	three atomic.Pointer[[1 << (gram3Bits - 6)]atomic.Uint64]
	four  atomic.Pointer[gramSet]
	// fourFull says the runs of four outgrew gram4MaxLog: matchers use
	// the runs of three.
	fourFull atomic.Bool
	// short3 and short4 say some pattern is shorter than three or four
	// bytes: every sequence may then be part of a match of it.
	short3, short4 atomic.Bool
}

// gramSet is a Bloom-like set of runs of four: two bits of one word each.
type gramSet struct {
	filter     // hashed as the anchors' filter hashes a key
	set    int // bits set (the writer's count)
}

func newGramSet(logBits uint) *gramSet {
	return &gramSet{filter: *newFilter(logBits - 6)}
}

// add files the run g (folded bytes) and counts the bits it set.
func (s *gramSet) add(g uint32) {
	w, bits := s.probe(uint64(g))
	if old := w.Load(); old&bits != bits {
		s.set += popcount(bits &^ old)
		w.Store(old | bits) // the writer's alone: see setBit
	}
}

func (s *gramSet) has(g uint32) bool { return s.filter.has(uint64(g)) }

// full reports whether an eighth of the bits are set.
func (s *gramSet) full() bool { return s.set > len(s.words)*64/8 }

func popcount(x uint64) int { return bits.OnesCount64(x) }

func gram3Hash(a, b, c byte) uint32 {
	return (uint32(foldTable[a])<<16 | uint32(foldTable[b])<<8 | uint32(foldTable[c])) * 0x9E3779B1 >> (32 - gram3Bits)
}

// gram4 is the run a, b, c, d folded, as one number.
func gram4(a, b, c, d byte) uint32 {
	return uint32(foldTable[a])<<24 | uint32(foldTable[b])<<16 | uint32(foldTable[c])<<8 | uint32(foldTable[d])
}

// setBit sets bit h of w, without a write when it is set already.
// Only the writer (who holds Redactor.mu) writes, so a load and a store
// do: no locked read-modify-write is needed.
func setBit(w []atomic.Uint64, h uint32) {
	if word, bit := &w[h>>6], uint64(1)<<(h&63); word.Load()&bit == 0 {
		word.Store(word.Load() | bit)
	}
}

// add files the runs of text. all calls its argument with the text of
// every pattern filed before, to fill a new set. The caller holds the
// writer's lock.
func (g *grams) add(text string, all func(func(string))) {
	if len(text) < 3 {
		g.short3.Store(true)
	}
	if len(text) < 4 {
		g.short4.Store(true)
	}
	if g.fourFull.Load() || g.short4.Load() {
		// Matchers read the runs of three (see load): a pattern of three
		// bytes (WithMinLength(3)) leaves no run of four in it.
		three := g.three.Load()
		if three == nil {
			three = new([1 << (gram3Bits - 6)]atomic.Uint64)
			all(func(t string) { addThrees(three, t) })
			addThrees(three, text)
			g.three.Store(three)
			return
		}
		addThrees(three, text)
		return
	}
	four := g.four.Load()
	if four == nil {
		four = newGramSet(gram4MinLog)
		g.four.Store(four)
	}
	addFours(four, text)
	if !four.full() {
		return
	}
	// Each new set is filled before it is published: a matcher holds the
	// old one or the new one, each with every run filed so far. It is made
	// large enough for four times the runs filed, so that the refills add
	// up to a constant a run; past gram4MaxLog, the runs of three take over.
	logBits := uint(64 - four.shift + 6 + 1)
	for logBits < gram4MaxLog && 1<<logBits < 32*four.set {
		logBits++
	}
	if 1<<logBits >= 16*four.set {
		g.four.Store(fillGramSet(logBits, func(add func(string)) {
			all(add)
			add(text)
		}))
		return
	}
	g.fourFull.Store(true)
	g.four.Store(nil) // its memory goes back
	g.add(text, all)  // into a set of runs of three, made from all
}

// fillGramSet returns a set of 2^logBits bits holding the runs of four of
// every text that fill hands its argument. It fills plain words first: no
// matcher sees the set before it is returned.
func fillGramSet(logBits uint, fill func(add func(string))) *gramSet {
	plain := newGramSet(logBits)
	words := make([]uint64, len(plain.words))
	fill(func(text string) {
		for i := 0; i+4 <= len(text); i++ {
			w, bits := plain.slot(uint64(gram4(text[i], text[i+1], text[i+2], text[i+3])))
			words[w] |= bits
		}
	})
	for i, w := range words {
		plain.words[i].Store(w)
		plain.set += popcount(w)
	}
	return plain
}

func addThrees(w *[1 << (gram3Bits - 6)]atomic.Uint64, text string) {
	for i := 0; i+3 <= len(text); i++ {
		setBit(w[:], gram3Hash(text[i], text[i+1], text[i+2]))
	}
}

func addFours(s *gramSet, text string) {
	for i := 0; i+4 <= len(text); i++ {
		s.add(gram4(text[i], text[i+1], text[i+2], text[i+3]))
	}
}

// gramView is what a matcher reads of grams: the runs of n bytes (n is 3
// or 4), or n = 0 when every sequence may be part of a match.
type gramView struct {
	n     int
	four  *gramSet
	three []atomic.Uint64
}

// load picks the set a matcher uses. fourFull is read before the set of
// runs of four: a matcher that sees it false sees a set that holds every
// pattern filed before it turned true.
func (g *grams) load() gramView {
	if !g.fourFull.Load() && !g.short4.Load() {
		if s := g.four.Load(); s != nil {
			return gramView{n: 4, four: s}
		}
	}
	if !g.short3.Load() {
		if w := g.three.Load(); w != nil {
			return gramView{n: 3, three: w[:]}
		}
	}
	return gramView{}
}

// has reports whether the run g (3 or 4 bytes) may be a pattern's.
func (v *gramView) has(g []int) bool {
	if v.n == 4 {
		return v.four.has(gram4(byte(g[0]), byte(g[1]), byte(g[2]), byte(g[3])))
	}
	h := gram3Hash(byte(g[0]), byte(g[1]), byte(g[2]))
	return v.three[h>>6].Load()&(1<<(h&63)) != 0
}

// wild stands for a neighbour whose decoded value is not known here: a byte
// of another sequence, or a trigger byte that a deeper view may decode.
const wild = -1

// mayMatch reports whether the sequence s of b, whose neighbours are plain
// unless before or after say they are sequences too, may be part of a
// match in the view.
func (m *matcher) mayMatch(b []byte, s *seq, seqBefore, seqAfter bool) bool {
	if m.grams.n == 0 {
		return true
	}
	gl := m.grams.n
	// A deeper view may read a sequence that starts before this one and
	// runs over its decoded bytes ("&#x%32B;" is "&#x2B;" once %32 is
	// decoded): letters, digits, '#' and '{' back to a byte that starts
	// one.
	for j := s.start - 1; j >= max(0, s.start-maxSeqLen); j-- {
		c := b[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '#' || c == '{' {
			continue
		}
		if c == '\\' || c == '&' || c == '%' {
			return true
		}
		break
	}
	// Up to gl-1 bytes on each side, the decoded bytes between; gl for a
	// sequence that decodes to nothing (see below).
	ctx := gl - 1
	if s.n == 0 {
		ctx = gl
	}
	var around [4 + 4 + 4]int
	n := 0
	for k := ctx; k >= 1; k-- {
		switch i := s.start - k; {
		case i < 0:
			continue
		case seqBefore && k == 1, isTriggerByte(b[i]):
			around[n] = wild
		default:
			around[n] = int(b[i])
		}
		n++
	}
	first := n
	for k := range s.n {
		if isTriggerByte(s.out[k]) {
			return true // it may start a sequence of a deeper view
		}
		around[n] = int(s.out[k])
		n++
	}
	last := n
	for k := range ctx {
		i := s.end + k
		if i >= len(b) {
			break
		}
		if seqAfter && k == 0 || isTriggerByte(b[i]) {
			around[n] = wild
		} else {
			around[n] = int(b[i])
		}
		n++
	}
	// Every run of gl bytes that holds a decoded byte, or (for a sequence
	// that decodes to nothing) spans the place where it stood, ends there
	// or starts there: a match that ends or starts at a line break of
	// wrapped base64 is widened over the character past the break, which
	// holds bits of the secret too, and only the view joins them.
	lo, hi := max(first-(gl-1), 0), last-1
	if first == last {
		lo, hi = max(first-gl, 0), first
	}
	for i := lo; i <= hi && i+gl <= n; i++ {
		g := around[i : i+gl]
		for _, c := range g {
			if c == wild {
				return true
			}
		}
		if m.refs && startsRef(g) {
			return true
		}
		if m.grams.has(g) {
			return true
		}
	}
	return false
}

// startsRef reports whether the run g may be part of "ref+", which starts
// a reference: a reference is masked whatever secrets are known.
func startsRef(g []int) bool {
	for i := 0; i+1 < len(g); i++ {
		if g[i] == 'f' && g[i+1] == '+' || i+2 < len(g) && g[i] == 'r' && g[i+1] == 'e' && g[i+2] == 'f' {
			return true
		}
	}
	return false
}
