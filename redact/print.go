package redact

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// The values of this package that hold secrets (a Redactor; the Writer,
// slog.Handler and http.ResponseWriter it returns, which hold unmasked
// text) print as their type and what is safe to show, in every fmt verb,
// as a Go value (%#v) and through slog: fmt would otherwise walk their
// fields and print the secrets they hold.

// Format prints r as its type and the number of secrets it knows, whatever
// the verb.
func (r *Redactor) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.GoString()) }

// GoString prints r as its type and the number of secrets it knows.
func (r *Redactor) GoString() string {
	if r == nil {
		return "(*redact.Redactor)(nil)"
	}
	return "&redact.Redactor{secrets: " + strconv.FormatInt(r.secretCount.Load(), 10) + "}"
}

// LogValue logs r as the number of secrets it knows.
func (r *Redactor) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Int64("secrets", r.secretCount.Load()))
}

// opaque is what a value that holds unmasked text prints as.
type opaque string

func (o opaque) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, string(o)) }
func (o opaque) GoString() string           { return string(o) }
func (o opaque) LogValue() slog.Value       { return slog.StringValue(string(o)) }

func (sw *streamWriter) Format(f fmt.State, verb rune) {
	opaque("&redact.Writer{}").Format(f, verb)
}
func (sw *streamWriter) GoString() string     { return opaque("&redact.Writer{}").GoString() }
func (sw *streamWriter) LogValue() slog.Value { return opaque("redact.Writer").LogValue() }

func (h *handler) Format(f fmt.State, verb rune) { opaque("&redact.Handler{}").Format(f, verb) }
func (h *handler) GoString() string              { return opaque("&redact.Handler{}").GoString() }
func (h *handler) LogValue() slog.Value          { return opaque("redact.Handler").LogValue() }

func (mw *maskingResponse) Format(f fmt.State, verb rune) {
	opaque("&redact.maskingResponse{}").Format(f, verb)
}
func (mw *maskingResponse) GoString() string { return opaque("&redact.maskingResponse{}").GoString() }
func (mw *maskingResponse) LogValue() slog.Value {
	return opaque("redact.maskingResponse").LogValue()
}
