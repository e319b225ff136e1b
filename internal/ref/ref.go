// Package ref is the one parser of vals references in this module:
// ref+SCHEME://PATH?QUERY#FRAGMENT, ended by a "+", white space or the end
// of the text. It does not import vals, so that the light packages (redact,
// render) and the heavy ones (secrets, loader) agree on what a reference is
// without linking vals.
//
// The syntax is vals' own (pkg/expansion.DefaultRefRegexp): a reference
// starts with "ref+" (or "secretref+"), has a scheme and "://", and ends at
// a "+", a space, a newline or the end of the string; it never ends on '"'
// or ','. A reference may hold another one ("ref+echo://ref+envsubst://$X/y"):
// vals resolves the inner one first. [FindAll] returns the references as vals
// sees them at the top level, [All] also those that start inside another.
package ref

import (
	"net/url"
	"regexp"
	"strings"
)

// pattern matches one reference. Group 1 is the prefix kind ("ref" or
// "secretref"), group 3 the reference without its prefix and closing "+".
var pattern = regexp.MustCompile(`((secret)?ref)\+([^\+:]*://[^\+\n ]+[^\+\n ",])\+?`)

// Span is one reference inside a string.
type Span struct {
	// Start and End are the byte range of the reference, [Start, End),
	// including its "ref+" or "secretref+" prefix and its closing "+".
	Start, End int
	// Ref is the reference without prefix and closing "+", as vals'
	// providers see it: "vault://secret/data/api?address=...#token".
	Ref string
}

// Scheme returns the reference's scheme as written ("vault").
func (s Span) Scheme() string { return Scheme(s.Ref) }

// Contains reports whether s holds at least one reference.
func Contains(s string) bool {
	// The cheap test first: most strings hold no reference.
	if indexPrefix(s) < 0 {
		return false
	}
	return pattern.MatchString(s)
}

// FindAll returns the references of s as vals reads it at the top level,
// left to right. A reference nested in another is part of the outer one's
// text here; see [All].
//
// It finds what pattern.FindAllStringSubmatchIndex finds over the whole of
// s, but runs the regexp only on a window around each "ref+" (from its
// "secret", if any, to where a reference starting there must end): the
// regexp has no literal prefix to skip ahead with and crawls through long
// text at a few MB/s, and redact looks for references in every log line.
func FindAll(s string) []Span {
	if indexPrefix(s) < 0 {
		return nil
	}
	var spans []Span
	for from := 0; ; {
		k := indexPrefix(s[from:])
		if k < 0 {
			return spans
		}
		k += from
		start := k
		if k-len("secret") >= from && s[k-len("secret"):k] == "secret" {
			start = k - len("secret")
		}
		end := windowEnd(s, k+len("ref+"))
		from = k + len("ref+")
		for _, m := range pattern.FindAllStringSubmatchIndex(s[start:end], -1) {
			spans = append(spans, Span{Start: start + m[0], End: start + m[1], Ref: s[start+m[6] : start+m[7]]})
			from = max(from, start+m[1])
		}
	}
}

// windowEnd returns where a reference whose scheme starts at i must end at
// the latest: the scheme ends at the first ':' (a '+' first means no
// reference), the path at the first '+' (included), space or newline.
func windowEnd(s string, i int) int {
	colon := strings.IndexAny(s[i:], "+:")
	if colon < 0 || s[i+colon] == '+' {
		return i
	}
	path := i + colon + 1
	n, ok := End(s[path:])
	if !ok {
		return len(s)
	}
	return path + n
}

// End returns how much of s, text that continues the path of a reference,
// still belongs to that reference: up to a space or a newline, or up to and
// including a closing "+". ok is false when nothing in s ends the reference
// (more text could still extend it).
func End(s string) (n int, ok bool) {
	i := strings.IndexAny(s, "+ \n")
	if i < 0 {
		return len(s), false
	}
	if s[i] == '+' {
		i++ // the closing '+' belongs to the reference
	}
	return i, true
}

// Open returns where the last reference prefix of s starts ("ref+" or
// "secretref+", as [Prefixes] finds it) when text appended to s could still
// make a reference start there, or -1: nothing after that prefix is a '+', a
// space or a newline yet. A stream masker holds such a tail back until the
// reference ends.
//
// vals lets a scheme hold spaces and newlines; Open does not wait past them,
// so a stream cut inside such a scheme may let the reference through.
//
// Only the end of s is read: the prefix's '+' must be the last '+', space
// or newline of s, so a stream masker that calls Open after every write
// does not read again what it holds.
func Open(s string) int {
	i := strings.LastIndexAny(s, "+ \n")
	if i < len("ref+")-1 || s[i] != '+' || s[i-len("ref"):i] != "ref" {
		return -1
	}
	return prefixAt(s, i-len("ref")).Start
}

// prefixAt returns the prefix whose "ref+" starts at i.
func prefixAt(s string, i int) Prefix {
	start := i
	if start >= len("secret") && s[start-len("secret"):start] == "secret" {
		start -= len("secret")
	}
	return Prefix{Start: start, End: i + len("ref+")}
}

// First returns the reference that starts exactly at the beginning of s, if
// one does.
func First(s string) (Span, bool) {
	m := pattern.FindStringSubmatchIndex(s)
	if m == nil || m[0] != 0 {
		return Span{}, false
	}
	return Span{Start: 0, End: m[1], Ref: s[m[6]:m[7]]}, true
}

// Prefix is where a "ref+" or "secretref+" prefix stands in a string.
type Prefix struct {
	Start int // at "secretref+" or "ref+"
	End   int // just after the "+"
}

// Prefixes returns every "ref+" and "secretref+" prefix of s, left to right,
// as vals' nesting scan finds them.
func Prefixes(s string) []Prefix {
	var out []Prefix
	for off := 0; ; {
		i := indexPrefix(s[off:])
		if i < 0 {
			return out
		}
		out = append(out, prefixAt(s, off+i))
		off += i + len("ref+")
	}
}

// All returns every reference that starts at a prefix of s: the top-level
// ones [FindAll] returns and those nested inside them, each read from its own
// prefix, in the order of their start. A check that must hold for every
// reference vals could resolve from s (an allowed scheme, a reference the
// author wrote) runs over All.
func All(s string) []Span {
	var out []Span
	for _, p := range Prefixes(s) {
		if sp, ok := First(s[p.Start:]); ok {
			sp.Start += p.Start
			sp.End += p.Start
			out = append(out, sp)
		}
	}
	return out
}

// Nested reports whether the prefix at index i of ps (i ≥ 1) is nested in
// the reference before it, as vals decides it: no space, newline, tab,
// quote or comma between the two prefixes.
func Nested(s string, ps []Prefix, i int) bool {
	return i >= 1 && !strings.ContainsAny(s[ps[i-1].End:ps[i].Start], " \n\r\t\",")
}

// HasNesting reports cheaply whether s may hold a nested reference: vals
// only looks for one when s has two prefixes or more.
func HasNesting(s string) bool {
	i := indexPrefix(s)
	return i >= 0 && indexPrefix(s[i+len("ref+"):]) >= 0
}

// Scheme returns the scheme of a reference, with or without its prefix
// ("vault" for "vault://...", "ref+vault://..." and "secretref+vault://..."),
// as written, or "" when it has none.
func Scheme(r string) string {
	r = trimPrefix(r)
	scheme, _, ok := strings.Cut(r, "://")
	if !ok {
		return ""
	}
	return scheme
}

// trimPrefix removes a leading "secretref+" or "ref+".
func trimPrefix(r string) string {
	if rest, ok := strings.CutPrefix(r, "secretref+"); ok {
		return rest
	}
	return strings.TrimPrefix(r, "ref+")
}

// Safe returns a reference (with or without its prefix) in a form fit for an
// error message or a log line: its query is removed, because vals passes
// credentials in queries (vault's "secret_id=", "token="), and so is any
// userinfo ("user:password@" before the host, as httpjson takes it). The
// fragment is kept: it is a path into the secret, not a value.
//
//	Safe("ref+vault://secret/api?address=http://v:8200&token=t#key") == "ref+vault://secret/api#key"
//	Safe("ref+httpjson://deploy:pw@host/v1#/k") == "ref+httpjson://host/v1#/k"
func Safe(r string) string {
	head, rest := "", r
	if i := strings.Index(r, "://"); i >= 0 {
		head, rest = r[:i+len("://")], r[i+len("://"):]
	}
	// Userinfo ends at the last '@' of the authority, which ends at the
	// first '/', '?' or '#'.
	auth := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		auth = rest[:i]
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		return head + rest
	}
	// vals accepts the fragment either before or after the query.
	frag := ""
	if h := strings.IndexByte(rest[q:], '#'); h >= 0 {
		frag = rest[q+h:]
	}
	if strings.Contains(rest[:q], "#") {
		frag = ""
	}
	return head + rest[:q] + frag
}

// Parts is a reference taken apart the way vals takes it apart before it
// asks a provider (vals.go, Runtime.prepare).
type Parts struct {
	Scheme string
	// Path is what vals hands the provider: the host and the path joined
	// with "/" ("file://a/b.yaml" → "a/b.yaml", "file:///etc/x" → "/etc/x").
	Path string
	// Query holds the provider's parameters (vault's address=, sops'
	// format=, …).
	Query url.Values
	// Fragment is the key path into the secret, without "#" and without a
	// leading "/" ("#/db/password" → "db/password").
	Fragment string
	// Userinfo is what stands before an "@" in the authority
	// ("deploy:PASSWORD" in "httpjson://deploy:PASSWORD@host/x"), as written,
	// still percent-encoded; "" when there is none. It is a credential.
	Userinfo string
	// RawQuery is the query as written, without "?" and still
	// percent-encoded. Query holds the decoded values.
	RawQuery string
}

// Parse takes a reference (with or without its prefix) apart as vals does,
// including its treatment of an AWS ARN right after "://".
func Parse(r string) (Parts, error) {
	key := trimPrefix(r)
	arn := ""
	if i := strings.Index(key, "://"); i >= 0 {
		after := key[i+len("://"):]
		if strings.HasPrefix(after, "arn:aws:") || strings.HasPrefix(after, "arn:aws-") {
			end := len(after)
			if j := strings.IndexAny(after, "?#"); j >= 0 {
				end = j
			}
			arn = after[:end]
			key = key[:i+len("://")] + "/" + arn + after[end:]
		}
	}
	u, err := url.Parse(key)
	if err != nil {
		return Parts{}, err
	}
	host := u.Host
	if arn != "" {
		host, u.Path = arn, ""
	}
	var components []string
	if host != "" {
		components = append(components, host)
	}
	p := strings.TrimPrefix(u.Path, "#")
	if host != "" {
		p = strings.TrimPrefix(p, "/")
	}
	if p != "" {
		components = append(components, p)
	}
	frag := strings.TrimPrefix(strings.TrimPrefix(u.Fragment, "#"), "/")
	return Parts{Scheme: u.Scheme, Path: strings.Join(components, "/"), Query: u.Query(), Fragment: frag,
		Userinfo: userinfo(key), RawQuery: u.RawQuery}, nil
}

// userinfo returns the userinfo of a reference without its prefix, as
// written: what stands before the last '@' of the authority, which ends at
// the first '/', '?' or '#' after "://" (the split Safe makes).
func userinfo(key string) string {
	i := strings.Index(key, "://")
	if i < 0 {
		return ""
	}
	auth := key[i+len("://"):]
	if j := strings.IndexAny(auth, "/?#"); j >= 0 {
		auth = auth[:j]
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		return auth[:at]
	}
	return ""
}

// indexPrefix is strings.Index(s, "ref+"), found by its '+': a '+' is rare
// in most text and IndexByte finds it at memory speed, where the 'r' that
// strings.Index starts from is one letter in twenty.
func indexPrefix(s string) int {
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '+')
		if i < 0 {
			return -1
		}
		i += from
		if i >= len("ref") && s[i-len("ref"):i] == "ref" {
			return i - len("ref")
		}
		from = i + 1
	}
}
