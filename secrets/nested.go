package secrets

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hushflow/hushflow/internal/ref"
)

// expansion is a string whose nested references were resolved: where the
// values of inner references now stand in it, and how to show them.
type expansion struct {
	s       string
	splices []splice // sorted by start, not overlapping
	m       masker   // the same values, for masking the text of errors
}

// splice is a range of expansion.s that holds the value of an inner
// reference.
type splice struct {
	start, end int
	shown      string // the inner reference, as errors show it
}

func (x *expansion) masker() masker {
	if x == nil {
		return nil
	}
	return x.m
}

// expandNested resolves nested references inside out, as vals'
// resolveInnerRefs does: a prefix that follows the previous one with no
// separator (space, newline, tab, quote, comma) in between is part of the
// previous reference; the rightmost such is resolved, its value spliced in,
// and the scan starts again. The expansion records each splice so that
// errors about the outer reference show the inner reference instead of its
// value, and so that a reference whose prefix or scheme comes from a value
// is refused.
func (r *Resolver) expandNested(ctx context.Context, s string, snap *Snapshot) (*expansion, error) {
	x := &expansion{s: s}
	for depth := 0; ; depth++ {
		pos := ref.Prefixes(x.s)
		spliced := false
		for i := len(pos) - 1; i >= 1 && !spliced; i-- {
			if !ref.Nested(x.s, pos, i) {
				continue
			}
			start := pos[i].Start
			sp, ok := ref.First(x.s[start:])
			if !ok {
				continue
			}
			if err := x.builtFromValue(start, sp.Ref); err != nil {
				return nil, err
			}
			name := x.show(start, sp.Ref)
			if depth >= maxNesting {
				return nil, &Error{Ref: name, Err: newError(ErrInvalidRef,
					fmt.Sprintf("references nested more than %d deep", maxNesting))}
			}
			v, err := r.lookup(ctx, "ref+"+sp.Ref, name, x.m, snap)
			if err != nil {
				return nil, err
			}
			x.splice(start, start+sp.End, v, name)
			spliced = true
		}
		if !spliced {
			return x, nil
		}
	}
}

// splice replaces x.s[a:b] by v, the value of the reference shown as name.
func (x *expansion) splice(a, b int, v, name string) {
	x.m = append(x.m, substitution{value: v, shown: name})
	x.s = x.s[:a] + v + x.s[b:]
	delta := len(v) - (b - a)
	ns := splice{start: a, end: a + len(v), shown: name}
	out := x.splices[:0:0]
	for _, o := range x.splices {
		switch {
		case o.end <= a:
			out = append(out, o)
		case o.start >= b:
			o.start += delta
			o.end += delta
			out = append(out, o)
		default: // inside the replaced reference: its value is part of v now
			ns.start = min(ns.start, o.start)
			ns.end = max(ns.end, o.end+delta)
		}
	}
	out = append(out, ns)
	slices.SortFunc(out, func(p, q splice) int { return p.start - q.start })
	x.splices = out
}

// refBounds returns where the text of reference rf (a Span's Ref) stands in
// x.s for a reference whose prefix starts at start, and where its scheme
// ends.
func (x *expansion) refBounds(start int, rf string) (from, schemeEnd, to int) {
	from = start + strings.Index(x.s[start:], rf)
	to = from + len(rf)
	schemeEnd = from + strings.Index(rf, "://")
	return from, schemeEnd, to
}

// builtFromValue refuses a reference (prefix at start, text rf) that a
// value spliced in would shape rather than fill: a value that makes its
// prefix or scheme (data does not choose a backend, and a value is not
// resolved again), or that adds a query, a fragment or userinfo to it
// ("?", "&", "#", "@": where a provider connects, which credential it
// sends, which key it reads are the author's to write). The error names
// the inner reference whose value it is, never the value.
func (x *expansion) builtFromValue(start int, rf string) error {
	if x == nil {
		return nil
	}
	from, schemeEnd, to := x.refBounds(start, rf)
	for _, sp := range x.splices {
		if sp.start < schemeEnd && start < sp.end {
			return &Error{Ref: sp.shown, Err: newError(ErrSchemeNotAllowed,
				"its value would make a reference, or the scheme of one, of its own; references and their schemes must be written out")}
		}
		if a, b := max(sp.start, from), min(sp.end, to); a < b && strings.ContainsAny(x.s[a:b], "?&#@") {
			return &Error{Ref: sp.shown, Err: newError(ErrInvalidRef,
				`its value would add a query, a fragment or userinfo ("?", "&", "#", "@") to the reference it is nested in; those must be written out`)}
		}
	}
	return nil
}

// show names the reference (prefix at start, text rf) for errors and logs:
// "ref+" and its text with every spliced value replaced by the inner
// reference it came from, without query or userinfo.
func (x *expansion) show(start int, rf string) string {
	from, _, to := x.refBounds(start, rf)
	var b strings.Builder
	b.WriteString("ref+")
	cur := from
	for _, sp := range x.splices {
		if sp.end <= cur || sp.start >= to {
			continue
		}
		b.WriteString(x.s[cur:max(cur, sp.start)])
		b.WriteString(sp.shown)
		cur = sp.end
	}
	if cur < to {
		b.WriteString(x.s[cur:to])
	}
	return ref.Safe(b.String())
}
