package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf8"
)

// form is one way a secret can show up in text.
type form struct {
	text  string
	widen widen
	// fragment marks a piece of the secret rather than all of it (a base64
	// core, one line): a fragment too short to search for is dropped, not
	// masked as a whole value, since a whole value equal to it is not the
	// secret.
	fragment bool
}

// forms lists the ways secret can show up: as given, trimmed of surrounding
// space, and with bytes that are not UTF-8 replaced by U+FFFD; escaped for a JSON string (Go's way with and without
// HTML escaping, ASCII-only as Python and others write it, with "\/" as PHP
// writes it, each also escaped twice for JSON held in a JSON string); escaped for a
// URL query and a URL path, with upper- and lower-case hex; encoded in base64
// with the standard and the URL-safe alphabet, at the three alignments it can
// have inside a larger encoded text (for a short secret, which is only masked
// as a whole value, its whole encodings instead); and each line of a
// multi-line secret.
func forms(secret string, short bool) []form {
	var out []form
	add := func(text string, w widen, fragment bool) {
		if text != "" {
			out = append(out, form{text: text, widen: w, fragment: fragment})
		}
	}
	variants := []string{secret}
	if t := strings.TrimSpace(secret); t != secret && t != "" {
		variants = append(variants, t)
	}
	if !utf8.ValidString(secret) {
		// What is left of it after a trip through a serializer that
		// replaces bytes that are not UTF-8 (Go's json.Marshal does).
		variants = append(variants, replaceInvalidUTF8(secret))
	}
	for _, v := range variants {
		add(v, 0, false)
		for _, esc := range []jsonEscaping{{}, {html: true}, {asciiOnly: true}, {slash: true}} {
			once := string(appendJSONEscaped(nil, v, esc))
			add(once, 0, false)
			// The outer serializer need not be the inner one.
			add(string(appendJSONEscaped(nil, once, jsonEscaping{})), 0, false)
			add(string(appendJSONEscaped(nil, once, jsonEscaping{html: true})), 0, false)
		}
		for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
			add(e, 0, false)
			add(lowerHexEscapes(e), 0, false)
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			if short {
				// Whole encodings matter for short secrets, masked only
				// as whole values; for long ones the cores below, widened
				// over their neighbours and padding, cover them.
				add(enc.EncodeToString([]byte(v)), 0, false)
				add(enc.WithPadding(base64.NoPadding).EncodeToString([]byte(v)), 0, false)
				continue
			}
			for align := range 3 {
				core, w := base64Core(v, enc.WithPadding(base64.NoPadding), align)
				add(core, w, true)
			}
		}
		if strings.Contains(v, "\n") {
			for line := range strings.SplitSeq(v, "\n") {
				add(strings.TrimSpace(line), 0, true)
			}
		}
	}
	return out
}

// replaceInvalidUTF8 replaces each byte of s that is not part of a UTF-8
// sequence by U+FFFD, one for one, as encoding/json does.
func replaceInvalidUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// base64Core returns the characters of the encoding of secret that depend on
// the secret's bits alone when it starts align bytes into a 3-byte group of a
// larger encoded text, and how a hit on them may widen: the character before
// them mixes a neighbour's bits with the secret's first byte, the one after
// them the secret's last byte with the next neighbour's (or with zero bits and
// '=' padding when the secret ends the text).
func base64Core(secret string, enc *base64.Encoding, align int) (string, widen) {
	buf := make([]byte, align+len(secret))
	copy(buf[align:], secret)
	e := enc.EncodeToString(buf)
	total := len(buf)
	start := [3]int{0, 2, 3}[align]
	// A partial last group of r bytes yields r characters of pure secret bits
	// and one mixed character.
	end := 4*(total/3) + total%3
	var w widen
	if align > 0 {
		w |= widenLeft
	}
	if total%3 != 0 {
		w |= widenRight
	}
	if end <= start {
		return "", 0
	}
	return e[start:end], w
}

// lowerHexEscapes rewrites the %XX escapes of a URL-escaped text in lower case.
func lowerHexEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = toLowerASCII(b[i+1])
			b[i+2] = toLowerASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func toLowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonEscaping chooses among the ways serializers escape a JSON string.
type jsonEscaping struct {
	html      bool // <, > and & as \u003c, \u003e, \u0026 (Go's json.Marshal)
	asciiOnly bool // every non-ASCII character as \uXXXX (Python's json.dumps)
	slash     bool // / as \/ (PHP's json_encode)
}

const hexDigits = "0123456789abcdef"

// appendJSONEscaped appends s to dst escaped as the inside of a JSON string,
// without the quotes. With the zero jsonEscaping it escapes what JSON
// requires, and U+2028, U+2029 and bytes that are not UTF-8 as Go does; that
// is how JSON writes masked strings back.
func appendJSONEscaped(dst []byte, s string, esc jsonEscaping) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == '\b':
				dst = append(dst, '\\', 'b')
			case c == '\f':
				dst = append(dst, '\\', 'f')
			case c < 0x20, esc.html && (c == '<' || c == '>' || c == '&'):
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			case esc.slash && c == '/':
				dst = append(dst, '\\', '/')
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Not UTF-8: written as encoding/json writes it.
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || esc.asciiOnly:
			dst = appendUnicodeEscape(dst, r)
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendUnicodeEscape appends r as \uXXXX, or as a surrogate pair of them.
func appendUnicodeEscape(dst []byte, r rune) []byte {
	if r > 0xFFFF {
		r -= 0x10000
		dst = appendUnicodeEscape(dst, 0xD800+(r>>10))
		return appendUnicodeEscape(dst, 0xDC00+(r&0x3FF))
	}
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
