package tera

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosimple/unidecode"
	"github.com/rivo/uniseg"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Filters over strings (Tera's src/builtins/filters/string.rs).

// Upper converts a string to upper case (full Unicode mapping: "ß" → "SS").
func Upper(in any, _ map[string]any) (any, error) {
	s, err := asString("upper", "value", in)
	if err != nil {
		return nil, err
	}
	return cases.Upper(language.Und).String(s), nil
}

// UpperArgs: upper takes no arguments.
func UpperArgs() []Arg { return nil }

// Lower converts a string to lower case.
func Lower(in any, _ map[string]any) (any, error) {
	s, err := asString("lower", "value", in)
	if err != nil {
		return nil, err
	}
	return cases.Lower(language.Und).String(s), nil
}

// LowerArgs: lower takes no arguments.
func LowerArgs() []Arg { return nil }

// Trim removes leading and trailing white space (Unicode White_Space).
func Trim(in any, _ map[string]any) (any, error) {
	s, err := asString("trim", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.TrimFunc(s, isWhiteSpace), nil
}

// TrimArgs: trim takes no arguments.
func TrimArgs() []Arg { return nil }

// TrimStart removes leading white space.
func TrimStart(in any, _ map[string]any) (any, error) {
	s, err := asString("trim_start", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.TrimLeftFunc(s, isWhiteSpace), nil
}

// TrimStartArgs: trim_start takes no arguments.
func TrimStartArgs() []Arg { return nil }

// TrimEnd removes trailing white space.
func TrimEnd(in any, _ map[string]any) (any, error) {
	s, err := asString("trim_end", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.TrimRightFunc(s, isWhiteSpace), nil
}

// TrimEndArgs: trim_end takes no arguments.
func TrimEndArgs() []Arg { return nil }

// isWhiteSpace is Unicode's White_Space property, which Rust's trim and
// split_whitespace use (Go's unicode.IsSpace is the same set).
func isWhiteSpace(r rune) bool { return unicode.IsSpace(r) }

// unescapePattern turns the two characters \n into a newline and \t into a
// tab, as Tera does for split's, join's and trim_*_matches' patterns (a
// Tera string literal keeps a backslash as it is).
func unescapePattern(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	return strings.ReplaceAll(strings.ReplaceAll(p, `\n`, "\n"), `\t`, "\t")
}

// TrimStartMatches removes every leading repetition of pat.
func TrimStartMatches(in any, args map[string]any) (any, error) {
	s, err := asString("trim_start_matches", "value", in)
	if err != nil {
		return nil, err
	}
	pat, err := patArg("trim_start_matches", args)
	if err != nil {
		return nil, err
	}
	if pat == "" {
		return s, nil
	}
	for strings.HasPrefix(s, pat) {
		s = s[len(pat):]
	}
	return s, nil
}

// TrimStartMatchesArgs: pat, required.
func TrimStartMatchesArgs() []Arg { return []Arg{{"pat", true}} }

// TrimEndMatches removes every trailing repetition of pat.
func TrimEndMatches(in any, args map[string]any) (any, error) {
	s, err := asString("trim_end_matches", "value", in)
	if err != nil {
		return nil, err
	}
	pat, err := patArg("trim_end_matches", args)
	if err != nil {
		return nil, err
	}
	if pat == "" {
		return s, nil
	}
	for strings.HasSuffix(s, pat) {
		s = s[:len(s)-len(pat)]
	}
	return s, nil
}

// TrimEndMatchesArgs: pat, required.
func TrimEndMatchesArgs() []Arg { return []Arg{{"pat", true}} }

func patArg(fn string, args map[string]any) (string, error) {
	v, ok := optional(args, "pat")
	if !ok {
		return "", missing(fn, "pat")
	}
	p, err := asString(fn, "pat", v)
	if err != nil {
		return "", err
	}
	return unescapePattern(p), nil
}

// Truncate cuts a string to length extended grapheme clusters (default
// 255) and appends end (default "…") when it cut.
func Truncate(in any, args map[string]any) (any, error) {
	s, err := asString("truncate", "value", in)
	if err != nil {
		return nil, err
	}
	length := int64(255)
	if v, ok := optional(args, "length"); ok {
		if length, err = asInt("truncate", "length", v, 0, math.MaxInt64); err != nil {
			return nil, err
		}
	}
	end := "…"
	if v, ok := optional(args, "end"); ok {
		if end, err = asString("truncate", "end", v); err != nil {
			return nil, err
		}
	}
	g := uniseg.NewGraphemes(s)
	for n := int64(0); g.Next(); n++ {
		if n == length {
			from, _ := g.Positions()
			return s[:from] + end, nil
		}
	}
	return s, nil
}

// TruncateArgs: length and end, both optional.
func TruncateArgs() []Arg { return []Arg{{"length", false}, {"end", false}} }

// Wordcount counts the words separated by white space.
func Wordcount(in any, _ map[string]any) (any, error) {
	s, err := asString("wordcount", "value", in)
	if err != nil {
		return nil, err
	}
	return int64(len(strings.FieldsFunc(s, isWhiteSpace))), nil
}

// WordcountArgs: wordcount takes no arguments.
func WordcountArgs() []Arg { return nil }

// Replace replaces every from with to.
func Replace(in any, args map[string]any) (any, error) {
	s, err := asString("replace", "value", in)
	if err != nil {
		return nil, err
	}
	var from, to string
	for _, a := range []struct {
		name string
		dst  *string
	}{{"from", &from}, {"to", &to}} {
		v, ok := optional(args, a.name)
		if !ok {
			return nil, missing("replace", a.name)
		}
		if *a.dst, err = asString("replace", a.name, v); err != nil {
			return nil, err
		}
	}
	return strings.ReplaceAll(s, from, to), nil
}

// ReplaceArgs: from and to, both required.
func ReplaceArgs() []Arg { return []Arg{{"from", true}, {"to", true}} }

// Capitalize upper-cases the first character and lower-cases the rest.
func Capitalize(in any, _ map[string]any) (any, error) {
	s, err := asString("capitalize", "value", in)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return "", nil
	}
	_, size := utf8.DecodeRuneInString(s)
	return cases.Upper(language.Und).String(s[:size]) + cases.Lower(language.Und).String(s[size:]), nil
}

// CapitalizeArgs: capitalize takes no arguments.
func CapitalizeArgs() []Arg { return nil }

// Urlencode percent-encodes as Python's urllib.parse.quote does with "/"
// kept: every byte but ASCII letters, digits and - . _ ~ / %.
func Urlencode(in any, _ map[string]any) (any, error) {
	s, err := asString("urlencode", "value", in)
	if err != nil {
		return nil, err
	}
	return percentEncode(s, func(c byte) bool { return strings.IndexByte("-._~/%", c) >= 0 }), nil
}

// UrlencodeArgs: urlencode takes no arguments.
func UrlencodeArgs() []Arg { return nil }

// UrlencodeStrict percent-encodes every byte but ASCII letters and digits.
func UrlencodeStrict(in any, _ map[string]any) (any, error) {
	s, err := asString("urlencode_strict", "value", in)
	if err != nil {
		return nil, err
	}
	return percentEncode(s, func(byte) bool { return false }), nil
}

// UrlencodeStrictArgs: urlencode_strict takes no arguments.
func UrlencodeStrictArgs() []Arg { return nil }

func percentEncode(s string, keep func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || keep(c)) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	return b.String()
}

// Addslashes puts a backslash before every backslash, " and '.
func Addslashes(in any, _ map[string]any) (any, error) {
	s, err := asString("addslashes", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `'`, `\'`).Replace(s), nil
}

// AddslashesArgs: addslashes takes no arguments.
func AddslashesArgs() []Arg { return nil }

// Slugify transliterates to ASCII, lower-cases, and joins the runs of
// letters and digits with "-" ("Hello 世界" → "hello-shi-jie").
func Slugify(in any, _ map[string]any) (any, error) {
	s, err := asString("slugify", "value", in)
	if err != nil {
		return nil, err
	}
	ascii := unidecode.Unidecode(s)
	var b strings.Builder
	dash := false
	for i := 0; i < len(ascii); i++ {
		c := ascii[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteByte(c)
		default:
			dash = true
		}
	}
	return b.String(), nil
}

// SlugifyArgs: slugify takes no arguments.
func SlugifyArgs() []Arg { return nil }

// Title capitalizes every word: a word starts where a run of word
// characters and apostrophes starts at a word boundary ("foo's bar" →
// "Foo's Bar").
func Title(in any, _ map[string]any) (any, error) {
	s, err := asString("title", "value", in)
	if err != nil {
		return nil, err
	}
	rs := []rune(s)
	boundary := func(i int) bool {
		before := i > 0 && isWordRune(rs[i-1])
		after := i < len(rs) && isWordRune(rs[i])
		return before != after
	}
	upper, lower := cases.Upper(language.Und), cases.Lower(language.Und)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !(isWordRune(rs[i]) || rs[i] == '\'') || !boundary(i) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		end := i + 1
		for end < len(rs) && (isWordRune(rs[end]) || rs[end] == '\'') {
			end++
		}
		for end > i+1 && !boundary(end) {
			end--
		}
		if !boundary(end) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		b.WriteString(upper.String(string(rs[i])))
		b.WriteString(lower.String(string(rs[i+1 : end])))
		i = end
	}
	return b.String(), nil
}

// TitleArgs: title takes no arguments.
func TitleArgs() []Arg { return nil }

// isWordRune is the Unicode \w of Rust's regex: letters, marks, decimal
// digits, connector punctuation and the joiners.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) || unicode.IsMark(r) ||
		unicode.Is(unicode.Pc, r) || r == 0x200C || r == 0x200D || unicode.Is(unicode.Nl, r)
}

// Linebreaksbr replaces \r\n and \n with <br>.
func Linebreaksbr(in any, _ map[string]any) (any, error) {
	s, err := asString("linebreaksbr", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "<br>"), "\n", "<br>"), nil
}

// LinebreaksbrArgs: linebreaksbr takes no arguments.
func LinebreaksbrArgs() []Arg { return nil }

// Indent puts prefix (default four spaces) before every line but the first
// (unless first=true) and but blank ones (unless blank=true). Lines are
// Rust's lines(): a final newline ends the last line, \r\n counts as \n.
func Indent(in any, args map[string]any) (any, error) {
	s, err := asString("indent", "value", in)
	if err != nil {
		return nil, err
	}
	prefix := "    "
	if v, ok := optional(args, "prefix"); ok {
		if prefix, err = asString("indent", "prefix", v); err != nil {
			return nil, err
		}
	}
	var first, blank bool
	if v, ok := optional(args, "first"); ok {
		if first, err = asBool("indent", "first", v); err != nil {
			return nil, err
		}
	}
	if v, ok := optional(args, "blank"); ok {
		if blank, err = asBool("indent", "blank", v); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	for i, line := range rustLines(s) {
		if i == 0 {
			if first {
				b.WriteString(prefix)
			}
		} else {
			b.WriteByte('\n')
			if blank || strings.TrimLeftFunc(line, isWhiteSpace) != "" {
				b.WriteString(prefix)
			}
		}
		b.WriteString(line)
	}
	return b.String(), nil
}

// IndentArgs: prefix, first and blank, all optional.
func IndentArgs() []Arg { return []Arg{{"prefix", false}, {"first", false}, {"blank", false}} }

// rustLines is Rust's str::lines: split at \n, drop a \r before it, no
// empty line after a final \n. A \r not followed by \n stays.
func rustLines(s string) []string {
	if s == "" {
		return nil
	}
	endsWithNewline := strings.HasSuffix(s, "\n")
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		if i < len(lines)-1 || endsWithNewline {
			lines[i] = strings.TrimSuffix(l, "\r")
		}
	}
	return lines
}

var (
	striptagsRE = regexp.MustCompile(`(<!--.*?-->|<[^>]*>)`)
	// Rust's \s is Unicode White_Space; Go's is ASCII, so the class is
	// written out.
	spacelessRE = regexp.MustCompile(`>[\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+<`)
)

// Striptags removes HTML tags and comments.
func Striptags(in any, _ map[string]any) (any, error) {
	s, err := asString("striptags", "value", in)
	if err != nil {
		return nil, err
	}
	return striptagsRE.ReplaceAllLiteralString(s, ""), nil
}

// StriptagsArgs: striptags takes no arguments.
func StriptagsArgs() []Arg { return nil }

// Spaceless removes the white space between two HTML tags.
func Spaceless(in any, _ map[string]any) (any, error) {
	s, err := asString("spaceless", "value", in)
	if err != nil {
		return nil, err
	}
	return spacelessRE.ReplaceAllLiteralString(s, "><"), nil
}

// SpacelessArgs: spaceless takes no arguments.
func SpacelessArgs() []Arg { return nil }

// Escape escapes for HTML as Tera's escape filter (escape_html) does:
// & < > " ' and /.
func Escape(in any, _ map[string]any) (any, error) {
	s, err := asString("escape", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;", "/", "&#x2F;").Replace(s), nil
}

// EscapeArgs: escape takes no arguments.
func EscapeArgs() []Arg { return nil }

// EscapeXML escapes & < > " and ' for XML.
func EscapeXML(in any, _ map[string]any) (any, error) {
	// Tera names the filter escape_html in this error; escape_xml is meant.
	s, err := asString("escape_xml", "value", in)
	if err != nil {
		return nil, err
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s), nil
}

// EscapeXMLArgs: escape_xml takes no arguments.
func EscapeXMLArgs() []Arg { return nil }

// Split cuts a string at every pat (required; \n and \t in it are a newline
// and a tab). An empty pat cuts between every character, with an empty
// string at both ends, as Rust's split does.
func Split(in any, args map[string]any) (any, error) {
	s, err := asString("split", "value", in)
	if err != nil {
		return nil, err
	}
	pat, err := patArg("split", args)
	if err != nil {
		return nil, err
	}
	var parts []string
	if pat == "" {
		parts = append(parts, "")
		for _, r := range s {
			parts = append(parts, string(r))
		}
		parts = append(parts, "")
	} else {
		parts = strings.Split(s, pat)
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// SplitArgs: pat, required.
func SplitArgs() []Arg { return []Arg{{"pat", true}} }

// Int converts a string or a number to an integer: a string in base (2 to
// 36, default 10; 0b, 0o and 0x prefixes allowed for 2, 8 and 16), else a
// decimal with a point, truncated; a float truncated (saturating). A string
// that is neither gives default (0).
func Int(in any, args map[string]any) (any, error) {
	def := int64(0)
	var err error
	if v, ok := optional(args, "default"); ok {
		if def, err = asInt("int", "default", v, math.MinInt64, math.MaxInt64); err != nil {
			return nil, err
		}
	}
	base := int64(10)
	if v, ok := optional(args, "base"); ok {
		if base, err = asInt("int", "base", v, 0, math.MaxUint32); err != nil {
			return nil, err
		}
	}
	switch x := in.(type) {
	case string:
		if base < 2 || base > 36 {
			// Rust's from_str_radix panics here; an error is kinder.
			return nil, invalid("int", "base", "from 2 to 36")
		}
		s := strings.TrimFunc(x, isWhiteSpace)
		switch base {
		case 2:
			s = trimAllPrefix(s, "0b")
		case 8:
			s = trimAllPrefix(s, "0o")
		case 16:
			s = trimAllPrefix(s, "0x")
		}
		if n, ok := parseIntRadix(s, int(base)); ok {
			return n, nil
		}
		if strings.Contains(s, ".") {
			if f, ok := parseRustFloat(s); ok {
				return saturatingInt(f), nil
			}
		}
		return def, nil
	case int64:
		// Tera reads every number as an f64 first, so integers beyond
		// 2^53 come back rounded.
		return saturatingInt(float64(x)), nil
	case float64:
		return saturatingInt(x), nil
	}
	return nil, typeError("int", "value", "a string or a number", in)
}

// IntArgs: default and base, both optional.
func IntArgs() []Arg { return []Arg{{"default", false}, {"base", false}} }

func trimAllPrefix(s, p string) string {
	for strings.HasPrefix(s, p) {
		s = s[len(p):]
	}
	return s
}

// parseIntRadix is Rust's i64::from_str_radix: an optional sign, then at
// least one digit of the base, nothing else, no overflow.
func parseIntRadix(s string, base int) (int64, bool) {
	body := s
	if strings.HasPrefix(body, "+") || strings.HasPrefix(body, "-") {
		body = body[1:]
	}
	if body == "" || strings.HasPrefix(body, "+") || strings.HasPrefix(body, "-") || strings.Contains(body, "_") {
		return 0, false
	}
	n, err := strconv.ParseInt(s, base, 64)
	return n, err == nil
}

var rustFloatRE = regexp.MustCompile(`^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))$`)

// parseRustFloat is Rust's f64::from_str: decimal digits with an optional
// point and exponent, or inf, infinity, nan; no hex, no underscores.
func parseRustFloat(s string) (float64, bool) {
	if !rustFloatRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// saturatingInt is Rust's f as i64: NaN is 0, out of range is the nearest
// bound.
func saturatingInt(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// Float converts a string or a number to a float; a string that is not one
// gives default (0.0).
func Float(in any, args map[string]any) (any, error) {
	def := 0.0
	if v, ok := optional(args, "default"); ok {
		var err error
		if def, err = asFloat("float", "default", v); err != nil {
			return nil, err
		}
	}
	switch x := in.(type) {
	case string:
		if f, ok := parseRustFloat(strings.TrimFunc(x, isWhiteSpace)); ok {
			return f, nil
		}
		return def, nil
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return nil, typeError("float", "value", "a string or a number", in)
}

// FloatArgs: default, optional.
func FloatArgs() []Arg { return []Arg{{"default", false}} }
