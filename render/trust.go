package render

import (
	"slices"
	"strings"

	"github.com/hushflow/hushflow/internal/ref"
)

// | vals resolves only references the template's author wrote. Every value
// carries its origin: which bytes of its text came from the
// template's own text and which from data (any variable of the call, or
// what a backend resolved):
//
//   - a literal is the author's throughout, and so is what is computed
//     from the author's values only;
//   - Tera's "a ~ b", pongo2's add filter and the text a {% filter %}
//     block's body or a macro prints join the origins of their parts;
//   - a name the template binds carries the origin of its value;
//   - what | vals resolved is the backend's: data;
//   - anything else made from data is data from end to end.
//
// A reference (every one ref.All finds, nested ones included) that holds a
// byte of data is refused with ErrUntrusted, unless the engine opted in
// for its scheme with WithDataReferences; even then no data byte may stand
// in its query, or be a '?', '+' or white space (so data can add neither a
// query nor a second reference), nor a '#' that would turn the query the
// template wrote into a fragment. Origin is by position, never by
// comparing text: data equal to a reference the author wrote elsewhere is
// still data.

// valsFilter is | vals: it resolves the references in its input, which
// came from where the input's origin says. Strings without a reference,
// and values that are not strings (42, true, null, a map), come back as
// they were. What it resolves is the backend's: data, and a secret.
func valsFilter(c *filterCall, in value, _ []value) (value, error) {
	s, ok := in.v.(string)
	if !ok {
		return in, nil
	}
	spans := ref.All(s)
	if len(spans) == 0 {
		return in, nil
	}
	x := c.x
	for _, sp := range spans {
		if why := x.untrusted(s, sp, in.org); why != "" {
			return value{}, untrustedError(c.f, why)
		}
	}
	x.inResolver = true
	out, err := x.engine.resolver.Resolve(x.ctx, s)
	x.inResolver = false
	if err != nil {
		return value{}, &Error{Kind: ErrResolve, Name: refNames(s, in.org), Err: err}
	}
	if x.engine.cfg.secrets != nil {
		x.derived = append(x.derived, out)
	}
	return value{v: out, org: dataOrigin, secret: true}, nil
}

// untrusted says why the reference sp of s may not be resolved, or "".
func (x *execution) untrusted(s string, sp ref.Span, p origin) string {
	if !p.overlaps(sp.Start, sp.End) {
		return ""
	}
	if x.engine.dataRefs == nil {
		return "it holds data (a variable's value), and references are resolved only as the template's text writes them"
	}
	if !x.engine.dataRefs[strings.ToLower(ref.Scheme(sp.Ref))] {
		return "it holds data (a variable's value), and its scheme is not one WithDataReferences allows"
	}
	// The reference without its prefix and closing "+", as vals reads it.
	start := sp.Start + strings.Index(s[sp.Start:sp.End], sp.Ref)
	query := ref.QueryStart(sp.Ref)
	for i := start; i < start+len(sp.Ref); i++ {
		if !p.isData(i) {
			continue
		}
		if i-start >= query {
			return "data stands in its query, which only the template's text may write"
		}
		switch s[i] {
		case '?', '+', ' ', '\t', '\n', '\r':
			return "data would add a query or another reference to it"
		case '#':
			if query < len(sp.Ref) {
				return "data would turn its query into a fragment"
			}
		}
	}
	return ""
}

func untrustedError(f *filterExpr, why string) *Error {
	e := &Error{Kind: ErrUntrusted, Detail: "a reference given to vals is refused: " + why}
	switch {
	case len(f.reads) > 0:
		e.Name = strings.Join(f.reads, ", ")
	case f.in == nil:
		e.Detail += " (data printed inside the {% filter %} block)"
	}
	return e
}

// withheldRef stands for a reference that holds data.
const withheldRef = "(a reference built from data; not shown)"

// refNames names the references of s for an error message, without their
// queries and userinfo (credentials), and only those the template wrote:
// one that holds data may hold a value.
func refNames(s string, p origin) string {
	var names []string
	for _, sp := range ref.FindAll(s) {
		name := withheldRef
		if !p.overlaps(sp.Start, sp.End) {
			name = ref.Safe("ref+" + sp.Ref)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}
