package redact

import "bytes"

// While the index holds few anchors (one secret has about ten forms), a
// text is not scanned position by position: each anchor is looked for by
// its rarest byte with bytes.IndexByte, which runs at memory speed, and
// only the positions it finds are compared with the anchor. Trigger bits
// come from one IndexByte per trigger byte. Beyond maxFew anchors (or with
// an anchor shorter than 8 bytes) the scanner tests every position.

const maxFew = 24

// fewAnchor is an anchor of 8 bytes and the byte it is looked for by: rare
// at off in it, in its raw spellings (both cases of a letter, both base64
// alphabets).
type fewAnchor struct {
	key uint64
	off int
	raw [2]byte
	n   int
}

// commonness ranks bytes by how often logs hold them, so that an anchor is
// looked for by its rarest.
func commonness(c byte) int {
	switch {
	case c == ' ':
		return 100
	case bytes.IndexByte([]byte("etaoinsrhldcu"), c) >= 0:
		return 60
	case c >= 'a' && c <= 'z':
		return 25
	case c >= '0' && c <= '9':
		return 45
	case bytes.IndexByte([]byte(".:-/=_,\"\n"), c) >= 0:
		return 35
	case c < 0x20 || c >= 0x7f:
		return 2
	}
	return 8
}

func newFewAnchor(key uint64) fewAnchor {
	best := fewAnchor{key: key}
	bestScore := 1 << 30
	for j := range 8 {
		c := byte(key >> (8 * j))
		var a fewAnchor
		a.key, a.off = key, j
		score := 0
		for r := range 256 {
			if foldTable[r] == c && a.n < 2 {
				a.raw[a.n] = byte(r)
				a.n++
				score += commonness(lowerASCII(byte(r)))
			}
		}
		if a.n > 0 && score < bestScore {
			best, bestScore = a, score
		}
	}
	return best
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

// scanFew is scanPatterns for an index of few anchors.
func (m *matcher) scanFew(b []byte, few []fewAnchor, dst []span) ([]span, trigSet) {
	var trig trigSet
	for _, c := range triggerList {
		if t := trigSet(foldTrig[c] >> 32); trig&t != t && bytes.IndexByte(b, c) >= 0 {
			trig |= t
		}
	}
	n := len(b)
	for _, a := range few {
		for r := range a.n {
			c := a.raw[r]
			for pos := 0; pos < n; {
				k := bytes.IndexByte(b[pos:], c)
				if k < 0 {
					break
				}
				pos += k + 1
				i := pos - 1 - a.off
				if i < 0 || i+8 > n {
					continue
				}
				var w uint64
				for q := 7; q >= 0; q-- {
					w = w<<8 | uint64(foldTable[b[i+q]])
				}
				if w == a.key {
					dst = m.confirm(b, i, w, dst)
				}
			}
		}
	}
	return dst, trig
}
