package redact

import "sync/atomic"

// A window of escaped text is decoded and searched only when one of its
// sequences may be part of a match. A match that holds a decoded byte is at
// least as long as the shortest pattern, so it holds that many consecutive
// bytes of the view around the byte. The gram sets hold every run of four
// and of three (folded) bytes of every pattern, each in a Bloom-like bit
// set; a sequence whose neighbourhood forms none of the runs cannot be part
// of a match, and most escapes in a log (a '+' for a space, %20 in a URL)
// are dropped at the cost of a few table loads instead of a decoded window.
//
// Runs of four tell more: the decimal and spaced-hex forms of a single
// secret hold " 55" and "5 6", which every log holds too, but seldom
// "= 55". They are also many more: ten thousand secrets fill any set of a
// reasonable size with them. So the runs of four are used while few enough
// were filed to leave their set sparse (a few dozen secrets), and the runs
// of three after that, whose number is bounded by the alphabets of the
// forms.

const (
	// gram3Bits and gram4Bits size the sets (512 KB and 256 KB), allocated
	// at the first pattern.
	gram3Bits = 22
	gram4Bits = 21
	// gram4Limit is how many runs of four may be filed before the set of
	// them is too full to tell much (one bit in sixteen).
	gram4Limit = 1 << gram4Bits / 16
)

// grams holds the runs of three and four bytes of every pattern.
type grams struct {
	three atomic.Pointer[[1 << (gram3Bits - 6)]atomic.Uint64]
	four  atomic.Pointer[[1 << (gram4Bits - 6)]atomic.Uint64]
	// fours counts the runs of four filed (with repeats).
	fours atomic.Int64
	// short3 and short4 say some pattern is shorter than three or four
	// bytes: every sequence may then be part of a match of it.
	short3, short4 atomic.Bool
}

func gram3Hash(a, b, c byte) uint32 {
	return (uint32(foldTable[a])<<16 | uint32(foldTable[b])<<8 | uint32(foldTable[c])) * 0x9E3779B1 >> (32 - gram3Bits)
}

func gram4Hash(a, b, c, d byte) uint32 {
	return (uint32(foldTable[a])<<24 | uint32(foldTable[b])<<16 | uint32(foldTable[c])<<8 | uint32(foldTable[d])) * 0x9E3779B1 >> (32 - gram4Bits)
}

// setBit sets bit h of w, without a write when it is set already.
func setBit(w []atomic.Uint64, h uint32) {
	if word, bit := &w[h>>6], uint64(1)<<(h&63); word.Load()&bit == 0 {
		word.Or(bit)
	}
}

// add files the runs of text. The caller holds the writer's lock.
func (g *grams) add(text string) {
	if len(text) < 3 {
		g.short3.Store(true)
	}
	if len(text) < 4 {
		g.short4.Store(true)
	}
	three, four := g.three.Load(), g.four.Load()
	if three == nil {
		three, four = new([1 << (gram3Bits - 6)]atomic.Uint64), new([1 << (gram4Bits - 6)]atomic.Uint64)
		g.three.Store(three)
		g.four.Store(four)
	}
	for i := 0; i+3 <= len(text); i++ {
		setBit(three[:], gram3Hash(text[i], text[i+1], text[i+2]))
	}
	if g.fours.Load() > gram4Limit {
		return // no matcher reads them any more
	}
	for i := 0; i+4 <= len(text); i++ {
		setBit(four[:], gram4Hash(text[i], text[i+1], text[i+2], text[i+3]))
	}
	g.fours.Add(int64(max(len(text)-3, 0)))
}

// gramView is what a matcher reads of grams: the runs of n bytes (n is 3
// or 4), or nil when every sequence may be part of a match.
type gramView struct {
	n     int
	words []atomic.Uint64
}

// load picks the set a matcher uses. The count is read before the set: a
// matcher that sees the runs of four as usable sees every pattern filed
// before the count passed the limit in them.
func (g *grams) load() gramView {
	if g.fours.Load() <= gram4Limit && !g.short4.Load() {
		if w := g.four.Load(); w != nil {
			return gramView{n: 4, words: w[:]}
		}
	}
	if !g.short3.Load() {
		if w := g.three.Load(); w != nil {
			return gramView{n: 3, words: w[:]}
		}
	}
	return gramView{}
}

// has reports whether the run g (3 or 4 bytes) may be a pattern's.
func (v *gramView) has(g []int) bool {
	var h uint32
	if v.n == 4 {
		h = gram4Hash(byte(g[0]), byte(g[1]), byte(g[2]), byte(g[3]))
	} else {
		h = gram3Hash(byte(g[0]), byte(g[1]), byte(g[2]))
	}
	return v.words[h>>6].Load()&(1<<(h&63)) != 0
}

// wild stands for a neighbour whose decoded value is not known here: a byte
// of another sequence, or a trigger byte that a deeper view may decode.
const wild = -1

// mayMatch reports whether the sequence s of b, whose neighbours are plain
// unless before or after say they are sequences too, may be part of a
// match in the view.
func (m *matcher) mayMatch(b []byte, s *seq, seqBefore, seqAfter bool) bool {
	if m.grams.words == nil {
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
