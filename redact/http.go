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
// closed: whatever it cannot mask is refused, not passed through.
//
//   - Every header value is masked (Location, Set-Cookie, custom headers), as
//     String masks text, when the header is written; so are trailers, after
//     next returns.
//   - A JSON body (application/json or any +json type) is buffered and
//     masked with JSON, or as text if it is not valid JSON. Every other body,
//     whatever its type (text, ndjson, YAML, JavaScript, binary, or none
//     given), is masked as a stream with Writer.
//   - A body that the handler compressed (a Content-Encoding other than
//     identity) cannot be masked: the response is replaced by an empty 500
//     Internal Server Error. Put compression outside this middleware.
//   - Flush (through http.ResponseController or http.Flusher) writes the
//     header and what the masking stream has let through; a JSON body, from
//     then on, is masked as a stream. Read and write deadlines and full
//     duplex pass through.
//   - Hijacking the connection fails with ErrHijackRefused, unless the
//     middleware was made with WithUnmaskedHijack.
func (r *Redactor) Middleware(next http.Handler, opts ...MiddlewareOption) http.Handler {
	var c middlewareConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mw := &maskingResponse{w: w, r: r, cfg: c, status: http.StatusOK}
		next.ServeHTTP(mw, req)
		mw.finish()
	})
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
	if enc := h.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		mw.mode = refuse
		return
	}
	ctype := h.Get("Content-Type")
	if ctype == "" && len(first) > 0 {
		ctype = http.DetectContentType(first)
		h.Set("Content-Type", ctype)
	}
	h.Del("Content-Length") // masking changes the length
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

// maskHeader masks every value of the header map (trailers included, which
// live there too).
func (mw *maskingResponse) maskHeader() {
	m := mw.r.load()
	for _, values := range mw.Header() {
		for i, v := range values {
			if masked, changed := m.maskString(v); changed {
				values[i] = masked
			}
		}
	}
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
		out, err := mw.r.JSON(mw.body.Bytes())
		if err != nil {
			out = []byte(mw.r.String(mw.body.String()))
		}
		mw.sendHeader(mw.status)
		_, _ = mw.w.Write(out)
	case refuse:
		h := mw.Header()
		for _, k := range []string{"Content-Encoding", "Content-Length", "Content-Type"} {
			h.Del(k)
		}
		mw.sendHeader(http.StatusInternalServerError)
	}
	mw.maskHeader() // trailers, set while or after the body was written
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
		if mw.Header().Get("Content-Encoding") != "" && !strings.EqualFold(mw.Header().Get("Content-Encoding"), "identity") {
			mw.mode = refuse
			return nil
		}
		mw.Header().Del("Content-Length")
		mw.startStream()
	case maskJSON:
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
