package render

import (
	"strings"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"
)

// The scanner below follows pongo2 v6's lexer (lexer.go) closely enough to
// find the tags of a template, their tokens and their byte offsets. It never
// decides whether a template is valid: pongo2 parses every template first, and
// the scanner only runs on templates pongo2 accepted. What it must get right
// is where tags start and end, so that the rewrite (see rewrite.go) never
// touches plain text, comments or {% verbatim %} blocks.

type tokKind uint8

const (
	tokIdent tokKind = iota
	tokKeyword
	tokString
	tokNumber
	tokSymbol
)

type token struct {
	kind tokKind
	val  string // the token's text; for strings, the text between the quotes
	off  int    // byte offset of the token's first byte (the opening quote of a string)
	end  int    // byte offset just after the token
}

func (t token) is(sym string) bool { return t.kind == tokSymbol && t.val == sym }

// tagSpan is one {{ ... }} or {% ... %} as pongo2's lexer sees it.
type tagSpan struct {
	start, end int     // [start, end) from the opening delimiter to just after the closing one
	toks       []token // toks[0] is the opening delimiter
	closed     bool    // the tag ended with a closing delimiter (not at EOF or an unknown character)
}

// isOutput reports whether the tag is a well-formed {{ expression }}.
func (t *tagSpan) isOutput() bool {
	if !t.closed || len(t.toks) < 2 {
		return false
	}
	open, end := t.toks[0].val, t.toks[len(t.toks)-1].val
	return (open == "{{" || open == "{{-") && (end == "}}" || end == "-}}")
}

// inner returns the tokens between the delimiters.
func (t *tagSpan) inner() []token {
	if !t.closed {
		return t.toks[1:]
	}
	return t.toks[1 : len(t.toks)-1]
}

const (
	verbatimOpen  = "{% verbatim %}"
	verbatimClose = "{% endverbatim %}"
)

// scanTags returns the tags of src in order. It stops early where pongo2's
// lexer would report an error; such templates never get here.
func scanTags(src string) []tagSpan {
	var tags []tagSpan
	pos := 0
	inVerbatim := false
	for {
		// Same order of tests as pongo2's lexer, including its quirk of
		// consuming one character after "{% verbatim %}" before looking for
		// "{% endverbatim %}".
		if inVerbatim {
			if strings.HasPrefix(src[pos:], verbatimClose) {
				pos += len(verbatimClose)
				inVerbatim = false
			}
		} else if strings.HasPrefix(src[pos:], verbatimOpen) {
			pos += len(verbatimOpen)
			inVerbatim = true
		}
		if !inVerbatim {
			rest := src[pos:]
			if strings.HasPrefix(rest, "{#") {
				end := strings.Index(rest[2:], "#}")
				if end < 0 || strings.ContainsRune(rest[2:2+end], '\n') {
					return tags
				}
				pos += 2 + end + 2
				continue
			}
			if strings.HasPrefix(rest, "{{") || strings.HasPrefix(rest, "{%") {
				t, ok := scanTag(src, pos)
				if !ok {
					return tags
				}
				tags = append(tags, t)
				pos = t.end
				continue
			}
		}
		if pos >= len(src) {
			return tags
		}
		_, w := utf8.DecodeRuneInString(src[pos:])
		pos += w
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isKeyword(s string) bool {
	for _, kw := range pongo2.TokenKeywords {
		if kw == s {
			return true
		}
	}
	return false
}

// scanTag reads the tag starting at src[pos] ("{{" or "{%"). ok is false where
// pongo2's lexer reports an error (a newline inside a tag, a bad string).
func scanTag(src string, pos int) (t tagSpan, ok bool) {
	t.start = pos
	for {
		if pos >= len(src) {
			t.end = pos
			return t, true
		}
		c := src[pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			pos++
			continue
		case c == '\n':
			return t, false
		case isIdentStart(c) || isDigit(c):
			start := pos
			for pos < len(src) && isDigit(src[pos]) {
				pos++
			}
			kind := tokNumber
			// pongo2 reads "1abc" as one identifier (pongo2 issue 151).
			if pos == start || (pos < len(src) && isIdentChar(src[pos])) {
				for pos < len(src) && isIdentChar(src[pos]) {
					pos++
				}
				kind = tokIdent
				if isKeyword(src[start:pos]) {
					kind = tokKeyword
				}
			}
			t.toks = append(t.toks, token{kind: kind, val: src[start:pos], off: start, end: pos})
			continue
		case c == '"' || c == '\'':
			start := pos
			pos++
			for {
				if pos >= len(src) || src[pos] == '\n' {
					return t, false
				}
				if src[pos] == c {
					break
				}
				if src[pos] == '\\' {
					if pos+1 >= len(src) || (src[pos+1] != '"' && src[pos+1] != '\\') {
						return t, false
					}
					pos += 2
					continue
				}
				pos++
			}
			t.toks = append(t.toks, token{kind: tokString, val: src[start+1 : pos], off: start, end: pos + 1})
			pos++
			continue
		}
		sym := ""
		for _, s := range pongo2.TokenSymbols {
			if strings.HasPrefix(src[pos:], s) {
				sym = s
				break
			}
		}
		if sym == "" {
			// pongo2 stops tokenizing the tag here and reads the rest as text.
			t.end = pos
			return t, true
		}
		t.toks = append(t.toks, token{kind: tokSymbol, val: sym, off: pos, end: pos + len(sym)})
		pos += len(sym)
		switch sym {
		case "}}", "-}}", "%}", "-%}":
			t.closed = true
			t.end = pos
			return t, true
		}
	}
}

// lineIndex converts byte offsets to the 1-based line and column pongo2
// reports (columns count bytes, as pongo2's do).
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
