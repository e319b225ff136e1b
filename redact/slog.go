package redact

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Handler returns an slog.Handler that masks each record's message and the
// keys and values of its attributes (groups included) before passing it to
// next. Numbers are masked as Value masks them, in every text slog's JSON
// and text handlers write for them (12345678 and 1.2345678e+07 alike, a
// duration as nanoseconds and as text); errors, encoding.TextMarshalers and
// fmt.Stringers by their text, []byte as text, other values through Value.
//
// Attributes and groups bound with WithAttrs and WithGroup are masked when a
// record is handled: a secret added after they were bound is masked in
// them too. next sees them bound as usual (it can format them once); they
// are bound again, newly masked, after an Add brought news.
func (r *Redactor) Handler(next slog.Handler) slog.Handler {
	return &handler{r: r, base: next}
}

type handler struct {
	r    *Redactor
	base slog.Handler
	// steps are the WithGroup and WithAttrs calls made on this handler and
	// the ones it was derived from, in order, unmasked.
	steps []step
	// bound is base with steps applied, masked with the secrets known at
	// generation gen of the Redactor.
	bound atomic.Pointer[boundHandler]
}

type step struct {
	group string
	attrs []slog.Attr // nil for a group
}

type boundHandler struct {
	gen uint64
	h   slog.Handler
}

// next returns the handler a record goes to: base with the steps bound,
// masked with every secret known.
func (h *handler) next() slog.Handler {
	if len(h.steps) == 0 {
		return h.base
	}
	gen := h.r.gen.Load()
	if b := h.bound.Load(); b != nil && b.gen == gen {
		return b.h
	}
	m := h.r.load()
	lits := literalLeaks(&m)
	n := h.base
	for _, s := range h.steps {
		if s.attrs == nil {
			n = n.WithGroup(m.str(s.group))
			continue
		}
		masked := make([]slog.Attr, len(s.attrs))
		for i, a := range s.attrs {
			masked[i] = m.attr(a, lits)
		}
		n = n.WithAttrs(masked)
	}
	h.bound.Store(&boundHandler{gen: gen, h: n})
	return n
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next().Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	next := h.next()
	m := h.r.load()
	lits := literalLeaks(&m)
	out := slog.NewRecord(rec.Time, rec.Level, m.str(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(m.attr(a, lits))
		return true
	})
	return next.Handle(ctx, out)
}

func (h *handler) with(s step) *handler {
	return &handler{r: h.r, base: h.base, steps: append(slices.Clip(h.steps), s)}
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return h.with(step{attrs: slices.Clone(attrs)})
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return h.with(step{group: name})
}

func (m *matcher) attr(a slog.Attr, lits literals) slog.Attr {
	a.Key = m.str(a.Key)
	v := a.Value.Resolve()
	a.Value = v
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(m.str(v.String()))
	case slog.KindInt64:
		if m.numeric && m.leaks(strconv.FormatInt(v.Int64(), 10)) {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindUint64:
		if m.numeric && m.leaks(strconv.FormatUint(v.Uint64(), 10)) {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindFloat64:
		if m.numeric && m.floatLeaks(v.Float64(), 64) {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindDuration:
		// JSONHandler writes nanoseconds, TextHandler the duration's text.
		d := v.Duration()
		if m.leaksAny([]string{strconv.FormatInt(int64(d), 10), d.String()}) {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindTime:
		t := v.Time()
		if m.leaksAny([]string{t.Format(time.RFC3339Nano), t.Format("2006-01-02T15:04:05.000Z07:00")}) {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindBool:
		if v.Bool() && lits.true || !v.Bool() && lits.false {
			a.Value = slog.StringValue(Mask)
		}
	case slog.KindGroup:
		group := v.Group()
		masked := make([]slog.Attr, len(group))
		for i, g := range group {
			masked[i] = m.attr(g, lits)
		}
		a.Value = slog.GroupValue(masked...)
	case slog.KindAny:
		a.Value = m.anyValue(v.Any())
	}
	return a
}

func (m *matcher) anyValue(x any) slog.Value {
	switch x := x.(type) {
	case json.Number: // a fmt.Stringer, but a number to mask by its value
		if m.numeric && m.numberLeaks(string(x)) {
			return slog.StringValue(Mask)
		}
		return slog.AnyValue(x)
	case error:
		return slog.StringValue(m.str(x.Error()))
	case encoding.TextMarshaler:
		text, err := x.MarshalText()
		if err != nil {
			return slog.StringValue(Mask)
		}
		return slog.StringValue(m.str(string(text)))
	case fmt.Stringer:
		return slog.StringValue(m.str(x.String()))
	case []byte:
		return slog.AnyValue([]byte(m.str(string(x))))
	}
	w := valueWalker{m: *m}
	w.lits = literalLeaks(m)
	out, _ := w.mask(x, 0)
	return slog.AnyValue(out)
}
