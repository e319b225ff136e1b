package redact

import "math/bits"

// A text is searched for a handful of single bytes: the byte each of few
// patterns is looked for by, and the bytes escape sequences start at. One
// bytes.IndexByte pass per byte reads the text once per byte and costs a
// call per occurrence, and in a CI log those bytes occur every dozen bytes
// or so: the passes cost more than the rest of a mask. Marks read the text
// once instead, with no branch per byte (a branch there would mispredict at
// nearly every occurrence), writing down where each of those bytes occurs;
// the passes then walk their lists.

// markSet is the bytes marked in a text, each with its own list.
type markSet struct {
	list  [256]uint16 // for a marked byte, 1 + the index of its list; 0 otherwise
	mark  [256]uint8  // 1 for a marked byte, 0 otherwise: what the loop adds
	lists int
}

func (s *markSet) add(c byte) {
	if s.list[c] == 0 {
		s.lists++
		s.list[c] = uint16(s.lists)
		s.mark[c] = 1
	}
}

// triggerMarks marks the bytes escape sequences start at, and '+', where a
// reference may start: what a text is searched for once there are too many
// patterns to look for each by a byte.
var triggerMarks = func() (s markSet) {
	for _, c := range triggerList {
		s.add(c)
	}
	return s
}()

// Texts shorter than minMarked are searched with IndexByte: the lists cost
// a trip to the scratch pool. Texts longer than maxMarked are too, so that
// the lists (4 bytes a mark) stay small whatever a text holds.
const (
	minMarked = 256
	maxMarked = 1 << 20
)

// marks are where the bytes of a markSet occur in one text. They are valid
// for the scan of that text only (scanText hands them down): the scratch
// that holds them is reused for the next text.
type marks struct {
	set   *markSet
	lists [][]int32 // ascending
}

// take marks the bytes of set in b, which is at most maxMarked long.
func (mk *marks) take(b []byte, set *markSet) {
	mk.set = set
	for len(mk.lists) < set.lists {
		mk.lists = append(mk.lists, make([]int32, 0, 64)) // a 4 KiB write's, mostly
	}
	for i := range mk.lists {
		mk.lists[i] = mk.lists[i][:0]
	}
	i := 0
	for ; i+64 <= len(b); i += 64 {
		for w := markWord((*[64]byte)(b[i:]), &set.mark); w != 0; w &= w - 1 {
			mk.note(b, i+bits.TrailingZeros64(w))
		}
	}
	for ; i < len(b); i++ {
		if set.mark[b[i]] != 0 {
			mk.note(b, i)
		}
	}
}

func (mk *marks) note(b []byte, i int) {
	l := mk.set.list[b[i]] - 1
	mk.lists[l] = append(mk.lists[l], int32(i))
}

// markWord returns a bit for each byte of p, set where the byte is marked.
// It does not branch on the bytes: in a log, a branch per byte would
// mispredict at nearly every marked one.
func markWord(p *[64]byte, mark *[256]uint8) uint64 {
	var w uint64
	for j := 0; j < 64; j += 8 {
		q := (*[8]byte)(p[j:])
		w |= (uint64(mark[q[0]]) | uint64(mark[q[1]])<<1 | uint64(mark[q[2]])<<2 | uint64(mark[q[3]])<<3 |
			uint64(mark[q[4]])<<4 | uint64(mark[q[5]])<<5 | uint64(mark[q[6]])<<6 | uint64(mark[q[7]])<<7) << j
	}
	return w
}

// of returns where c occurs in the marked text, ascending, and whether c is
// marked at all (if not, the list says nothing).
func (mk *marks) of(c byte) ([]int32, bool) {
	if l := mk.set.list[c]; l != 0 {
		return mk.lists[l-1], true
	}
	return nil, false
}

// triggers returns the trigger bits of the marked text.
func (mk *marks) triggers() trigSet {
	var trig trigSet
	for _, c := range triggerList {
		if l, _ := mk.of(c); len(l) > 0 {
			trig |= trigSet(foldTrig[c] >> 32)
		}
	}
	return trig
}
