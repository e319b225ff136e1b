package redact

import "sync/atomic"

// A window of escaped text is decoded and searched only when one of its
// sequences may be part of a match: a match that holds a decoded byte is at
// least minTrigram bytes long, so it holds three consecutive bytes of the
// view around that byte (two before it, two after). The trigram set holds
// every run of three (folded) bytes of every pattern, in a Bloom-like bit
// set; a sequence whose neighbourhood forms none of them cannot be part of
// a match, and most escapes in a log (a '+' for a space, %20 in a URL) are
// dropped at the cost of a few table loads instead of a decoded window.

const (
	// trigramBits sizes the set: 2^22 bits, 512 KB, allocated at the first
	// pattern. 10,000 secrets hold a few hundred thousand distinct runs of
	// three bytes, a few percent of the bits; runs with punctuation and
	// spaces, which escapes in logs stand among, stay rare in any number of
	// secrets.
	trigramBits = 22
	minTrigram  = 3
)

type trigrams struct {
	words atomic.Pointer[[1 << (trigramBits - 6)]atomic.Uint64]
	// all says some pattern is too short to hold a trigram: every sequence
	// may then be part of a match.
	all atomic.Bool
}

func trigramHash(a, b, c byte) uint32 {
	return (uint32(foldTable[a])<<16 | uint32(foldTable[b])<<8 | uint32(foldTable[c])) * 0x9E3779B1 >> (32 - trigramBits)
}

// add files the trigrams of text. The caller holds the writer's lock.
func (t *trigrams) add(text string) {
	if len(text) < minTrigram {
		t.all.Store(true)
		return
	}
	w := t.words.Load()
	if w == nil {
		w = new([1 << (trigramBits - 6)]atomic.Uint64)
		t.words.Store(w)
	}
	for i := 0; i+minTrigram <= len(text); i++ {
		h := trigramHash(text[i], text[i+1], text[i+2])
		if word, bit := &w[h>>6], uint64(1)<<(h&63); word.Load()&bit == 0 {
			word.Or(bit)
		}
	}
}

// wild stands for a neighbour whose decoded value is not known here: a byte
// of another sequence, or a trigger byte that a deeper view may decode.
const wild = -1

// mayMatch reports whether the sequence s of b, whose neighbours are plain
// unless before or after say they are sequences too, may be part of a
// match in the view.
func (m *matcher) mayMatch(b []byte, s *seq, seqBefore, seqAfter bool) bool {
	w := m.tri
	if w == nil || m.triAll {
		return true
	}
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
	var around [4 + 4]int // two before, the decoded bytes, two after
	n := 0
	for k := 2; k >= 1; k-- {
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
	for k := range 2 {
		switch i := s.end + k; {
		case i >= len(b):
		case seqAfter && k == 0, isTriggerByte(b[i]):
			around[n] = wild
			n++
		default:
			around[n] = int(b[i])
			n++
		}
		if s.end+k >= len(b) {
			break
		}
	}
	// Every run of three that holds a decoded byte, or (for a sequence
	// that decodes to nothing) spans the place where it stood.
	lo, hi := max(first-2, 0), last
	if first == last {
		lo, hi = max(first-2, 0), first
	}
	for i := lo; i <= hi && i+minTrigram <= n; i++ {
		a, c, d := around[i], around[i+1], around[i+2]
		if a == wild || c == wild || d == wild {
			return true
		}
		if m.refs && (a == 'f' && c == '+' || c == 'f' && d == '+' || a == 'r' && c == 'e' && d == 'f') {
			return true // "ref+", which starts a reference
		}
		h := trigramHash(byte(a), byte(c), byte(d))
		if w[h>>6].Load()&(1<<(h&63)) != 0 {
			return true
		}
	}
	return false
}
