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
	text  string
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
	var out []form
	seen := map[form]bool{}
	add := func(text string, k kind, w widen, fragment bool) {
		if text == "" {
			return
		}
		if k == folded && len(text) < caseFoldFrom {
			k = exact
		}
		f := form{text: text, kind: k, widen: w, fragment: fragment}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, v := range variants(secret) {
		add(v, folded, 0, false)
		if strings.Contains(v, " ") {
			add(url.QueryEscape(v), folded, 0, false)
		}
		h := hex.EncodeToString([]byte(v))
		add(h, folded, 0, false)
		// Go's %v of a []byte, fmt's % x (and hexdump -C, whose lines the
		// scanner joins), xxd's groups of two bytes at either alignment.
		add(byteList(v), exact, 0, false)
		add(spacedHex(v, 1, 0), folded, 0, false)
		add(spacedHex(v, 2, 0), folded, 0, false)
		add(spacedHex(v, 2, 1), folded, 0, true)
		if short {
			// Masked as whole values only, where case folding does not
			// reach below 8 bytes: both cases of hex, whole encodings.
			add(strings.ToUpper(h), exact, 0, false)
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
				core, w := base64Core(v, base64.RawStdEncoding, align)
				add(core, base64Alphabets, w, true)
			}
			// Base32 of the secret alone, in both alphabets and any case,
			// padded or not (a TOTP seed, a DNS label).
			for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding} {
				core, w := base32Core(v, enc, 0)
				add(core, folded, w|widenBase32, true)
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

// base32Core is base64Core for base32: the characters of the encoding of
// secret, starting align bytes into a 5-byte group, that hold its bits
// alone.
func base32Core(secret string, enc *base32.Encoding, align int) (string, widen) {
	buf := make([]byte, align+len(secret))
	copy(buf[align:], secret)
	e := enc.WithPadding(base32.NoPadding).EncodeToString(buf)
	start := (8*align + 4) / 5 // the first character past the neighbour's bits
	end := 8 * len(buf) / 5    // the last one whose 5 bits are all the secret's
	var w widen
	if 8*align%5 != 0 {
		w |= widenLeft
	}
	if 8*len(buf)%5 != 0 {
		w |= widenRight
	}
	if end <= start {
		return "", 0
	}
	return e[start:end], w
}

// byteList writes s as Go's %v writes a []byte, without the brackets:
// "104 117 110".
func byteList(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(int(s[i])))
	}
	return b.String()
}

// spacedHex writes s in hex with a space after every group bytes, the first
// group align bytes short: fmt's % x is (1, 0), xxd's columns (2, 0) and
// (2, 1).
func spacedHex(s string, group, align int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && (i+align)%group == 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte{s[i]}))
	}
	return b.String()
}

// isNumberish reports whether t could occur in the text of a number.
func isNumberish(t string) bool {
	switch strings.ToLower(strings.TrimLeft(t, "+-")) {
	case "inf", "infinity", "nan": // as fmt, slog and strconv write them
		return true
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
