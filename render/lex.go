package render

import (
	"regexp"
	"strings"
)

// This file splits a template into text, {{ }} expressions, {% %} tags and
// {# #} comments, and splits expressions and tags into tokens. It reads both
// template languages the engine accepts: pongo2's Django syntax and Tera's
// (Strøm's), which differ in a few tokens: Tera adds "~", "::", backquoted
// strings, multi-line tags and comments, "{#-" trim markers and
// {% raw %}. The parser decides what the tokens mean.

type tokKind uint8

const (
	tokIdent tokKind = iota
	tokNumber
	tokString
	tokSymbol
)

type token struct {
	kind tokKind
	val  string // the token's text; for strings, the value between the quotes
	off  int    // byte offset of the token's first byte in the template
	end  int    // byte offset just after it
}

func (t token) is(sym string) bool { return t.kind == tokSymbol && t.val == sym }

type segKind uint8

const (
	segText segKind = iota
	segOutput
	segTag
	segComment
	segRaw // the content of {% raw %} or {% verbatim %}: text, never parsed
)

// segment is one piece of the template. For segOutput and segTag, toks are
// the tokens between the delimiters; trimLeft and trimRight say whether the
// delimiters carry Tera's and pongo2's "-" marker, which removes the white
// space next to them.
type segment struct {
	kind                segKind
	start, end          int
	text                string
	toks                []token
	trimLeft, trimRight bool
}

// symbols are the operators of both languages, longest first.
var symbols = []string{
	"==", "!=", "<>", "<=", ">=", "&&", "||", "::",
	"(", ")", "[", "]", ",", ".", "|", ":", "=", "+", "-", "*", "/", "%", "^", "<", ">", "!", "~",
}

// rawEnd finds the end of a {% raw %} or {% verbatim %} block.
var rawEnd = map[string]*regexp.Regexp{
	"raw":      regexp.MustCompile(`\{%-?\s*endraw\s*-?%\}`),
	"verbatim": regexp.MustCompile(`\{%-?\s*endverbatim\s*-?%\}`),
	"comment":  regexp.MustCompile(`\{%-?\s*endcomment\s*-?%\}`),
}

// lex splits src into segments. Its errors are *Error values of kind
// ErrParse with the position of the culprit.
func lex(src string) ([]segment, error) {
	var segs []segment
	lines := newLineIndex(src)
	fail := func(off int, detail string) error {
		line, col := lines.position(off)
		return &Error{Kind: ErrParse, Line: line, Column: col, Detail: detail}
	}
	pos := 0
	for pos < len(src) {
		i := nextOpen(src, pos)
		if i < 0 {
			segs = append(segs, segment{kind: segText, start: pos, end: len(src), text: src[pos:]})
			break
		}
		if i > pos {
			segs = append(segs, segment{kind: segText, start: pos, end: i, text: src[pos:i]})
		}
		switch src[i+1] {
		case '#':
			end := strings.Index(src[i+2:], "#}")
			if end < 0 {
				return nil, fail(i, "the comment is not closed with #}")
			}
			body := src[i+2 : i+2+end]
			segs = append(segs, segment{kind: segComment, start: i, end: i + 2 + end + 2,
				trimLeft: strings.HasPrefix(body, "-"), trimRight: strings.HasSuffix(body, "-") && len(body) > 1})
			pos = i + 2 + end + 2
		default:
			seg, err := lexTag(src, i, fail)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
			pos = seg.end
			if raw, ok := rawBlock(seg); ok {
				more, end, err := lexRaw(src, pos, raw, fail, i)
				if err != nil {
					return nil, err
				}
				segs = append(segs, more...)
				pos = end
			}
		}
	}
	return segs, nil
}

// rawBlock reports whether seg opens a block whose content is text:
// {% raw %}, {% verbatim %} or {% comment %}.
func rawBlock(seg segment) (string, bool) {
	if seg.kind != segTag || len(seg.toks) != 1 || seg.toks[0].kind != tokIdent || rawEnd[seg.toks[0].val] == nil {
		return "", false
	}
	return seg.toks[0].val, true
}

// lexRaw reads the content of a raw block that starts at pos and the tag
// that closes it.
func lexRaw(src string, pos int, name string, fail func(int, string) error, open int) ([]segment, int, error) {
	loc := rawEnd[name].FindStringIndex(src[pos:])
	if loc == nil {
		return nil, 0, fail(open, "{% "+name+" %} is not closed")
	}
	raw := segment{kind: segRaw, start: pos, end: pos + loc[0], text: src[pos : pos+loc[0]]}
	closing, err := lexTag(src, pos+loc[0], fail)
	if err != nil {
		return nil, 0, err
	}
	return []segment{raw, closing}, closing.end, nil
}

// nextOpen returns the offset of the next "{{", "{%" or "{#" at or after pos.
func nextOpen(src string, pos int) int {
	for {
		i := strings.IndexByte(src[pos:], '{')
		if i < 0 || pos+i+1 >= len(src) {
			return -1
		}
		switch src[pos+i+1] {
		case '{', '%', '#':
			return pos + i
		}
		pos += i + 1
	}
}

// lexTag reads the expression or tag that opens at src[start].
func lexTag(src string, start int, fail func(int, string) error) (segment, error) {
	seg := segment{kind: segOutput, start: start}
	closing := "}}"
	if src[start+1] == '%' {
		seg.kind, closing = segTag, "%}"
	}
	pos := start + 2
	if pos < len(src) && src[pos] == '-' {
		seg.trimLeft = true
		pos++
	}
	for {
		for pos < len(src) && isSpace(src[pos]) {
			pos++
		}
		if pos >= len(src) {
			return seg, fail(start, "the tag is not closed with "+closing)
		}
		if strings.HasPrefix(src[pos:], closing) {
			seg.end = pos + 2
			return seg, nil
		}
		if src[pos] == '-' && strings.HasPrefix(src[pos+1:], closing) {
			seg.trimRight = true
			seg.end = pos + 3
			return seg, nil
		}
		tok, err := lexToken(src, pos, fail)
		if err != nil {
			return seg, err
		}
		seg.toks = append(seg.toks, tok)
		pos = tok.end
	}
}

func lexToken(src string, pos int, fail func(int, string) error) (token, error) {
	c := src[pos]
	switch {
	case isIdentStart(c):
		end := pos
		for end < len(src) && isIdentChar(src[end]) {
			end++
		}
		return token{kind: tokIdent, val: src[pos:end], off: pos, end: end}, nil
	case isDigit(c):
		end := pos
		for end < len(src) && isDigit(src[end]) {
			end++
		}
		if end+1 < len(src) && src[end] == '.' && isDigit(src[end+1]) {
			end++
			for end < len(src) && isDigit(src[end]) {
				end++
			}
		}
		if end < len(src) && isIdentStart(src[end]) {
			return token{}, fail(pos, "a name cannot start with a digit")
		}
		return token{kind: tokNumber, val: src[pos:end], off: pos, end: end}, nil
	case c == '"' || c == '\'' || c == '`':
		return lexString(src, pos, fail)
	}
	for _, s := range symbols {
		if strings.HasPrefix(src[pos:], s) {
			return token{kind: tokSymbol, val: s, off: pos, end: pos + len(s)}, nil
		}
	}
	return token{}, fail(pos, "unexpected character "+quoteChar(src[pos:]))
}

// lexString reads a quoted string. Like pongo2, a backslash before the
// quote or before another backslash escapes it; like Tera, any other
// backslash stands for itself ("\n" is a backslash and an n), and a string
// may hold a newline.
func lexString(src string, pos int, fail func(int, string) error) (token, error) {
	q := src[pos]
	var b strings.Builder
	i := pos + 1
	for {
		if i >= len(src) {
			return token{}, fail(pos, "the string is not closed")
		}
		c := src[i]
		if c == q {
			return token{kind: tokString, val: b.String(), off: pos, end: i + 1}, nil
		}
		if c == '\\' && q != '`' && i+1 < len(src) && (src[i+1] == q || src[i+1] == '\\') {
			b.WriteByte(src[i+1])
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
}

func quoteChar(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	if r[0] < 0x20 || r[0] == 0x7f {
		return "(a control character)"
	}
	return "'" + string(r[0]) + "'"
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

// lineIndex converts byte offsets to 1-based lines and columns (columns
// count bytes).
type lineIndex []int // byte offset of the start of each line

func newLineIndex(src string) lineIndex {
	idx := lineIndex{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (li lineIndex) position(off int) (line, col int) {
	lo, hi := 0, len(li)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if li[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1, off - li[lo] + 1
}

// offset is the inverse of position.
func (li lineIndex) offset(line, col int) int {
	if line < 1 || line > len(li) {
		return -1
	}
	return li[line-1] + col - 1
}
