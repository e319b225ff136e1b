package redact

import (
	"bytes"
	"cmp"
	"slices"
	"unsafe"

	"github.com/coregx/ahocorasick"

	"github.com/hushflow/hushflow/internal/ref"
)

// anchorLen is how many leading bytes of a pattern go into the automaton.
// A hit on an anchor is confirmed by comparing the rest of the pattern. The
// automaton is a dense table (states × alphabet × 4 bytes) and a secret adds
// a dozen patterns of 30 to 60 bytes (base64 at three alignments, two
// alphabets): cutting them to 16 bytes keeps 10,000 secrets in ~100 MB instead
// of ~1 GB, and 16 random bytes of base64 or of a token rarely share a prefix.
const anchorLen = 16

// maxStatesTimesStride bounds one automaton: coregx stores premultiplied state
// IDs (state × stride) in a uint32 whose top bit flags a match, and does not
// check for overflow. Above the bound the anchors are split over several
// automata; it takes about 150,000 secrets to get there.
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
	// candidates[a] lists the patterns (indexes into patterns) whose first
	// anchorLen bytes are anchor a.
	candidates [][]int32
	patterns   []pattern
	// whole holds the texts masked only when a whole value equals them:
	// short secrets and the short forms of long ones.
	whole map[string]struct{}
	// maxLen is the length of the longest pattern, in bytes.
	maxLen int
	// numeric is true when some pattern or whole value could be the text of a
	// number; without one, numbers need not be formatted and searched.
	numeric bool
}

// compile builds the snapshot for a set of patterns and whole values.
func compile(pats map[string]widen, whole map[string]struct{}, limit int) *matcher {
	m := &matcher{whole: whole}
	texts := make([]string, 0, len(pats))
	for t := range pats {
		texts = append(texts, t)
	}
	slices.Sort(texts) // deterministic pattern IDs, and equal anchors end up adjacent
	anchorIndex := make(map[string]int, len(texts))
	var anchors [][]byte
	for _, t := range texts {
		m.patterns = append(m.patterns, pattern{text: t, widen: pats[t]})
		m.maxLen = max(m.maxLen, len(t))
		m.numeric = m.numeric || isNumberish(t)
		a := t[:min(len(t), anchorLen)]
		ai, ok := anchorIndex[a]
		if !ok {
			ai = len(anchors)
			anchorIndex[a] = ai
			anchors = append(anchors, []byte(a))
			m.candidates = append(m.candidates, nil)
		}
		m.candidates[ai] = append(m.candidates[ai], int32(len(m.patterns)-1))
	}
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
	for i, ac := range m.automata {
		for _, hit := range ac.FindAllOverlapping(b) {
			for _, pi := range m.candidates[m.firstAnchor[i]+hit.PatternID] {
				p := &m.patterns[pi]
				end := hit.Start + len(p.text)
				if end > len(b) || string(b[hit.End:end]) != p.text[hit.End-hit.Start:] {
					continue
				}
				dst = append(dst, p.widened(b, hit.Start, end))
			}
		}
	}
	if bytes.Contains(b, []byte("ref+")) {
		for _, r := range ref.FindAll(stringOf(b)) {
			dst = append(dst, span{r.Start, r.End})
		}
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
