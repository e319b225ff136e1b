package redact

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrInvalidJSON is returned (wrapped) by JSON for input that is not one
// valid JSON value. The error tells the offset and the kind of fault, never
// the text found there.
var ErrInvalidJSON = errors.New("redact: invalid JSON")

// JSON returns the JSON text data with its strings, keys and numbers masked as
// Value masks them. Everything else is kept byte for byte: the order of keys,
// duplicate keys, white space, and the escapes of strings that hold nothing
// to mask. A masked string is written back with only the escapes JSON
// requires; a masked number becomes the string "••••••".
//
// When two keys of one object come out the same, the first in document order
// keeps its text and each later one gets "#2", "#3", ... appended.
//
// JSON fails closed: for anything that is not exactly one valid JSON value
// (RFC 8259, nesting at most 10,000 deep) it returns nil and an error
// wrapping ErrInvalidJSON, never the input.
func (r *Redactor) JSON(data []byte) ([]byte, error) {
	j := jsonMasker{m: r.load(), in: data}
	j.lits = literalLeaks(&j.m)
	j.skipSpace()
	if err := j.value(0); err != nil {
		return nil, err
	}
	j.skipSpace()
	if j.pos != len(j.in) {
		return nil, j.fail("data after the top-level value")
	}
	if j.out == nil {
		return bytes.Clone(data), nil
	}
	return append(j.out, data[j.copied:]...), nil
}

// jsonMasker walks JSON text once, checking its syntax and copying it to out
// lazily: out stays nil until the first change, and in[copied:] has not been
// copied yet.
type jsonMasker struct {
	m       matcher
	lits    literals
	in      []byte
	pos     int
	out     []byte
	copied  int
	scratch []byte // a string's decoded text, when it has escapes
	masked  []byte // a string's masked text
	spans   []span
}

func (j *jsonMasker) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrInvalidJSON, what, j.pos)
}

// replace writes text in place of in[start:j.pos].
func (j *jsonMasker) replace(start int, text []byte) {
	if j.out == nil {
		j.out = make([]byte, 0, len(j.in)+len(text))
	}
	j.out = append(j.out, j.in[j.copied:start]...)
	j.out = append(j.out, text...)
	j.copied = j.pos
}

func (j *jsonMasker) skipSpace() {
	for j.pos < len(j.in) {
		switch j.in[j.pos] {
		case ' ', '\t', '\n', '\r':
			j.pos++
		default:
			return
		}
	}
}

func (j *jsonMasker) value(depth int) error {
	if j.pos >= len(j.in) {
		return j.fail("unexpected end of input")
	}
	switch c := j.in[j.pos]; {
	case c == '{':
		return j.object(depth + 1)
	case c == '[':
		return j.array(depth + 1)
	case c == '"':
		return j.str(nil)
	case c == 't':
		return j.literal("true")
	case c == 'f':
		return j.literal("false")
	case c == 'n':
		return j.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return j.number()
	}
	return j.fail("unexpected character")
}

func (j *jsonMasker) literal(word string) error {
	if !bytes.HasPrefix(j.in[j.pos:], []byte(word)) {
		return j.fail("invalid literal")
	}
	start := j.pos
	j.pos += len(word)
	if word == "true" && j.lits.true || word == "false" && j.lits.false || word == "null" && j.lits.null {
		j.replace(start, []byte(`"`+Mask+`"`))
	}
	return nil
}

func (j *jsonMasker) object(depth int) error {
	if depth > maxDepth {
		return j.fail("nesting too deep")
	}
	j.pos++ // {
	j.skipSpace()
	if j.pos < len(j.in) && j.in[j.pos] == '}' {
		j.pos++
		return nil
	}
	var keys keySet
	for {
		if j.pos >= len(j.in) || j.in[j.pos] != '"' {
			return j.fail("expected a string key")
		}
		if err := j.str(&keys); err != nil {
			return err
		}
		j.skipSpace()
		if j.pos >= len(j.in) || j.in[j.pos] != ':' {
			return j.fail("expected ':' after a key")
		}
		j.pos++
		j.skipSpace()
		if err := j.value(depth); err != nil {
			return err
		}
		j.skipSpace()
		if j.pos >= len(j.in) {
			return j.fail("unexpected end of input")
		}
		switch j.in[j.pos] {
		case ',':
			j.pos++
			j.skipSpace()
		case '}':
			j.pos++
			return nil
		default:
			return j.fail("expected ',' or '}'")
		}
	}
}

func (j *jsonMasker) array(depth int) error {
	if depth > maxDepth {
		return j.fail("nesting too deep")
	}
	j.pos++ // [
	j.skipSpace()
	if j.pos < len(j.in) && j.in[j.pos] == ']' {
		j.pos++
		return nil
	}
	for {
		if err := j.value(depth); err != nil {
			return err
		}
		j.skipSpace()
		if j.pos >= len(j.in) {
			return j.fail("unexpected end of input")
		}
		switch j.in[j.pos] {
		case ',':
			j.pos++
			j.skipSpace()
		case ']':
			j.pos++
			return nil
		default:
			return j.fail("expected ',' or ']'")
		}
	}
}

func (j *jsonMasker) number() error {
	start := j.pos
	in := j.in
	digits := func() bool {
		n := j.pos
		for j.pos < len(in) && in[j.pos] >= '0' && in[j.pos] <= '9' {
			j.pos++
		}
		return j.pos > n
	}
	if in[j.pos] == '-' {
		j.pos++
	}
	switch {
	case j.pos < len(in) && in[j.pos] == '0':
		j.pos++
	case !digits():
		return j.fail("invalid number")
	}
	if j.pos < len(in) && in[j.pos] == '.' {
		j.pos++
		if !digits() {
			return j.fail("invalid number")
		}
	}
	if j.pos < len(in) && (in[j.pos] == 'e' || in[j.pos] == 'E') {
		j.pos++
		if j.pos < len(in) && (in[j.pos] == '+' || in[j.pos] == '-') {
			j.pos++
		}
		if !digits() {
			return j.fail("invalid number")
		}
	}
	if j.m.numeric && j.m.numberLeaks(stringOf(in[start:j.pos])) {
		j.replace(start, []byte(`"`+Mask+`"`))
	}
	return nil
}

// str reads a string (a key when keys is not nil), masks it, and writes it
// back if anything changed.
func (j *jsonMasker) str(keys *keySet) error {
	start := j.pos
	escaped, err := j.skipString()
	if err != nil {
		return err
	}
	raw := j.in[start+1 : j.pos-1]
	text := raw
	if escaped {
		j.scratch = unescape(j.scratch[:0], raw)
		text = j.scratch
	}
	masked, changed := text, true
	if j.m.isWhole(stringOf(text)) {
		masked = []byte(Mask)
	} else if j.spans = j.m.spansAt(text, j.spans, edgeStart|edgeEnd); len(j.spans) > 0 {
		j.masked = appendMasked(j.masked[:0], text, j.spans)
		masked = j.masked
	} else {
		changed = false
	}
	if keys != nil {
		var renamed bool
		masked, renamed = keys.unique(masked, changed)
		changed = changed || renamed
	}
	if changed {
		j.replaceString(start, masked)
	}
	return nil
}

// replaceString writes s, quoted, in place of in[start:j.pos]: straight
// into out, so that a masked string costs no buffer of its own.
func (j *jsonMasker) replaceString(start int, s []byte) {
	if j.out == nil {
		j.out = make([]byte, 0, len(j.in)+len(s)+2)
	}
	j.out = append(j.out, j.in[j.copied:start]...)
	j.out = append(j.out, '"')
	j.out = appendJSONEscaped(j.out, stringOf(s))
	j.out = append(j.out, '"')
	j.copied = j.pos
}

// skipString moves past the string at j.pos, checking its escapes, and
// reports whether it holds any.
func (j *jsonMasker) skipString() (escaped bool, err error) {
	j.pos++ // "
	for {
		j.pos = skipPlain(j.in, j.pos)
		if j.pos >= len(j.in) {
			return false, j.fail("unterminated string")
		}
		c := j.in[j.pos]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return false, j.fail("control character in string")
		}
		if c == '\\' {
			escaped = true
			j.pos++
			if j.pos >= len(j.in) {
				return false, j.fail("unterminated string")
			}
			switch j.in[j.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j.pos+4 >= len(j.in) || !isHex4(j.in[j.pos+1:j.pos+5]) {
					return false, j.fail("invalid \\u escape")
				}
				j.pos += 4
			default:
				return false, j.fail("invalid escape")
			}
		}
		j.pos++
	}
	j.pos++ // "
	return escaped, nil
}

// skipPlain returns the position of the first byte at or after i that ends
// a string's run of plain bytes: '"', '\\' or a control character. It tests
// eight bytes at a time (SWAR): strings are most of a job record.
func skipPlain(in []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(in); i += 8 {
		x := binary.LittleEndian.Uint64(in[i:])
		q, bs := x^(ones*'"'), x^(ones*'\\')
		// The high bit of a byte is set where it is below 0x20, a quote or
		// a backslash (the classic "has less" and "has zero" tests).
		if (x-ones*0x20)&^x&highs|(q-ones)&^q&highs|(bs-ones)&^bs&highs != 0 {
			break
		}
	}
	for ; i < len(in); i++ {
		if c := in[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// unescape appends the decoded text of a string's inside (already checked)
// to dst, as encoding/json decodes it: an unpaired surrogate becomes U+FFFD.
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2 = hex4(raw[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // " \ /
			dst = append(dst, raw[i])
		}
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// keySet remembers, for one object, the keys that hold the mask's text, the
// only ones a masked key can collide with. It allocates nothing until such a
// key shows up.
type keySet map[string]struct{}

// unique returns key, or key with "#n" appended if an earlier key of the
// object already took it, and whether it appended.
func (k *keySet) unique(key []byte, masked bool) ([]byte, bool) {
	if !masked && !bytes.Contains(key, []byte(Mask)) {
		return key, false
	}
	if *k == nil {
		*k = keySet{}
	}
	name := string(key)
	renamed := false
	for n := 2; ; n++ {
		if _, taken := (*k)[name]; !taken {
			break
		}
		name = string(key) + "#" + strconv.Itoa(n)
		renamed = true
	}
	(*k)[name] = struct{}{}
	return []byte(name), renamed
}

const hexDigits = "0123456789abcdef"

// appendJSONEscaped appends s to dst escaped as the inside of a JSON string,
// without the quotes, as encoding/json does without HTML escaping: what JSON
// requires, U+2028 and U+2029, and bytes that are not UTF-8 as \ufffd.
func appendJSONEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		// A run of bytes that stand for themselves goes in one append.
		j := i
		for j < len(s) && jsonPlain[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
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
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// jsonPlain marks the bytes appendJSONEscaped writes as they are.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// invalidJSON masks a body that claims to be JSON and is not (cut short, or
// written by hand): as text, and, since JSON would have masked a short
// secret where a whole string or scalar equals it, each quoted string (to
// its closing quote or the end of the text) and each bare word whose text
// equals a short secret.
func (r *Redactor) invalidJSON(data []byte) []byte {
	m := r.load()
	spans := m.spansAt(data, nil, edgeStart|edgeEnd)
	if m.whole {
		var scratch []byte
		for i := 0; i < len(data); {
			switch c := data[i]; {
			case c == '"':
				end, closed := lenientStringEnd(data, i+1)
				inside := data[i+1 : end]
				text := inside
				if validEscapes(inside) {
					scratch = unescape(scratch[:0], inside)
					text = scratch
				}
				if len(inside) > 0 && m.isWhole(stringOf(text)) {
					spans = append(spans, span{i + 1, end})
				}
				i = end
				if closed {
					i++
				}
			case isJSONDelimiter(c):
				i++
			default:
				end := i
				for end < len(data) && !isJSONDelimiter(data[end]) && data[end] != '"' {
					end++
				}
				if m.isWhole(stringOf(data[i:end])) {
					spans = append(spans, span{i, end})
				}
				i = end
			}
		}
		spans = merge(spans)
	}
	if len(spans) == 0 {
		return bytes.Clone(data)
	}
	return appendMasked(make([]byte, 0, len(data)), data, spans)
}

func isJSONDelimiter(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// lenientStringEnd returns where the string whose inside starts at i ends
// (its closing quote, or the end of data) and whether a quote closed it.
func lenientStringEnd(data []byte, i int) (int, bool) {
	for ; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i, true
		}
	}
	return len(data), false
}

// validEscapes reports whether the inside of a string holds only the
// escapes JSON allows, which unescape expects.
func validEscapes(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 >= len(b) {
			return false
		}
		i++
		switch b[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if i+5 > len(b) || !isHex4(b[i+1:i+5]) {
				return false
			}
			i += 4
		default:
			return false
		}
	}
	return true
}
