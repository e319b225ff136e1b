package redact

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/hushflow/hushflow/internal/numfmt"
)

// caseFoldFrom is the length from which a pattern matches in any ASCII
// case: a secret of 8 bytes or more survives `upper`, `lower` and `title` as
// itself, and hex digits come in either case.
const caseFoldFrom = 8

// form is one way a secret can show up in text, searched as a pattern (or,
// when too short to be searched, masked as a whole value).
type form struct {
	text string
	// src and enc say how text is written from the secret: a pattern keeps
	// them instead of text (see derivation).
	src   string
	enc   derivation
	kind  kind
	widen widen
	// fragment marks a piece of the secret rather than all of it (a base64
	// core, one line): a fragment too short to search for is dropped, not
	// masked as a whole value, since a whole value equal to it is not the
	// secret.
	fragment bool
}

// forms lists the patterns of a secret. Escapings (JSON, JavaScript, HTML,
// shell, URL, hex dump lines) are not among them: the scanner decodes them
// in the text (see escapings). What is left are the forms no decoding of
// the text undoes:
//
//   - the secret as given, trimmed of surrounding space, with bytes that are
//     not UTF-8 replaced by U+FFFD (as encoding/json writes them), and in
//     Unicode normalization forms NFC and NFD;
//   - hex, in any case, plain, spaced (% x) and in xxd's groups; the byte
//     list Go's %v writes for a []byte;
//   - base32 of the secret alone, both alphabets;
//   - base64, both alphabets, at the three alignments a secret can have
//     inside a larger encoded text (for a short secret, which is only masked
//     as a whole value, its whole encodings instead);
//   - url.QueryEscape's "+" for a space (the other escapes are decoded);
//   - each line of a multi-line secret;
//   - a secret that is a JSON number, as encoding/json, slog and Tera print
//     its value (internal/numfmt).
//
// Patterns of 8 bytes or more match in any ASCII case.
func forms(secret string, short bool) []form {
	out := make([]form, 0, 16) // about as many as a secret has

	add := func(text string, k kind, w widen, fragment bool) {
		if text == "" {
			return
		}
		if k == folded && len(text) < caseFoldFrom {
			k = exact
		}
		// A secret has about twenty forms: a look through them costs less
		// than a map.
		for _, g := range out {
			if g.text == text && g.kind == k && g.widen == w && g.fragment == fragment {
				return
			}
		}
		out = append(out, form{text: text, src: text, kind: k, widen: w, fragment: fragment})
	}
	// derived adds the form d writes from v. The texts are written one
	// after another into one buffer, about one allocation for all: a
	// text's bytes are never written again once it is added (a larger
	// buffer takes a copy), and a text not added gives its room back.
	texts := make([]byte, 0, 24*len(secret))
	derived := func(v string, d derivation, k kind, w widen, fragment bool) {
		n, start := len(out), len(texts)
		texts = d.appendText(texts, v)
		add(stringOf(texts[start:]), k, w, fragment)
		if len(out) > n {
			out[n].src, out[n].enc = v, d
		} else {
			texts = texts[:start]
		}
	}
	for _, v := range variants(secret) {
		add(v, folded, 0, false)
		if strings.Contains(v, " ") {
			add(url.QueryEscape(v), folded, 0, false)
		}
		derived(v, hexOf, folded, 0, false)
		// Go's %v of a []byte, fmt's % x (and hexdump -C, whose lines the
		// scanner joins), xxd's groups of two bytes at either alignment.
		derived(v, byteListOf, exact, 0, false)
		derived(v, spacedHexOf, folded, 0, false)
		derived(v, xxdOf, folded, 0, false)
		derived(v, xxdShiftedOf, folded, 0, true)
		if short {
			// Masked as whole values only, where case folding does not
			// reach below 8 bytes: both cases of hex, whole encodings.
			add(strings.ToUpper(hex.EncodeToString([]byte(v))), exact, 0, false)
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				add(enc.EncodeToString([]byte(v)), exact, 0, false)
			}
			for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding} {
				add(enc.EncodeToString([]byte(v)), folded, 0, false)
				add(enc.WithPadding(base32.NoPadding).EncodeToString([]byte(v)), folded, 0, false)
			}
		} else {
			// The cores of the standard alphabet match the URL-safe one
			// too; widened over their neighbours and padding, they cover
			// the whole encodings.
			for align := range 3 {
				derived(v, base64CoreOf+derivation(align), base64Alphabets, base64CoreWiden(len(v), align), true)
			}
			// Base32 of the secret alone, in both alphabets and any case,
			// padded or not (a TOTP seed, a DNS label).
			for i := range 2 { // the standard alphabet, then base32hex
				derived(v, base32StdOf+derivation(i), folded, base32CoreWiden(len(v), 0)|widenBase32, true)
			}
		}
		if strings.Contains(v, "\n") {
			for line := range strings.SplitSeq(v, "\n") {
				add(strings.TrimSpace(line), folded, 0, true)
			}
		}
		if f, ok := jsonNumber(v); ok {
			for _, t := range numfmt.Forms(f, 64) {
				add(t, exact, 0, false)
			}
		}
	}
	return out
}

// variants returns the texts a secret may be written as before any
// encoding: itself, trimmed, with invalid UTF-8 replaced, and its NFC and
// NFD forms.
func variants(secret string) []string {
	vs := []string{secret}
	addVariant := func(v string) {
		if v == "" {
			return
		}
		for _, x := range vs {
			if x == v {
				return
			}
		}
		vs = append(vs, v)
	}
	addVariant(strings.TrimSpace(secret))
	if !utf8.ValidString(secret) {
		// What is left of it after a trip through a serializer that
		// replaces bytes that are not UTF-8 (Go's json.Marshal does).
		addVariant(replaceInvalidUTF8(secret))
	}
	for _, v := range vs {
		if !isASCII(v) {
			addVariant(norm.NFC.String(v))
			addVariant(norm.NFD.String(v))
		}
	}
	return vs
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// jsonNumber parses s when it is a number as JSON writes one (so not "0123",
// "+1", "0x10" or "1_000", which are no number's text).
func jsonNumber(s string) (float64, bool) {
	if !isJSONNumber(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
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
	if end <= start {
		return "", 0
	}
	return e[start:end], base64CoreWiden(len(secret), align)
}

// base64CoreWiden is how a hit on base64Core of a secret of n bytes at
// align may widen, without encoding it.
func base64CoreWiden(n, align int) widen {
	var w widen
	if align > 0 {
		w |= widenLeft
	}
	if (align+n)%3 != 0 {
		w |= widenRight
	}
	return w
}

// base32Core is base64Core for base32: the characters of the encoding of
// secret, starting align bytes into a 5-byte group, that hold its bits
// alone.
func base32Core(secret string, enc *base32.Encoding, align int) (string, widen) {
	buf := make([]byte, align+len(secret))
	copy(buf[align:], secret)
	e := enc.WithPadding(base32.NoPadding).EncodeToString(buf)
	start := (8*align + 4) / 5 // the first character past the neighbour's bits
	end := 8 * len(buf) / 5    // the last one whose 5 bits are all the secret's
	if end <= start {
		return "", 0
	}
	return e[start:end], base32CoreWiden(len(secret), align)
}

// base32CoreWiden is base64CoreWiden for base32Core.
func base32CoreWiden(n, align int) widen {
	var w widen
	if 8*align%5 != 0 {
		w |= widenLeft
	}
	if 8*(align+n)%5 != 0 {
		w |= widenRight
	}
	return w
}

// isNumberish reports whether t could occur in the text of a number.
func isNumberish(t string) bool {
	if u := strings.TrimLeft(t, "+-"); strings.EqualFold(u, "inf") || strings.EqualFold(u, "infinity") || strings.EqualFold(u, "nan") {
		return true // as fmt, slog and strconv write them
	}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// A derivation writes a pattern's text from the secret it encodes. The
// index keeps the secret and the derivation, not the text: the encodings of
// a secret are about twenty times its length (hex, decimal, spaced hex,
// base64 at three alignments, base32), and a confirmed anchor, which is
// rare, pays for writing the text out again.
type derivation uint8

const (
	asIs         derivation = iota // the text itself
	hexOf                          // hex, lower case
	byteListOf                     // "104 117 110"
	spacedHexOf                    // fmt's % x
	xxdOf                          // xxd's groups of two bytes
	xxdShiftedOf                   // the same, the first group one byte short
	base64CoreOf                   // base64Core at alignment 0; +1, +2 for the others
	_
	_
	base32StdOf // base32Core in the standard alphabet; +1 for base32hex
	_
)

const (
	base64Alphabet   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	base32Alphabet   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	base32HexAlpabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
)

// appendText appends the text d writes from src, allocating nothing but
// what dst needs to grow.
func (d derivation) appendText(dst []byte, src string) []byte {
	switch d {
	case asIs:
		return append(dst, src...)
	case hexOf:
		return hex.AppendEncode(dst, bytesOf(src))
	case byteListOf:
		for i := 0; i < len(src); i++ {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = strconv.AppendUint(dst, uint64(src[i]), 10)
		}
		return dst
	case spacedHexOf, xxdOf, xxdShiftedOf:
		group, align := 1, 0
		if d != spacedHexOf {
			group = 2
		}
		if d == xxdShiftedOf {
			align = 1
		}
		for i := 0; i < len(src); i++ {
			if i > 0 && (i+align)%group == 0 {
				dst = append(dst, ' ')
			}
			dst = append(dst, hexDigits[src[i]>>4], hexDigits[src[i]&0xF])
		}
		return dst
	case base64CoreOf, base64CoreOf + 1, base64CoreOf + 2:
		// base64Core: the characters of the raw standard encoding of align
		// zero bytes and src that hold src's bits alone.
		align := int(d - base64CoreOf)
		total := align + len(src)
		start, end := [3]int{0, 2, 3}[align], 4*(total/3)+total%3
		for k := start; k < end; k++ {
			dst = append(dst, base64Alphabet[bitsAt(src, align, 6*k, 6)])
		}
		return dst
	case base32StdOf, base32StdOf + 1:
		alphabet := base32Alphabet
		if d == base32StdOf+1 {
			alphabet = base32HexAlpabet
		}
		for k := range 8 * len(src) / 5 {
			dst = append(dst, alphabet[bitsAt(src, 0, 5*k, 5)])
		}
		return dst
	}
	panic("redact: unknown derivation")
}

// bitsAt returns the n bits (n ≤ 8) from bit of the byte string that is
// align zero bytes, then src, then zero bytes, most significant first.
func bitsAt(src string, align, bit, n int) byte {
	at := func(i int) uint16 {
		if i -= align; i >= 0 && i < len(src) {
			return uint16(src[i])
		}
		return 0
	}
	i := bit / 8
	two := at(i)<<8 | at(i+1)
	return byte(two >> (16 - n - bit%8) & (1<<n - 1))
}
