package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler returns an slog.Handler that masks each record's message and the
// keys and values of its attributes (groups included) before passing it to
// next. Numbers are masked as Value masks them, errors and fmt.Stringers by
// their text, other values through Value.
//
// Attributes bound with WithAttrs are masked once, when they are bound, with
// the secrets known then.
func (r *Redactor) Handler(next slog.Handler) slog.Handler {
	return &handler{r: r, next: next}
}

type handler struct {
	r    *Redactor
	next slog.Handler
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	m := h.r.load()
	out := slog.NewRecord(rec.Time, rec.Level, m.str(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(m.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	m := h.r.load()
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = m.attr(a)
	}
	return &handler{r: h.r, next: h.next.WithAttrs(masked)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{r: h.r, next: h.next.WithGroup(h.r.load().str(name))}
}

func (m *matcher) attr(a slog.Attr) slog.Attr {
	a.Key = m.str(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(m.str(v.String()))
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64:
		if m.numeric && m.leaks(v.String()) {
			a.Value = slog.StringValue(Mask)
		} else {
			a.Value = v
		}
	case slog.KindGroup:
		group := v.Group()
		masked := make([]slog.Attr, len(group))
		for i, g := range group {
			masked[i] = m.attr(g)
		}
		a.Value = slog.GroupValue(masked...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			a.Value = slog.StringValue(m.str(x.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(m.str(x.String()))
		default:
			a.Value = slog.AnyValue(m.value(x, 0))
		}
	default: // bool, duration, time: no text of their own to leak
		a.Value = v
	}
	return a
}
