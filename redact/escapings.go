package redact

import (
	"bytes"
	"fmt"
	"math"
)

// escaping is everything the scanner knows of one way text escapes bytes:
// adding an escaping is adding an entry to escapings, and nothing else.
type escaping struct {
	name string
	// triggers are the bytes a sequence starts at (or, for a line break,
	// stands around): the scanner gathers a bit per escaping as it folds
	// each byte, and builds this escaping's views only when its bit is set.
	triggers string
	// inside are bytes, other than triggers, that stand inside a sequence
	// ('\r' before a line break): what a Writer holds back and how far a
	// window reaches count them as triggers.
	inside string
	// twice says a sequence starts only where its trigger byte is written
	// twice in a row.
	twice bool
	// at appends to dst the sequences read at b[i], where a trigger is.
	at func(b []byte, i int, dst []seq) []seq
	// maxSeq is the length of the longest sequence at reads, at most
	// maxSeqLen: every trigger byte lengthens a window's reach and a
	// Writer's hold by maxSeqLen-1.
	maxSeq int
	// fixedOut says a sequence decodes only to fixed bytes that start no
	// sequence longer than this escaping's (a quote, a space, nothing): its
	// trigger bytes then lengthen a reach by maxSeq-1 only, not by what any
	// escaping nested in the decoded text could take.
	fixedOut bool
	// keep, when not nil, moves back where a Writer starts the text it
	// keeps, so that a sequence that needs more context than the reach of
	// the longest pattern (a run of backslashes, a whole base64 line) is
	// seen whole again.
	keep func(buf []byte, keep int) int
	// hold, when not nil, returns where what a Writer may write out of buf
	// ends, when the end of buf leaves a sequence unfinished that a mask
	// found later must reach back over (len(buf) otherwise).
	hold func(buf []byte) int
	// widen, when not nil, grows a span found in this escaping's view over
	// the text of b that shows the same bytes in another way (a hex dump's
	// text column).
	widen func(b []byte, s span) span
}

// escapings are the escapings the scanner decodes, each in its own views.
// Order does not matter; each gets one trigger bit.
var escapings = [...]escaping{
	{name: "backslash", triggers: `\`, at: one(backslashAt), maxSeq: len(`\uD83D\uDE00`), keep: backslashRunStart},
	{name: "HTML character reference", triggers: "&", at: one(entityAt), maxSeq: maxSeqLen},
	{name: "URL escape", triggers: "%", at: one(percentAt), maxSeq: len("%uD83D%uDE00")},
	// A query string writes a space as '+' (url.QueryEscape, forms): the
	// same escapes with '+' decoded.
	{name: "URL query", triggers: "%+", at: one(queryAt), maxSeq: len("%uD83D%uDE00")},
	{name: "quote in a quoted shell word", triggers: "'", at: one(shellQuoteAt), maxSeq: len(`'"'"'`), fixedOut: true},
	{name: "doubled single quote (YAML, SQL)", triggers: "'", twice: true, at: one(doubledQuoteAt), maxSeq: 2, fixedOut: true},
	{name: `doubled double quote (CSV)`, triggers: `"`, twice: true, at: one(doubledQuoteAt), maxSeq: 2, fixedOut: true},
	{name: "wrapped base64", triggers: "\n", inside: "\r", at: one(base64BreakAt), maxSeq: 2, keep: base64RunStart},
	{name: "hex dump lines (xxd, hexdump -C)", triggers: "\n", at: dumpBreakAt, maxSeq: dumpJoinMax, keep: dumpLineStart, hold: dumpHold, widen: dumpTextColumn},
}

// trigSet holds one bit per escaping, and trigRef.
type trigSet uint32

// trigRef is set where a ref+ reference may start.
const trigRef trigSet = 1 << 31

// viewTriggers are the bits of all the escapings.
const viewTriggers trigSet = 1<<len(escapings) - 1

// seqAllowance is how many bytes of text beyond itself a trigger byte may
// stand for, at most.
const seqAllowance = maxSeqLen - 1

// allowance is, for each byte, how many bytes of text beyond itself it may
// stand for: seqAllowance for a byte that starts a sequence whose decoded
// bytes may start any other (a '%' that decodes to '&'), less for one whose
// escapings decode to fixed bytes only, 0 for a byte that starts none.
var allowance = func() (t [256]int) {
	for _, e := range escapings {
		a := seqAllowance
		if e.fixedOut {
			a = e.maxSeq - 1
		}
		for _, c := range []byte(e.triggers + e.inside) {
			t[c] = max(t[c], a)
		}
	}
	t['+'] = max(t['+'], 1) // where a reference may start
	return t
}()

// foldTrig holds, for each byte, its folded form (low byte: ASCII letters in
// lower case, '-' as '+' and '_' as '/', so that both base64 alphabets share
// anchors) and, from bit 32, the trigger bits of the escapings it starts.
var foldTrig = func() (t [256]uint64) {
	if len(escapings) > 31 {
		panic("redact: more escapings than trigger bits")
	}
	for i := range t {
		c := byte(i)
		f := c
		switch {
		case c >= 'A' && c <= 'Z':
			f = c + 'a' - 'A'
		case c == '-':
			f = '+'
		case c == '_':
			f = '/'
		}
		t[i] = uint64(f)
	}
	for i, e := range escapings {
		if e.maxSeq > maxSeqLen || e.maxSeq < 1 {
			panic(fmt.Sprintf("redact: escaping %q reads sequences of %d bytes, not 1 to %d", e.name, e.maxSeq, maxSeqLen))
		}
		for _, c := range []byte(e.triggers) {
			t[c] |= uint64(1) << (32 + i)
		}
	}
	t['+'] |= uint64(trigRef) << 32
	return t
}()

// foldTable is the folded form of each byte (see foldTrig).
var foldTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(foldTrig[i])
	}
	return t
}()

// triggerBytes marks the bytes that may start or stand in a sequence of any
// escaping, and '+', where a reference may start.
var triggerBytes = func() (t [256]bool) {
	for _, e := range escapings {
		for _, c := range []byte(e.triggers + e.inside) {
			t[c] = true
		}
	}
	t['+'] = true
	return t
}()

// isTriggerByte reports whether c may start or stand in an escape sequence
// (of any escaping) or a reference.
func isTriggerByte(c byte) bool { return triggerBytes[c] }

// triggers returns the trigger bits of b.
func triggers(b []byte) trigSet {
	var trig uint64
	for _, c := range b {
		trig |= foldTrig[c]
	}
	return trigSet(trig >> 32)
}

// seq is one escape sequence found in a text: text[start:end] decodes to out.
type seq struct {
	start, end int
	out        [4]byte
	n          int // bytes of out used (0 for a line break between base64 lines)
}

// one adapts a reader of at most one sequence to escaping.at.
func one(at func(b []byte, i int) (seq, bool)) func(b []byte, i int, dst []seq) []seq {
	return func(b []byte, i int, dst []seq) []seq {
		if s, ok := at(b, i); ok {
			dst = append(dst, s)
		}
		return dst
	}
}

// starts finds, left to right, the bytes of a text where sequences of an
// escaping may start: from the text's marks when it has them, else with
// bytes.IndexByte (memory speed) once per trigger byte, keeping where each
// occurs next, not with a byte-at-a-time IndexAny from each sequence on.
type starts struct {
	e    *escaping
	b    []byte
	next [4]int // where each trigger byte occurs at or after the last search (-1: nowhere)
	// marked says ahead holds, for each trigger byte, where it occurs from
	// the last search on.
	marked bool
	ahead  [4][]int32
}

// starts returns the starts of e in b; mk, when not nil, holds b's marks,
// and every trigger byte of e is marked.
func (e *escaping) starts(b []byte, mk *marks) starts {
	st := starts{e: e, b: b}
	if len(e.triggers) > len(st.next) {
		panic("redact: an escaping has more trigger bytes than starts keeps")
	}
	for k := range st.next {
		st.next[k] = math.MinInt // not searched yet
	}
	if mk != nil {
		st.marked = true
		for k := range len(e.triggers) {
			l, ok := mk.of(e.triggers[k])
			if !ok {
				panic("redact: a trigger byte is not marked")
			}
			st.ahead[k] = l
		}
	}
	return st
}

// from returns the first index at or after pos where a sequence may start,
// or -1.
func (st *starts) from(pos int) int {
	if st.marked {
		return st.fromMarks(pos)
	}
	e, b := st.e, st.b
	switch {
	case e.twice:
		if k := bytes.Index(b[pos:], []byte{e.triggers[0], e.triggers[0]}); k >= 0 {
			return pos + k
		}
		return -1
	case len(e.triggers) == 1:
		if k := bytes.IndexByte(b[pos:], e.triggers[0]); k >= 0 {
			return pos + k
		}
		return -1
	}
	first := -1
	for k := range len(e.triggers) {
		if n := st.next[k]; n != -1 && n < pos {
			st.next[k] = -1
			if i := bytes.IndexByte(b[pos:], e.triggers[k]); i >= 0 {
				st.next[k] = pos + i
			}
		}
		if n := st.next[k]; n >= 0 && (first < 0 || n < first) {
			first = n
		}
	}
	return first
}

// fromMarks is from, walking the marks' lists.
func (st *starts) fromMarks(pos int) int {
	first := -1
	for k := range len(st.e.triggers) {
		l := st.ahead[k]
		for len(l) > 0 && (int(l[0]) < pos || st.e.twice && !twiceAt(st.b, int(l[0]))) {
			l = l[1:]
		}
		st.ahead[k] = l
		if len(l) > 0 && (first < 0 || int(l[0]) < first) {
			first = int(l[0])
		}
	}
	return first
}

// twiceAt reports whether b[i] is written twice in a row from i on.
func twiceAt(b []byte, i int) bool { return i+1 < len(b) && b[i+1] == b[i] }

// sequences returns the sequences of e in b, left to right, none
// overlapping another; mk, when not nil, holds b's marks.
func (e *escaping) sequences(b []byte, mk *marks, dst []seq) []seq {
	st := e.starts(b, mk)
	for pos := 0; pos < len(b); {
		i := st.from(pos)
		if i < 0 {
			break
		}
		n := len(dst)
		dst = e.at(b, i, dst)
		// Keep what follows the last sequence kept, in order.
		kept := n
		for _, s := range dst[n:] {
			if kept > 0 && s.start < dst[kept-1].end {
				continue
			}
			dst[kept] = s
			kept++
		}
		dst = dst[:kept]
		pos = i + 1
		if kept > n {
			pos = max(dst[kept-1].end, i+1)
		}
	}
	return dst
}

// decodeAll decodes the whole of b with e into v; it reports whether b held
// a sequence.
func (e *escaping) decodeAll(b []byte, v *view) bool {
	seqs := e.sequences(b, nil, nil)
	if len(seqs) == 0 {
		return false
	}
	v.reset()
	prev := 0
	for _, s := range seqs {
		v.plain(b, prev, s.start)
		v.decoded(s)
		prev = s.end
	}
	v.plain(b, prev, len(b))
	return true
}

// holdFrom returns where what a Writer may write out of buf ends, for every
// escaping that holds.
func holdFrom(buf []byte) int {
	limit := len(buf)
	for i := range escapings {
		if h := escapings[i].hold; h != nil {
			limit = min(limit, h(buf))
		}
	}
	return limit
}

// keepFrom moves back where a Writer starts what it keeps of buf, for every
// escaping that needs it.
func keepFrom(buf []byte, keep int) int {
	for i := range escapings {
		if k := escapings[i].keep; k != nil {
			keep = k(buf, keep)
		}
	}
	return keep
}

// backslashRunStart returns where the run of backslashes that ends at keep
// starts (up to a bound): backslashes pair up from the start of their run,
// and a view of what follows a part of the run could pair them anew.
func backslashRunStart(buf []byte, keep int) int {
	for n := 0; keep > 0 && buf[keep-1] == '\\' && n < 256; n++ {
		keep--
	}
	return keep
}

// doubledQuoteAt reads a quote written twice inside a quoted string, as
// YAML's single-quoted scalars and SQL write ' ('it”s') and CSV writes "
// ("say ""hi""").
func doubledQuoteAt(b []byte, i int) (seq, bool) {
	if i+1 >= len(b) || b[i+1] != b[i] {
		return seq{}, false
	}
	return byteSeq(i, i+2, b[i]), true
}

// Hex dumps (xxd, hexdump -C) write 16 bytes a line, between an offset and
// the bytes as text; hexdump -C also puts two spaces after the eighth. The
// dump's lines are joined, and the double space made single, so that the
// hex of a secret reads as the spaced-hex pattern (or xxd's groups of
// four) however the lines cut it.
const (
	dumpOffset   = 8  // hex digits of a line's offset
	dumpHexCols  = 48 // hexdump -C: 16 × "hh " plus the middle space, less the last
	xxdHexCols   = 39 // xxd: 8 × "hhhh " less the last
	dumpJoinMax  = 31 // "  |0123456789abcdef|\n00000010  ", the longest join
	dumpMidSpace = 33 // where hexdump -C's middle double space starts in a line, past the offset's two spaces
)

// dumpBreakAt reads, at the line break b[i], the join of two lines of a hex
// dump (from the end of one line's hex columns to the start of the next
// line's, as one space) and, for hexdump -C, the double space in the middle
// of the line that ends there. Both are found from the line's end (its
// text column), so that a window cut before the line's offset, or a log
// prefix before it, does not hide them.
func dumpBreakAt(b []byte, i int, dst []seq) []seq {
	hexAt := func(j int) bool { return j >= 0 && j+1 < len(b) && isHexDigit(b[j]) && isHexDigit(b[j+1]) }
	hexEnd, style := -1, byte(0)
	switch {
	case i >= 2 && b[i-1] == '|':
		// hexdump -C: "hh  |text|"; the text column starts at column 60,
		// past hex columns padded to full width. The opening bar is the
		// first '|' of the line's last 18 bytes: the hex columns before it
		// hold none, the text after it may ('|' is printable).
		from := max(i-18, bytes.LastIndexByte(b[:i], '\n')+1)
		o := bytes.IndexByte(b[from:i-1], '|')
		if o < 0 {
			return dst
		}
		o += from // the opening bar: i-18 on a full line
		if mid := o - 26; mid >= 1 && b[mid] == ' ' && b[mid-1] == ' ' && hexAt(mid+1) && hexAt(mid-3) {
			dst = append(dst, seq{start: mid, end: mid + 1}) // the second space
		}
		if i-o == 18 && o >= 4 && b[o-1] == ' ' && b[o-2] == ' ' && hexAt(o-4) {
			hexEnd, style = o-2, ' '
		}
	case i >= 23 && b[i-17] == ' ' && b[i-18] == ' ' && hexAt(i-22) && hexAt(i-20) && b[i-23] == ' ':
		// xxd: "hhhh  text", a full line's text column 16 bytes.
		hexEnd, style = i-18, ':'
	}
	if style == 0 {
		return dst
	}
	next := b[i+1:]
	if j := bytes.IndexByte(next, '\n'); j >= 0 {
		next = next[:j]
	}
	if dumpLead(next) != style {
		return dst
	}
	s := seq{start: hexEnd, end: i + 1 + dumpOffset + 2, n: 1}
	s.out[0] = ' '
	dst = append(dst, s)
	// The next line's double space too: a window or a Writer's buffer may
	// end before that line does.
	if mid := dumpMidSpace + 1; style == ' ' && len(next) > mid+2 && next[mid-1] == ' ' && next[mid] == ' ' && isHexDigit(next[mid+1]) {
		dst = append(dst, seq{start: i + 1 + mid, end: i + 2 + mid})
	}
	return dst
}

// dumpStart finds where a hex dump's line starts in line (its offset), and
// its style (see dumpLead); style 0 when line holds none.
func dumpStart(line []byte) (int, byte) {
	for k := 0; k+dumpOffset+4 <= len(line) && k <= 100; k++ {
		// The separator after the offset first: it rules out most places
		// at the cost of one comparison (a Writer asks at every Write).
		if c := line[k+dumpOffset]; c != ':' && c != ' ' || !isHexDigit(line[k]) {
			continue
		}
		if st := dumpLead(line[k:]); st != 0 {
			return k, st
		}
	}
	return 0, 0
}

// dumpLead tells whether line starts as a line of a hex dump does (the last
// line of a dump may be short): ':' for xxd, ' ' for hexdump -C, 0 for
// neither.
func dumpLead(line []byte) byte {
	if len(line) < dumpOffset+4 {
		return 0
	}
	for _, c := range line[:dumpOffset] {
		if !isHexDigit(c) {
			return 0
		}
	}
	sep := line[dumpOffset]
	if (sep != ':' && sep != ' ') || line[dumpOffset+1] != ' ' || !isHexDigit(line[dumpOffset+2]) || !isHexDigit(line[dumpOffset+3]) {
		return 0
	}
	return sep
}

// dumpLineStart returns the start of the hex dump line before the line
// keep falls in, or of that line, when they are a hex dump's, so that a
// Writer sees the offset and layout of both lines of a join again.
func dumpLineStart(buf []byte, keep int) int {
	ls := bytes.LastIndexByte(buf[:keep], '\n') + 1
	if keep-ls > 2*80 {
		return keep
	}
	if ls > 0 {
		prev := bytes.LastIndexByte(buf[:ls-1], '\n') + 1
		if keep-prev <= 3*80 {
			if _, st := dumpStart(buf[prev : ls-1]); st != 0 {
				return prev
			}
		}
	}
	line := buf[ls:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	if _, st := dumpStart(line); ls < keep && st != 0 {
		return ls
	}
	return keep
}

// dumpHold holds the last line of buf when it may be a hex dump's that has
// not ended: a mask that reaches into its hex columns must cover its text
// column too.
func dumpHold(buf []byte) int {
	ls := bytes.LastIndexByte(buf, '\n') + 1
	line := buf[ls:]
	if len(line) > 2*80 {
		return len(buf)
	}
	if _, st := dumpStart(line); st != 0 {
		return ls
	}
	// The start of an offset at the start of a line, cut by the end of buf.
	t := len(line)
	for t > 0 && len(line)-t < 2 && (line[t-1] == ' ' || line[t-1] == ':') {
		t--
	}
	h := t
	for h > 0 && t-h < dumpOffset && isHexDigit(line[h-1]) {
		h--
	}
	if h == 0 && t > 0 {
		return ls
	}
	return len(buf)
}

// dumpTextColumn grows a span that ends inside a hex dump line's hex
// columns to the end of that line, over the text column that shows the
// same bytes: past the span, the line holds only hex and spaces, then two
// spaces and at most 18 bytes of text ("|…|" for hexdump -C).
func dumpTextColumn(b []byte, s span) span {
	le := len(b)
	if j := bytes.IndexByte(b[s.end:], '\n'); j >= 0 {
		le = s.end + j
	}
	k := s.end
	for k < le && k-s.end <= dumpHexCols && (isHexDigit(b[k]) || b[k] == ' ') {
		k++
	}
	// The text column may start with letters that read as hex: it starts
	// after the last double space.
	d := bytes.LastIndex(b[s.end:k], []byte("  "))
	if d < 0 || k-s.end > dumpHexCols+2 || le-(s.end+d+2) > 18 {
		return s
	}
	s.end = le
	return s
}
