package render

import (
	"slices"
	"strings"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/internal/ref"
)

// | vals resolves only references the template's author wrote. The engine
// knows, for the string a vals filter gets, which bytes came from the
// template's own text and which from data (any variable of the call), by
// following the value from where it was made:
//
//   - a literal, or an expression that reads no variable (flow.go), is the
//     author's throughout;
//   - Tera's "a ~ b" and pongo2's add filter join the provenance of their
//     parts;
//   - inside a {% filter %} block that resolves references, what an output
//     prints from data is bracketed by two private-use characters
//     (markData), which the block's first filter takes out again, noting
//     where they stood;
//   - what | vals resolved is the backend's: data;
//   - anything else that reads data is data from end to end.
//
// A reference (every one ref.All finds, nested ones included) that holds a
// byte of data is refused with ErrUntrusted, unless the engine opted in
// for its scheme with WithDataReferences; even then no data byte may stand
// in its query, or be a '?', '+' or white space (so data can add neither a
// query nor a second reference), nor a '#' that would turn the query the
// template wrote into a fragment. Provenance
// is by position, never by comparing text: data equal to a reference the
// author wrote elsewhere is still data.

// trusts reports whether a value of authorship a is the template's own
// text in this execution.
func (x *execution) trusts(a auth) bool {
	return a == authLiteral || a == authLocal && !x.shadowed
}

// provenance says which bytes of s came from data.
type provenance struct {
	s    string
	all  bool   // every byte
	data []span // or these, in order
}

type span struct{ start, end int }

func authoredProv(s string) provenance { return provenance{s: s} }
func dataProv(s string) provenance     { return provenance{s: s, all: true, data: []span{{0, len(s)}}} }

func (p provenance) hasData() bool { return p.all || len(p.data) > 0 }

// overlaps reports whether a byte of [start, end) came from data.
func (p provenance) overlaps(start, end int) bool {
	if p.all {
		return end > start
	}
	for _, d := range p.data {
		if d.start < end && start < d.end {
			return true
		}
	}
	return false
}

func (p provenance) isData(i int) bool { return p.overlaps(i, i+1) }

// joinProv concatenates provenances.
func joinProv(parts []provenance) provenance {
	var out provenance
	var sb strings.Builder
	for _, p := range parts {
		off := sb.Len()
		sb.WriteString(p.s)
		if p.all {
			out.data = append(out.data, span{off, off + len(p.s)})
			continue
		}
		for _, d := range p.data {
			out.data = append(out.data, span{off + d.start, off + d.end})
		}
	}
	out.s = sb.String()
	return out
}

// inputProvenance returns where the input of filter site fs came from.
func (x *execution) inputProvenance(fs *filterSite, in *pongo2.Value) provenance {
	s := text(in)
	var p provenance
	var ok bool
	switch {
	case fs.prev >= 0:
		p, ok = x.prov[fs.prev]
	case fs.block >= 0:
		p, ok = x.blockProv[fs.block]
	case fs.inCat >= 0:
		p, ok = x.catProv[fs.inCat]
	case x.trusts(fs.inAuth):
		return authoredProv(s)
	}
	if !ok || p.s != s {
		return dataProv(s)
	}
	return p
}

// noteFilter records where the output of filter site n came from.
func (x *execution) noteFilter(n int, fs *filterSite, in provenance, inV *pongo2.Value, args []*pongo2.Value, out *pongo2.Value) {
	s := text(out)
	argsAuthored := !slices.ContainsFunc(fs.argAuth, func(a auth) bool { return !x.trusts(a) })
	switch {
	case fs.name == "vals" && s != in.s:
		// A resolved value is the backend's, not the template's.
		x.setProv(n, dataProv(s))
	case fs.name == "add" && fs.spec == nil && len(args) == 1 && inV.IsString() && s == in.s+text(args[0]):
		arg := authoredProv(text(args[0]))
		if !x.trusts(fs.argAuth[0]) {
			arg = dataProv(arg.s)
		}
		x.setProv(n, joinProv([]provenance{in, arg}))
	case !in.hasData() && argsAuthored:
		x.setProv(n, authoredProv(s))
	default:
		x.setProv(n, dataProv(s))
	}
}

func (x *execution) setProv(n int, p provenance) {
	if x.prov == nil {
		x.prov = map[int]provenance{}
	}
	x.prov[n] = p
}

// noteCat records where the text of concatenation n came from.
func (x *execution) noteCat(n int, parts []string) {
	c := &x.t.plan.cats[n]
	ps := make([]provenance, len(parts))
	for i, s := range parts {
		switch {
		case c.itemCat[i] >= 0:
			if p, ok := x.catProv[c.itemCat[i]]; ok && p.s == s {
				ps[i] = p
				continue
			}
			ps[i] = dataProv(s)
		case x.trusts(c.auth[i]):
			ps[i] = authoredProv(s)
		default:
			ps[i] = dataProv(s)
		}
	}
	if x.catProv == nil {
		x.catProv = map[int]provenance{}
	}
	x.catProv[n] = joinProv(ps)
}

// The marks around data printed inside a {% filter %} block that resolves
// references. Data holding them loses them.
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

func markData(s string) string {
	if strings.Contains(s, markOpen) || strings.Contains(s, markClose) {
		s = strings.NewReplacer(markOpen, "", markClose, "").Replace(s)
	}
	return markOpen + s + markClose
}

// unmarkBlock takes the marks out of the text a {% filter %} block's body
// printed, and records where the data stood.
func (x *execution) unmarkBlock(fs *filterSite, in *pongo2.Value) *pongo2.Value {
	s := text(in)
	if !strings.Contains(s, markOpen) && !strings.Contains(s, markClose) {
		x.setBlockProv(fs.block, authoredProv(s))
		return in
	}
	var sb strings.Builder
	var data []span
	broken := false
	for s != "" {
		i := strings.Index(s, markOpen)
		j := strings.Index(s, markClose)
		if i < 0 {
			broken = broken || j >= 0
			sb.WriteString(s)
			break
		}
		if j < i {
			broken = true
			sb.WriteString(strings.ReplaceAll(s, markClose, ""))
			break
		}
		sb.WriteString(s[:i])
		start := sb.Len()
		sb.WriteString(s[i+len(markOpen) : j])
		data = append(data, span{start, sb.Len()})
		s = s[j+len(markClose):]
	}
	clean := strings.ReplaceAll(sb.String(), markOpen, "")
	p := provenance{s: clean, data: data}
	if broken || len(clean) != sb.Len() {
		p = dataProv(clean)
	}
	x.setBlockProv(fs.block, p)
	return pongo2.AsValue(clean)
}

func (x *execution) setBlockProv(block int, p provenance) {
	if x.blockProv == nil {
		x.blockProv = map[int]provenance{}
		x.blockData = map[int]bool{}
	}
	x.blockProv[block] = p
	x.blockData[block] = p.hasData()
}

// valsFilter is | vals; the work is binding.vals, which needs provenance.
func valsFilter(*binding, *filterSite, *pongo2.Value, []*pongo2.Value) (*pongo2.Value, *Error) {
	return nil, &Error{Kind: ErrExec, Detail: "vals"}
}

// vals resolves the references in in, which came from where p says.
// Strings without a reference, and values that are not strings (42, true,
// null, a map), come back as they were.
func (b *binding) vals(fs *filterSite, in *pongo2.Value, p provenance) (*pongo2.Value, *Error) {
	if !in.IsString() {
		return in, nil
	}
	s := in.String()
	spans := ref.All(s)
	if len(spans) == 0 {
		return in, nil
	}
	if !fs.track {
		p = dataProv(s)
	}
	for _, sp := range spans {
		if why := b.untrusted(s, sp, p); why != "" {
			return nil, b.untrustedError(fs, why)
		}
	}
	x := b.x
	x.inResolver = true
	out, err := b.engine.resolver.Resolve(b.ctx, s)
	x.inResolver = false
	if err != nil {
		return nil, &Error{Kind: ErrResolve, Name: refNames(s, p), Err: err}
	}
	b.resolved = append(b.resolved, out)
	if b.engine.cfg.secrets != nil {
		b.derived = append(b.derived, out)
	}
	return pongo2.AsValue(out), nil
}

// untrusted says why the reference sp of s may not be resolved, or "".
func (b *binding) untrusted(s string, sp ref.Span, p provenance) string {
	if !p.overlaps(sp.Start, sp.End) {
		return ""
	}
	if b.engine.dataRefs == nil {
		return "it holds data (a variable's value), and references are resolved only as the template's text writes them"
	}
	if !b.engine.dataRefs[strings.ToLower(ref.Scheme(sp.Ref))] {
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

func (b *binding) untrustedError(fs *filterSite, why string) *Error {
	e := &Error{Kind: ErrUntrusted, Detail: "a reference given to vals is refused: " + why}
	switch {
	case len(fs.readsInput) > 0:
		e.Name = strings.Join(fs.readsInput[:min(len(fs.readsInput), 3)], ", ")
	case fs.block >= 0:
		e.Detail += " (data printed inside the {% filter %} block)"
	}
	return e
}

// withheldRef stands for a reference that holds data.
const withheldRef = "(a reference built from data; not shown)"

// refNames names the references of s for an error message, without their
// queries and userinfo (credentials), and only those the template wrote:
// one that holds data may hold a value.
func refNames(s string, p provenance) string {
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
