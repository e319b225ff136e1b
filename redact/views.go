package redact

import (
	"bytes"
	"html"
	"math"
	"unicode/utf8"
)

// Escaped text is searched through views: a text with an escape sequence in
// it (\u0027, &#39;, %40, 'it'\''s, a base64 line break) is decoded around
// each sequence and the secrets are searched in what it decodes to, so that
// every escaping of a secret, in any mixture and in either case of hex
// digits, is masked without being a pattern of its own. A view is decoded
// again (JSON in a JSON string, an HTML-escaped URL), two levels deep.
//
// A view only covers the text around its sequences (as far as the longest
// pattern reaches on each side): a match that holds no sequence is a match in
// the text itself, already found. Text without sequences costs nothing more
// than the trigger bits the scanner gathers as it folds each byte.

// maxViewDepth is how many decodings are stacked on one another: JSON in a
// JSON string in a URL query is three.
const maxViewDepth = 3

// maxSeqLen is the length of the longest sequence a decoder reads
// (&#x0010FFFF; and \uD83D\uDE00 are 12 bytes), and maxExpansion bounds how
// many bytes of text one decoded byte stands for in the escapings
// serializers write (&amp;#x2B; is 10 bytes for "+", %255Cu0027 10 for "'").
const (
	maxSeqLen    = 32
	maxExpansion = 16
)

// view is decoded text: text[i] stands for the bytes [from[i], to[i]) of
// the text it was decoded from.
type view struct {
	text     []byte
	from, to []int32
}

func (v *view) reset() {
	v.text, v.from, v.to = v.text[:0], v.from[:0], v.to[:0]
}

func (v *view) plain(b []byte, start, end int) {
	v.text = append(v.text, b[start:end]...)
	for i := start; i < end; i++ {
		v.from = append(v.from, int32(i))
		v.to = append(v.to, int32(i+1))
	}
}

func (v *view) decoded(s seq) {
	for k := range s.n {
		v.text = append(v.text, s.out[k])
		v.from = append(v.from, int32(s.start))
		v.to = append(v.to, int32(s.end))
	}
}

// raw maps a span of the view to the text it was decoded from.
func (v *view) raw(s span) span {
	return span{int(v.from[s.start]), int(v.to[s.end-1])}
}

// scanViews adds to dst what the views of b hold: for each decoder whose
// trigger b holds, each window around its sequences is decoded and searched
// (views included, up to maxViewDepth), and what is found there is mapped
// back to b. mk, when not nil, holds b's marks.
func (m *matcher) scanViews(b []byte, mk *marks, trig trigSet, dst []span, depth int, budget *int) []span {
	reach := m.maxLen + 4 // how far a match holding a sequence reaches past it
	m.borrowScratch()
	lv := &m.sc.levels[depth]
	seqs, kept, v, found := lv.seqs, lv.kept, &lv.v, lv.found
	defer func() { lv.seqs, lv.kept, lv.found = seqs, kept, found }()
	for ei := range escapings {
		d := &escapings[ei]
		if trig&(1<<ei) == 0 {
			continue
		}
		seqs = d.sequences(b, mk, seqs[:0])
		// Only the sequences that may be part of a match start a window;
		// the others are decoded where they fall inside one. An escaping
		// that widens what its views find (a hex dump's text column) keeps
		// every sequence: a match near one, not across it, is widened too.
		kept = kept[:0]
		for k := range seqs {
			before := k > 0 && seqs[k-1].end == seqs[k].start
			after := k+1 < len(seqs) && seqs[k+1].start == seqs[k].end
			if d.widen != nil || m.mayMatch(b, &seqs[k], before, after) {
				kept = append(kept, k)
			}
		}
		ahead := reachAhead{b: b, reach: reach}
		next := 0 // the first sequence not yet decoded or passed
		for first := 0; first < len(kept); {
			// A window: the kept sequences whose reaches overlap.
			start := reachBefore(b, seqs[kept[first]].start, reach)
			ahead.restart(seqs[kept[first]].start)
			end := ahead.extend(seqs[kept[first]].end)
			last := first
			for last+1 < len(kept) && seqs[kept[last+1]].start <= end {
				last++
				end = ahead.extend(seqs[kept[last]].end)
			}
			first = last + 1
			if *budget < end-start {
				dst = append(dst, span{start, end}) // fail closed
				continue
			}
			*budget -= end - start
			for next < len(seqs) && seqs[next].start < start {
				next++
			}
			v.reset()
			prev := start
			for ; next < len(seqs) && seqs[next].end <= end; next++ {
				s := seqs[next]
				v.plain(b, prev, s.start)
				v.decoded(s)
				prev = s.end
			}
			v.plain(b, prev, end)
			// A window that reaches an end of b where secrets are cut
			// (String's input, a stream's) is cut there too: a cut piece
			// of a secret is masked escaped as well as plain.
			outer, e := m.cutEdges, edges(0)
			if start == 0 {
				e |= outer & edgeStart
			}
			if end == len(b) {
				e |= outer & edgeEnd
			}
			m.cutEdges = e
			found = m.scanText(v.text, found[:0], depth+1, budget)
			if e != 0 && len(v.text) >= minCut {
				found = m.cutSpans(v.text, found, e)
			}
			m.cutEdges = outer
			for _, s := range found {
				if s.end <= s.start {
					continue
				}
				r := v.raw(s)
				if d.widen != nil {
					r = d.widen(b, r)
				}
				dst = append(dst, r)
			}
		}
	}
	return dst
}

// A match that holds a sequence reaches past it by at most reach decoded
// bytes. In the text, each trigger byte in the way may start a sequence (of
// this decoding or of one below it) of up to maxSeqLen bytes
// (&ClockwiseContourIntegral; is 26 bytes for 3), the indentation after a
// line break belongs to the break (a wrapped base64 line's), and no decoded
// byte stands for more than maxExpansion bytes of text. reachBefore returns
// where that reach ends to the left of i; reachAhead, to the right of a
// window's sequences.
func reachBefore(b []byte, i, reach int) int {
	need, limit := reach, max(i-reach*maxExpansion, 0)
	indent := 0 // spaces and tabs just walked, which a line break before them owns
	for n := 0; n < need && i > limit; n++ {
		i--
		switch c := b[i]; {
		case c == ' ' || c == '\t':
			indent++
			continue
		case isTriggerByte(c):
			need += allowance[c]
			if c == '\n' {
				need += indent
			}
		}
		indent = 0
	}
	return i
}

// reachAhead finds where the reach of a window's sequences ends, given
// their ends in order, walking each byte of the text at most twice for all
// the windows of a decoder (one reachBefore-like walk per sequence cost the
// text's length times the longest secret's where escapes are dense).
//
// Walking right from x, the reach ends where the bytes walked reach the
// reach plus seqAllowance for each trigger byte among them (indentation
// after a line break not counted): where the level G (up one for a plain
// byte, down seqAllowance-1 for a trigger byte, flat over indentation)
// first stands reach above G(x). G rises one at a time, so it meets that
// level exactly; the sequence whose end has the highest G reaches the
// furthest, and the window ends where G meets that level plus reach, or
// reach·maxExpansion bytes past the last sequence, whichever comes first.
type reachAhead struct {
	b     []byte
	reach int

	at, level   int // G at at, for the sequences' ends
	atIndent    bool
	end, endLvl int // how far the walk went, and G there
	endIndent   bool
	target      int // the level the window's end must meet (math.MinInt: a new window)
}

// restart begins a window whose first sequence starts at x, past the end
// of the previous window's walk. Only differences of G count, so G starts
// again from 0 at x: the walk covers the window, not the text before it.
// A sequence starts at a trigger byte or, for a hex dump's join, at a space
// after hex digits: no indentation runs into x.
func (r *reachAhead) restart(x int) {
	r.at, r.level, r.atIndent = x, 0, false
	r.end, r.endLvl, r.endIndent = x, 0, false
	r.target = math.MinInt
}

func (r *reachAhead) levelAt(x int) int {
	for ; r.at < x; r.at++ {
		r.level += levelStep(r.b[r.at], &r.atIndent)
	}
	return r.level
}

// extend takes the end x of the window's next sequence and returns where
// the window ends now.
func (r *reachAhead) extend(x int) int {
	g := r.levelAt(x)
	r.target = max(r.target, g+r.reach)
	if r.end < x {
		r.end, r.endLvl, r.endIndent = x, g, r.atIndent
	}
	for limit := min(x+r.reach*maxExpansion, len(r.b)); r.end < limit && r.endLvl < r.target; r.end++ {
		r.endLvl += levelStep(r.b[r.end], &r.endIndent)
	}
	return r.end
}

// levelStep is how G changes over c; indent says whether c stands in the
// indentation after a line break, and is updated for the next byte.
func levelStep(c byte, indent *bool) int {
	switch {
	case *indent && (c == ' ' || c == '\t'):
		return 0
	case isTriggerByte(c):
		*indent = c == '\n'
		return 1 - allowance[c]
	}
	*indent = false
	return 1
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	}
	return rune(c-'A') + 10
}

// hexRun reads up to n hex digits of b from i (exactly n when exact).
func hexRun(b []byte, i, n int, exact bool) (rune, int, bool) {
	var r rune
	k := 0
	for ; k < n && i+k < len(b) && isHexDigit(b[i+k]); k++ {
		r = r<<4 | hexVal(b[i+k])
	}
	if k == 0 || exact && k < n {
		return 0, 0, false
	}
	return r, k, true
}

func runeSeq(start, end int, r rune) seq {
	if r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
		r = utf8.RuneError
	}
	s := seq{start: start, end: end}
	s.n = utf8.EncodeRune(s.out[:], r)
	return s
}

func byteSeq(start, end int, c byte) seq {
	s := seq{start: start, end: end, n: 1}
	s.out[0] = c
	return s
}

// backslashAt reads a backslash escape as JSON, JavaScript, Go, Python, C
// and the shell write them: \uXXXX (a surrogate pair as one character),
// \u{X…}, \UXXXXXXXX, \xXX (a byte), octal \NNN, the letter escapes, a
// backslash before a line break (removed, as a shell continues the line),
// and a backslash before anything else, which stands for that byte (\' \"
// \\ \/ \$ as addslashes, JSON and double-quoted shell strings write them).
// One case per kind of escape, in one switch: the decoding loop makes one
// call per backslash.
func backslashAt(b []byte, i int) (seq, bool) {
	if i+1 >= len(b) {
		return seq{}, false
	}
	c := b[i+1]
	switch c {
	case 'u':
		if i+2 < len(b) && b[i+2] == '{' {
			r, k, ok := hexRun(b, i+3, 6, false)
			if !ok || i+3+k >= len(b) || b[i+3+k] != '}' {
				return byteSeq(i, i+2, 'u'), true
			}
			return runeSeq(i, i+4+k, r), true
		}
		r, _, ok := hexRun(b, i+2, 4, true)
		if !ok {
			return byteSeq(i, i+2, 'u'), true
		}
		end := i + 6
		if r >= 0xD800 && r < 0xDC00 && end+6 <= len(b) && b[end] == '\\' && b[end+1] == 'u' {
			if lo, _, ok := hexRun(b, end+2, 4, true); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return runeSeq(i, end+6, (r-0xD800)<<10|(lo-0xDC00)+0x10000), true
			}
		}
		return runeSeq(i, end, r), true
	case 'U':
		r, _, ok := hexRun(b, i+2, 8, true)
		if !ok {
			return byteSeq(i, i+2, 'U'), true
		}
		return runeSeq(i, i+10, r), true
	case 'x':
		r, k, ok := hexRun(b, i+2, 2, false)
		if !ok {
			return byteSeq(i, i+2, 'x'), true
		}
		return byteSeq(i, i+2+k, byte(r)), true
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v, k := 0, 0
		for ; k < 3 && i+1+k < len(b) && b[i+1+k] >= '0' && b[i+1+k] <= '7'; k++ {
			v = v<<3 | int(b[i+1+k]-'0')
		}
		if v > 0xFF {
			v, k = v>>3, k-1
		}
		return byteSeq(i, i+1+k, byte(v)), true
	case '\n':
		return seq{start: i, end: i + 2}, true
	case '\r':
		if i+2 < len(b) && b[i+2] == '\n' {
			return seq{start: i, end: i + 3}, true
		}
	}
	if e, ok := letterEscapes[c]; ok {
		return byteSeq(i, i+2, e), true
	}
	if c >= utf8.RuneSelf {
		// A backslash before a character stands for the whole character.
		_, size := utf8.DecodeRune(b[i+1:])
		s := seq{start: i, end: i + 1 + size, n: size}
		copy(s.out[:], b[i+1:i+1+size])
		return s, true
	}
	return byteSeq(i, i+2, c), true
}

var letterEscapes = map[byte]byte{
	'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f', 'v': '\v', 'a': '\a', 'e': 0x1B,
}

// entityAt reads an HTML character reference: &#DDD;, &#xHH; or a named one
// (&amp;, &quot;, &eacute;, &plus;, …). A named one is decoded by
// html.UnescapeString, which knows every HTML5 name; a number stands for its
// code point, as escapers write it (browsers show &#128; to &#159; as
// Windows-1252 would, which no escaper relies on).
func entityAt(b []byte, i int) (seq, bool) {
	end := i + 1
	for end < len(b) && end-i < maxSeqLen && (isHexDigit(b[end]) || b[end] >= 'a' && b[end] <= 'z' || b[end] >= 'A' && b[end] <= 'Z' || b[end] == '#' && end == i+1) {
		end++
	}
	if end >= len(b) || b[end] != ';' || end == i+1 {
		return seq{}, false
	}
	end++
	if b[i+1] == '#' {
		return numericEntity(b, i, end)
	}
	ref := string(b[i:end])
	dec := html.UnescapeString(ref)
	// A name html does not know comes back as it was; a legacy name followed
	// by more letters ("&ampx;") comes back with the rest: neither is one
	// reference.
	if dec == ref || utf8.RuneCountInString(dec) > 2 || len(dec) > 4 {
		return seq{}, false
	}
	s := seq{start: i, end: end, n: len(dec)}
	copy(s.out[:], dec)
	return s, true
}

// numericEntity decodes &#DDD; or &#xHH; at b[i:end] (';' included).
func numericEntity(b []byte, i, end int) (seq, bool) {
	digits := b[i+2 : end-1]
	base := 10
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return seq{}, false
	}
	var r rune
	for _, c := range digits {
		if base == 10 && (c < '0' || c > '9') {
			return seq{}, false
		}
		r = r*rune(base) + hexVal(c)
	}
	if r == 0 {
		r = utf8.RuneError
	}
	return runeSeq(i, end, r), true
}

// percentAt reads a URL escape, %XX in either case, or IIS's %uXXXX (a
// UTF-16 code unit; a surrogate pair as one character).
func percentAt(b []byte, i int) (seq, bool) {
	if i+1 < len(b) && (b[i+1] == 'u' || b[i+1] == 'U') {
		r, _, ok := hexRun(b, i+2, 4, true)
		if !ok {
			return seq{}, false
		}
		end := i + 6
		if r >= 0xD800 && r < 0xDC00 && end+6 <= len(b) && b[end] == '%' && (b[end+1] == 'u' || b[end+1] == 'U') {
			if lo, _, ok := hexRun(b, end+2, 4, true); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return runeSeq(i, end+6, (r-0xD800)<<10|(lo-0xDC00)+0x10000), true
			}
		}
		return runeSeq(i, end, r), true
	}
	if i+2 >= len(b) || !isHexDigit(b[i+1]) || !isHexDigit(b[i+2]) {
		return seq{}, false
	}
	return byteSeq(i, i+3, byte(hexVal(b[i+1])<<4|hexVal(b[i+2]))), true
}

// queryAt reads a URL escape or a '+' standing for a space.
func queryAt(b []byte, i int) (seq, bool) {
	if b[i] == '+' {
		return byteSeq(i, i+1, ' '), true
	}
	return percentAt(b, i)
}

// shellQuoteAt reads a single quote inside a single-quoted shell word, as
// bash's set -x writes it ('\”) and as others do ('"'"').
func shellQuoteAt(b []byte, i int) (seq, bool) {
	for _, q := range [...]string{`'\''`, `'"'"'`} {
		if bytes.HasPrefix(b[i:], []byte(q)) {
			return byteSeq(i, i+len(q), '\''), true
		}
	}
	return seq{}, false
}

// Base64 wrapped in lines (PEM at 64 columns, MIME and coreutils at 76) is
// joined where a line of minWrap to maxWrap base64 characters is followed
// by another line of base64 (indented or not).
const (
	minWrap = 32
	maxWrap = 256
)

// base64BreakAt reads the line break at b[i] == '\n' (with a '\r' before it
// and the next line's indentation) when it cuts base64 text in lines of
// minWrap to maxWrap characters, of any width (base64 -w 70 writes lines
// that are not whole quanta). The line is the run of base64 characters
// before the break; a Writer keeps the whole run when it keeps any of it
// (see base64RunStart), so the length it sees is the run's.
func base64BreakAt(b []byte, i int) (seq, bool) {
	start := i
	if start > 0 && b[start-1] == '\r' {
		start--
	}
	n := 0
	for j := start - 1; j >= 0 && isBase64(b[j]) && n <= maxWrap; j-- {
		n++
	}
	if n < minWrap || n > maxWrap {
		return seq{}, false
	}
	end := i + 1
	for end < len(b) && (b[end] == ' ' || b[end] == '\t') {
		end++
	}
	if end >= len(b) || !isBase64(b[end]) {
		return seq{}, false
	}
	return seq{start: start, end: end}, true
}

// isBase64 reports whether c is in the standard or the URL-safe alphabet.
func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_'
}
