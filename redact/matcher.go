package redact

import (
	"cmp"
	"slices"
	"strings"
	"unsafe"

	"github.com/coregx/ahocorasick"
)

// anchorLen is how many leading bytes of a pattern go into the automaton;
// a hit on an anchor is confirmed by comparing the rest of the pattern. The
// automaton is a dense table (states × alphabet rounded up to a power of two
// × 4 bytes), and a secret brings half a dozen patterns of 20 to 60 bytes
// (base64 at three alignments and two alphabets, escapes). Measured with
// 10,000 secrets: whole patterns take 2,000,000 states, 1 GB and 17 s to
// build; 8-byte anchors 270,000 states, 145 MB and 1.9 s. Patterns that share
// their first 8 bytes ("sk_live_", a JSON web token's header) get longer
// anchors, doubled until at most maxCandidates share one, so that a hit
// never has many patterns to compare.
const anchorLen = 8

const maxCandidates = 4

// maxStatesTimesStride bounds one automaton: coregx stores premultiplied state
// IDs (state × stride) in a uint32 whose top bit flags a match, and does not
// check for overflow. Above the bound the anchors are split over several
// automata; it takes about 300,000 secrets to get there.
const maxStatesTimesStride = 1 << 30

// widen says how far a hit on a base64 core may grow: a secret inside a larger
// base64 text shares its first and last characters with its neighbours (the
// "mixed" characters), and a standalone encoding may end with padding.
type widen uint8

const (
	widenLeft  widen = 1 << iota // one base64 character before the core
	widenRight                   // one base64 character after it, then up to two '='
)

// pattern is one text that is masked wherever it occurs.
type pattern struct {
	text  string
	widen widen
}

// span is the byte range [start, end) of the input to mask.
type span struct{ start, end int }

// matcher is an immutable snapshot of everything a Redactor knows: readers use
// it without locks while Add builds the next one.
type matcher struct {
	automata []*ahocorasick.Automaton
	// firstAnchor[i] is the global index of automata[i]'s pattern 0.
	firstAnchor []int
	// candidates[a] lists the patterns (indexes into patterns) that start
	// with anchor a.
	candidates [][]int32
	patterns   []pattern
	// whole holds the texts masked only when a whole value equals them:
	// short secrets and the short forms of long ones.
	whole map[string]struct{}
	// minScan is the length of the shortest text that can hold a pattern
	// or a reference; shorter ones (most keys) are not scanned.
	minScan int
	// refAnchor is the anchor of "ref+", which no pattern shares.
	refAnchor int
	// maxLen is the length of the longest pattern, in bytes.
	maxLen int
	// numeric is true when some pattern or whole value could be the text of a
	// number; without one, numbers need not be formatted and searched.
	numeric bool
}

// compile builds the snapshot for a set of patterns and whole values.
func compile(pats map[string]widen, whole map[string]struct{}, limit int) *matcher {
	m := &matcher{whole: whole, minScan: len("ref+x://yz")}
	texts := make([]string, 0, len(pats))
	for t := range pats {
		texts = append(texts, t)
	}
	slices.Sort(texts) // deterministic IDs; patterns with a common prefix end up adjacent
	for _, t := range texts {
		m.patterns = append(m.patterns, pattern{text: t, widen: pats[t]})
		m.maxLen = max(m.maxLen, len(t))
		m.minScan = min(m.minScan, len(t))
		m.numeric = m.numeric || isNumberish(t)
	}
	var anchors [][]byte
	for _, g := range anchorGroups(texts, 0, len(texts), anchorLen) {
		anchors = append(anchors, []byte(texts[g.first][:g.length]))
		ids := make([]int32, 0, g.end-g.first)
		for i := g.first; i < g.end; i++ {
			ids = append(ids, int32(i))
		}
		m.candidates = append(m.candidates, ids)
	}
	// "ref+" rides along, so that finding references costs no pass of its
	// own over text that holds none.
	m.refAnchor = len(anchors)
	anchors = append(anchors, []byte("ref+"))
	m.candidates = append(m.candidates, nil)
	for t := range whole {
		m.numeric = m.numeric || isNumberish(t)
	}
	for first := 0; first < len(anchors); {
		n := shardSize(anchors[first:], limit)
		ac, err := ahocorasick.NewBuilder().AddPatterns(anchors[first : first+n]).Build()
		if err != nil {
			// Build fails only on no pattern or an empty one; compile never
			// passes either. Failing loudly beats masking nothing.
			panic("redact: building the automaton: " + err.Error())
		}
		m.automata = append(m.automata, ac)
		m.firstAnchor = append(m.firstAnchor, first)
		first += n
	}
	return m
}

// anchorGroup is a run of sorted patterns [first, end) that share their
// first length bytes (or are shorter and equal to them).
type anchorGroup struct{ first, end, length int }

// anchorGroups splits the sorted texts[first:end] into groups by their first
// n bytes, doubling n for any group of more than maxCandidates patterns that
// a longer anchor can still tell apart.
func anchorGroups(texts []string, first, end, n int) []anchorGroup {
	var out []anchorGroup
	for i := first; i < end; {
		a := texts[i][:min(len(texts[i]), n)]
		j := i + 1
		longer := len(texts[i]) > n
		for j < end && strings.HasPrefix(texts[j], a) && len(a) == min(len(texts[j]), n) {
			longer = longer || len(texts[j]) > n
			j++
		}
		if j-i > maxCandidates && longer {
			out = append(out, anchorGroups(texts, i, j, 2*n)...)
		} else {
			out = append(out, anchorGroup{i, j, len(a)})
		}
		i = j
	}
	return out
}

// maxDistinctBytes is the most distinct bytes one automaton may hold: coregx
// v0.3.1 counts byte classes in a byte, and with 255 or more distinct bytes in
// its patterns the count wraps and Build returns an automaton that panics.
const maxDistinctBytes = 254

// shardSize returns how many of the anchors fit in one automaton whose
// states × stride stays under limit and whose patterns use at most
// maxDistinctBytes distinct bytes (at least one anchor).
func shardSize(anchors [][]byte, limit int) int {
	var used [256]bool
	distinct, states := 0, 1 // state 0: the root
	for i, a := range anchors {
		added := 0
		for _, c := range a {
			if !used[c] {
				used[c] = true
				added++
			}
		}
		distinct += added
		states += len(a) // an upper bound: shared prefixes share states
		// Class 0 stands for the bytes in no pattern, hence distinct+1.
		if i > 0 && (distinct > maxDistinctBytes || states*nextPow2(distinct+1) >= limit) {
			return i
		}
	}
	return len(anchors)
}

func nextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// isNumberish reports whether t could occur in the text of a JSON number.
func isNumberish(t string) bool {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// isWhole reports whether the whole value s must be masked although it is
// below the minimum length.
func (m *matcher) isWhole(s string) bool {
	if len(m.whole) == 0 {
		return false
	}
	_, ok := m.whole[s]
	return ok
}

// spans appends to dst the ranges of b to mask: every occurrence of every
// pattern (overlapping ones included) and every ref+ reference, sorted and
// merged so that touching or overlapping ranges become one.
func (m *matcher) spans(b []byte, dst []span) []span {
	dst = dst[:0]
	if len(b) < m.minScan {
		return dst
	}
	sawRef := false
	for i, ac := range m.automata {
		for _, hit := range ac.FindAllOverlapping(b) {
			anchor := m.firstAnchor[i] + hit.PatternID
			if anchor == m.refAnchor {
				sawRef = true
				continue
			}
			for _, pi := range m.candidates[anchor] {
				p := &m.patterns[pi]
				end := hit.Start + len(p.text)
				if end > len(b) || string(b[hit.End:end]) != p.text[hit.End-hit.Start:] {
					continue
				}
				dst = append(dst, p.widened(b, hit.Start, end))
			}
		}
	}
	if sawRef {
		dst = findRefs(b, dst)
	}
	return merge(dst)
}

// widened grows a hit on a base64 core over the characters it shares with its
// neighbours, so no bit of the secret stays visible.
func (p *pattern) widened(b []byte, start, end int) span {
	if p.widen&widenLeft != 0 && start > 0 && isBase64(b[start-1]) {
		start--
	}
	if p.widen&widenRight != 0 && end < len(b) && isBase64(b[end]) {
		end++
		for pad := 0; pad < 2 && end < len(b) && b[end] == '='; pad++ {
			end++
		}
	}
	return span{start, end}
}

// isBase64 reports whether c is in the standard or the URL-safe alphabet.
func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
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
	b := bytesOf(text)
	if len(b) < m.minScan {
		return false
	}
	for i, ac := range m.automata {
		for _, hit := range ac.FindAllOverlapping(b) {
			for _, pi := range m.candidates[m.firstAnchor[i]+hit.PatternID] {
				p := &m.patterns[pi]
				if end := hit.Start + len(p.text); end <= len(b) && string(b[hit.Start:end]) == p.text {
					return true
				}
			}
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
