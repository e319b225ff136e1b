package redact

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
)

// ErrHijackRefused is returned (wrapped, with http.ErrNotSupported) by the
// Hijack of a response that Middleware masks, unless the middleware was made
// with WithUnmaskedHijack: what a handler writes on a hijacked connection
// does not go through the masker.
var ErrHijackRefused = errors.New("redact: hijacking would bypass masking")

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	hijack bool
}

// WithUnmaskedHijack lets handlers hijack the connection (a WebSocket
// upgrade, say) through http.ResponseController or http.Hijacker. What they
// write on the hijacked connection is not masked: use it for routes that
// serve no secrets.
func WithUnmaskedHijack() MiddlewareOption {
	return func(c *middlewareConfig) { c.hijack = true }
}

// Middleware returns a handler that masks the responses of next. It fails
// closed: whatever it cannot mask is refused, not passed through. It fails,
// naming each one, when an option is nil.
//
//   - Every header value is masked (Location, Set-Cookie, custom headers), as
//     String masks text, when the header is written; so are trailers, after
//     next returns, and header names that hold a secret.
//   - A JSON body (application/json or any +json type) is buffered and
//     masked with JSON. A body that claims JSON and does not parse is masked
//     as text, and each string and bare word in it is also masked where it
//     equals a short secret, as JSON would mask it. Every other body,
//     whatever its type (text, ndjson, YAML, JavaScript, binary, or none
//     given), is masked as a stream with Writer.
//   - A body that the handler compressed (a Content-Encoding other than
//     identity, under any spelling of the header's name, in any of its
//     values) cannot be masked: the response is replaced by an empty 500
//     Internal Server Error. Put compression outside this middleware. So
//     is a body in a charset whose bytes are not ASCII text (UTF-16,
//     UTF-32, EBCDIC, ISO-2022, any but UTF-8, US-ASCII and ISO-8859-*),
//     declared or sniffed from a byte order mark. The headers are checked
//     when they are sent: a buffered JSON body whose handler set
//     Content-Encoding after writing it is refused too.
//   - Range and If-Range are removed from the request before next sees it,
//     so a ranged request gets the whole masked body: a range the client
//     picks could cut a secret where the masker no longer recognises it.
//   - Flush (through http.ResponseController or http.Flusher) writes the
//     header and what the masking stream has let through; a JSON body, from
//     then on, is masked as a stream. Read and write deadlines and full
//     duplex pass through.
//   - Hijacking the connection fails with ErrHijackRefused, unless the
//     middleware was made with WithUnmaskedHijack.
func (r *Redactor) Middleware(next http.Handler, opts ...MiddlewareOption) (http.Handler, error) {
	var c middlewareConfig
	var errs []error
	for i, opt := range opts {
		if opt == nil {
			errs = append(errs, fmt.Errorf("%w: Middleware: option %d is nil", ErrInvalidOption, i))
			continue
		}
		opt(&c)
	}
	if next == nil {
		errs = append(errs, fmt.Errorf("%w: Middleware: the handler is nil", ErrInvalidOption))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req = withoutRange(req)
		mw := &maskingResponse{w: w, r: r, cfg: c, status: http.StatusOK}
		next.ServeHTTP(mw, req)
		mw.finish()
	}), nil
}

// withoutRange returns req without the headers that ask for a part of the
// body (a shallow copy when it had any).
func withoutRange(req *http.Request) *http.Request {
	found := false
	for k := range req.Header {
		found = found || isRangeHeader(k)
	}
	if !found {
		return req
	}
	req = req.Clone(req.Context())
	for k := range req.Header {
		if isRangeHeader(k) {
			delete(req.Header, k)
		}
	}
	return req
}

func isRangeHeader(name string) bool {
	return strings.EqualFold(name, "Range") || strings.EqualFold(name, "If-Range")
}

type responseMode int

const (
	undecided  responseMode = iota
	maskJSON                // buffered, masked at the end
	maskStream              // streamed through a Writer
	refuse                  // compressed: cannot be masked
	hijacked                // the handler took the connection (WithUnmaskedHijack)
)

// maskingResponse stands between a handler and the real ResponseWriter. It
// has no Unwrap method: http.ResponseController would reach the real
// writer's Hijack, Flush and Write through it.
type maskingResponse struct {
	w           http.ResponseWriter
	r           *Redactor
	cfg         middlewareConfig
	mode        responseMode
	status      int
	wroteHeader bool           // by the handler
	sentHeader  bool           // to w
	body        bytes.Buffer   // maskJSON
	stream      io.WriteCloser // maskStream
}

func (mw *maskingResponse) Header() http.Header { return mw.w.Header() }

func (mw *maskingResponse) WriteHeader(code int) {
	if mw.mode == hijacked {
		return
	}
	if code >= 100 && code < 200 {
		// Informational (103 Early Hints sends the header as it is now).
		mw.maskHeader()
		mw.w.WriteHeader(code)
		return
	}
	if !mw.wroteHeader {
		mw.wroteHeader = true
		mw.status = code
	}
}

func (mw *maskingResponse) Write(p []byte) (int, error) {
	if mw.mode == undecided {
		mw.decide(p)
	}
	switch mw.mode {
	case maskJSON:
		return mw.body.Write(p)
	case maskStream:
		return mw.stream.Write(p)
	case hijacked:
		return 0, http.ErrHijacked
	}
	return len(p), nil // refuse: dropped
}

// decide picks how to treat the body from its headers (and first bytes).
func (mw *maskingResponse) decide(first []byte) {
	h := mw.Header()
	if unreadable(h) {
		mw.mode = refuse
		return
	}
	ctype := h.Get("Content-Type")
	if ctype == "" && len(first) > 0 {
		ctype = http.DetectContentType(first)
		h.Set("Content-Type", ctype)
	}
	delHeader(h, "Content-Length") // masking changes the length
	if unreadable(h) {             // a sniffed UTF-16 byte order mark
		mw.mode = refuse
		return
	}
	media, _, _ := mime.ParseMediaType(ctype)
	if media == "application/json" || strings.HasSuffix(media, "+json") {
		mw.mode = maskJSON
		return
	}
	mw.startStream()
}

func (mw *maskingResponse) startStream() {
	mw.mode = maskStream
	mw.sendHeader(mw.status)
	mw.stream = mw.r.Writer(mw.w)
}

// sendHeader masks the header and writes it with code.
func (mw *maskingResponse) sendHeader(code int) {
	if mw.sentHeader {
		return
	}
	mw.sentHeader = true
	mw.maskHeader()
	mw.w.WriteHeader(code)
}

// maskHeader masks every name and value of the header map (trailers
// included, which live there too).
func (mw *maskingResponse) maskHeader() {
	m := mw.r.load()
	h := mw.Header()
	var renamed map[string][]string
	for name, values := range h {
		for i, v := range values {
			if masked, changed := m.maskString(v); changed {
				values[i] = masked
			}
		}
		if masked, changed := m.maskString(name); changed {
			if renamed == nil {
				renamed = map[string][]string{}
			}
			renamed[masked] = append(renamed[masked], values...)
			delete(h, name)
		}
	}
	for name, values := range renamed {
		h[name] = append(h[name], values...)
	}
}

// delHeader deletes name from h under every spelling.
func delHeader(h http.Header, name string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
}

// unreadable reports whether the body h describes is one the masker cannot
// read byte-wise: compressed (encoded), or in a character set where text is
// not ASCII bytes (readableCharset).
func unreadable(h http.Header) bool {
	if encoded(h) {
		return true
	}
	for name, values := range h {
		if !strings.EqualFold(name, "Content-Type") {
			continue
		}
		for _, v := range values {
			if !readableCharset(v) {
				return true
			}
		}
	}
	return false
}

// readableCharset reports whether the charset a Content-Type value declares
// writes ASCII characters as ASCII bytes, one a character, as the masker
// reads them: none given, UTF-8, US-ASCII or the ISO-8859 family. UTF-16
// and UTF-32 (two or four bytes a character), EBCDIC, ISO-2022 and the rest
// are not; neither is a value that does not parse but names a charset.
func readableCharset(ctype string) bool {
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return !strings.Contains(strings.ToLower(ctype), "charset")
	}
	cs := strings.ToLower(strings.Trim(strings.TrimSpace(params["charset"]), `"`))
	switch {
	case cs == "", cs == "utf-8", cs == "utf8", cs == "us-ascii", cs == "ascii",
		cs == "latin1", cs == "iso_8859-1", strings.HasPrefix(cs, "iso-8859-"):
		return true
	}
	return false
}

// encoded reports whether h declares a Content-Encoding other than
// identity, under any spelling of the name and in any of its values: a
// handler that sets h["content-encoding"] or adds a second value is as
// compressed as one that calls Set.
func encoded(h http.Header) bool {
	for name, values := range h {
		if !strings.EqualFold(name, "Content-Encoding") {
			continue
		}
		for _, v := range values {
			for token := range strings.SplitSeq(v, ",") {
				if t := strings.TrimSpace(token); t != "" && !strings.EqualFold(t, "identity") {
					return true
				}
			}
		}
	}
	return false
}

func (mw *maskingResponse) finish() {
	switch mw.mode {
	case hijacked:
		return
	case undecided: // no body
		mw.sendHeader(mw.status)
	case maskStream:
		_ = mw.stream.Close() // the client is gone if this fails
	case maskJSON:
		if unreadable(mw.Header()) {
			// The header goes out now, not when the body was first
			// written: a Content-Encoding or charset set since then counts.
			mw.refuse()
			break
		}
		out, err := mw.r.JSON(mw.body.Bytes())
		if err != nil {
			out = mw.r.invalidJSON(mw.body.Bytes())
		}
		mw.sendHeader(mw.status)
		_, _ = mw.w.Write(out)
	case refuse:
		mw.refuse()
	}
	mw.maskHeader() // trailers, set while or after the body was written
}

// refuse drops the body and sends an empty 500 in place of the response.
func (mw *maskingResponse) refuse() {
	mw.mode = refuse
	mw.body = bytes.Buffer{}
	for _, name := range []string{"Content-Encoding", "Content-Length", "Content-Type"} {
		delHeader(mw.Header(), name)
	}
	mw.sendHeader(http.StatusInternalServerError)
}

// FlushError writes the header (masked) and what the body's masking stream
// let through, and flushes the real writer. A buffered JSON body is masked
// as a stream from then on.
func (mw *maskingResponse) FlushError() error {
	switch mw.mode {
	case hijacked:
		return http.ErrHijacked
	case refuse:
		return nil
	case undecided:
		if unreadable(mw.Header()) {
			mw.mode = refuse
			return nil
		}
		delHeader(mw.Header(), "Content-Length")
		mw.startStream()
	case maskJSON:
		if unreadable(mw.Header()) { // set since the first Write
			mw.mode = refuse
			mw.body = bytes.Buffer{}
			return nil
		}
		mw.startStream()
		if _, err := mw.stream.Write(mw.body.Bytes()); err != nil {
			return err
		}
		mw.body = bytes.Buffer{}
	}
	return http.NewResponseController(mw.w).Flush()
}

// Flush implements http.Flusher.
func (mw *maskingResponse) Flush() { _ = mw.FlushError() }

// Hijack refuses, unless the middleware was made with WithUnmaskedHijack.
func (mw *maskingResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !mw.cfg.hijack {
		return nil, nil, fmt.Errorf("%w (%w); see WithUnmaskedHijack", ErrHijackRefused, http.ErrNotSupported)
	}
	conn, rw, err := http.NewResponseController(mw.w).Hijack()
	if err == nil {
		mw.mode = hijacked
	}
	return conn, rw, err
}

// SetReadDeadline, SetWriteDeadline and EnableFullDuplex pass through: they
// write nothing.
func (mw *maskingResponse) SetReadDeadline(t time.Time) error {
	return http.NewResponseController(mw.w).SetReadDeadline(t)
}

func (mw *maskingResponse) SetWriteDeadline(t time.Time) error {
	return http.NewResponseController(mw.w).SetWriteDeadline(t)
}

func (mw *maskingResponse) EnableFullDuplex() error {
	return http.NewResponseController(mw.w).EnableFullDuplex()
}
