// Package ref knows the syntax of vals references (ref+SCHEME://PATH#FRAGMENT?QUERY+)
// without importing vals, so that the light packages (redact, render) and the
// heavy one (secrets) agree on what a reference is.
//
// The pattern is vals' own (pkg/expansion.DefaultRefRegexp): a reference starts
// with "ref+" (or "secretref+"), has a scheme and "://", and ends at a "+",
// whitespace, a newline or the end of the string; it never ends on '"' or ','.
package ref

import (
	"regexp"
	"strings"
)

// pattern matches one reference. Group 1 is the prefix kind ("ref" or
// "secretref"), group 3 the reference without its prefix and closing "+".
var pattern = regexp.MustCompile(`((secret)?ref)\+([^\+:]*://[^\+\n ]+[^\+\n ",])\+?`)

// Contains reports whether s holds at least one reference.
func Contains(s string) bool {
	// The cheap test first: most strings handed to a resolver hold no reference.
	if !strings.Contains(s, "ref+") {
		return false
	}
	return pattern.MatchString(s)
}

// Span is the byte range [Start, End) of one reference inside a string,
// including its "ref+" prefix and its closing "+" when present.
type Span struct {
	Start, End int
	// Ref is the reference without prefix and closing "+", as vals' providers
	// see it: "vault://secret/data/api?address=...#token".
	Ref string
}

// FindAll returns every reference in s, left to right.
func FindAll(s string) []Span {
	if !strings.Contains(s, "ref+") {
		return nil
	}
	idx := pattern.FindAllStringSubmatchIndex(s, -1)
	spans := make([]Span, 0, len(idx))
	for _, m := range idx {
		spans = append(spans, Span{Start: m[0], End: m[1], Ref: s[m[6]:m[7]]})
	}
	return spans
}

// Scheme returns the scheme of a reference ("vault" for "vault://..." or
// "ref+vault://..."), or "" when it has none.
func Scheme(r string) string {
	r = strings.TrimPrefix(strings.TrimPrefix(r, "secret"), "ref+")
	scheme, _, ok := strings.Cut(r, "://")
	if !ok {
		return ""
	}
	return scheme
}

// Safe returns the reference in a form fit for an error message or a log
// line: its query string is removed, because vals passes credentials in
// queries (vault's "secret_id=", "token="). The fragment is kept: it is a
// path into the secret, not a value.
//
//	Safe("ref+vault://secret/api?address=http://v:8200&token=t#key") == "ref+vault://secret/api#key"
func Safe(r string) string {
	q := strings.IndexByte(r, '?')
	if q < 0 {
		return r
	}
	// vals accepts the fragment either before or after the query.
	rest := r[q:]
	frag := ""
	if h := strings.IndexByte(rest, '#'); h >= 0 {
		frag = rest[h:]
	}
	head := r[:q]
	if strings.Contains(head, "#") {
		frag = ""
	}
	return head + frag
}
