package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/hushflow/hushflow/internal/ref"
)

// minCredential is the length under which a credential found in a message
// makes the whole message withheld rather than masked where it stands: a
// two-letter value replaced everywhere would leave nothing readable.
const minCredential = 4

// credentials returns the credentials a reference carries (its userinfo and
// the values of query parameters not public for its scheme in the scheme registry), each in every form a
// message could show it in: as written, decoded, and encoded again the ways
// Go and JSON encode (a message may hold "Hunter2%2BXyz9", "Hunter2+Xyz9",
// or a JSON-escaped form; scrub matches escapes in either case).
func credentials(key string) []string {
	if !strings.Contains(key, "?") && !strings.Contains(key, "@") {
		return nil // the common case: nothing to look for
	}
	p, err := ref.Parse(key)
	var raw []string
	if err == nil {
		if p.Userinfo != "" {
			raw = append(raw, p.Userinfo)
			user, pass, _ := strings.Cut(p.Userinfo, ":")
			raw = append(raw, user, pass)
		}
		public := lookupScheme(p.Scheme).publicQuery
		for _, pair := range strings.Split(p.RawQuery, "&") {
			name, value, _ := strings.Cut(pair, "=")
			if n, err := url.QueryUnescape(name); err == nil && slices.Contains(public, n) {
				continue
			}
			raw = append(raw, value)
		}
	} else {
		// A reference url.Parse refuses: treat everything after "?" and
		// before "@" as credentials.
		if _, q, ok := strings.Cut(key, "?"); ok {
			raw = append(raw, q)
		}
		if before, _, ok := strings.Cut(key, "@"); ok {
			raw = append(raw, before[strings.Index(before, "://")+1:])
		}
	}
	var forms []string
	add := func(s string) {
		if s != "" && !slices.Contains(forms, s) {
			forms = append(forms, s)
		}
	}
	for _, r := range raw {
		add(r)
		for _, d := range decodings(r) {
			add(d)
			add(url.QueryEscape(d))
			add(url.PathEscape(d))
			for _, j := range jsonForms(d) {
				add(j)
				add(strings.ReplaceAll(j, "/", `\/`)) // as PHP and others escape it
			}
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// jsonForms returns s as JSON strings hold it (without the quotes), with
// and without Go's escaping of HTML characters.
func jsonForms(s string) []string {
	var out []string
	if b, err := json.Marshal(s); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) == nil {
		b := strings.TrimSpace(buf.String())
		out = append(out, b[1:len(b)-1])
	}
	return out
}

// decodings returns s decoded as a query value and as a path segment.
func decodings(s string) []string {
	var out []string
	if d, err := url.QueryUnescape(s); err == nil {
		out = append(out, d)
	}
	if d, err := url.PathUnescape(s); err == nil {
		out = append(out, d)
	}
	return out
}

// lowerEscapes writes the hex digits of percent escapes in lower case
// ("%2B" → "%2b"), a form some servers echo.
func lowerEscapes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// scrub returns err with every credential of key removed from its text,
// wherever it stands and with percent escapes matched in either case. A
// message that holds a credential too short to mask where it stands is
// withheld whole. The result answers errors.Is like err.
func scrub(key string, err error) error {
	if err == nil {
		return nil
	}
	forms := credentials(key)
	if len(forms) == 0 {
		return err
	}
	msg := err.Error()
	norm := lowerEscapes(msg) // the same length as msg: positions agree
	var masked []bool
	for _, f := range forms {
		nf := lowerEscapes(f)
		for i := 0; ; {
			j := strings.Index(norm[i:], nf)
			if j < 0 {
				break
			}
			if len(f) < minCredential {
				return &maskedError{msg: kindOf(err).Error() + ": the message is withheld: it quotes a credential of the reference", cause: err}
			}
			if masked == nil {
				masked = make([]bool, len(msg))
			}
			for k := i + j; k < i+j+len(nf); k++ {
				masked[k] = true
			}
			i += j + len(nf)
		}
	}
	if masked == nil {
		return err
	}
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		if !masked[i] {
			b.WriteByte(msg[i])
			continue
		}
		b.WriteString("[credential]")
		for i+1 < len(msg) && masked[i+1] {
			i++
		}
	}
	return &maskedError{msg: b.String(), cause: err}
}

// kindOf returns the sentinel (or context error) err is, for messages that
// must say what kind of failure it was without its text.
func kindOf(err error) error {
	for _, k := range []error{ErrNotFound, ErrNotScalar, ErrInvalidRef, ErrSchemeNotAllowed, ErrOutsideRoot,
		context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, k) {
			return k
		}
	}
	return ErrBackend
}
