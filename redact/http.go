package redact

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Middleware returns a handler that masks the responses of next: a JSON
// response (application/json or any +json type) is buffered and masked with
// JSON, or as text if it is not valid JSON; a text/* response, or one without
// a Content-Type whose first bytes look like text, is masked as a stream with
// Writer. Other types pass through untouched.
//
// A JSON or text response that the handler compressed (a Content-Encoding
// other than identity) cannot be masked: it is replaced by an empty 500
// Internal Server Error. Put compression outside this middleware.
func (r *Redactor) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mw := &maskingResponse{ResponseWriter: w, r: r, status: http.StatusOK}
		next.ServeHTTP(mw, req)
		mw.finish()
	})
}

type responseMode int

const (
	undecided responseMode = iota
	passThrough
	maskJSON // buffered, masked at the end
	maskText // streamed through a Writer
	refuse   // compressed: cannot be masked
)

type maskingResponse struct {
	http.ResponseWriter
	r           *Redactor
	mode        responseMode
	status      int
	wroteHeader bool
	body        bytes.Buffer   // maskJSON
	stream      io.WriteCloser // maskText
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (mw *maskingResponse) Unwrap() http.ResponseWriter { return mw.ResponseWriter }

func (mw *maskingResponse) WriteHeader(code int) {
	if code < 200 { // informational: nothing to mask
		mw.ResponseWriter.WriteHeader(code)
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
	case maskText:
		return mw.stream.Write(p)
	case refuse:
		return len(p), nil
	}
	return mw.ResponseWriter.Write(p)
}

// decide picks how to treat the body from its headers (and first bytes).
func (mw *maskingResponse) decide(first []byte) {
	h := mw.Header()
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = http.DetectContentType(first)
		h.Set("Content-Type", ctype)
	}
	media, _, _ := mime.ParseMediaType(ctype)
	switch {
	case media == "application/json" || strings.HasSuffix(media, "+json"):
		mw.mode = maskJSON
	case strings.HasPrefix(media, "text/"):
		mw.mode = maskText
	default:
		mw.mode = passThrough
		mw.ResponseWriter.WriteHeader(mw.status)
		return
	}
	if enc := h.Get("Content-Encoding"); enc != "" && enc != "identity" {
		mw.mode = refuse
		return
	}
	h.Del("Content-Length") // masking changes the length
	if mw.mode == maskText {
		mw.ResponseWriter.WriteHeader(mw.status)
		mw.stream = mw.r.Writer(mw.ResponseWriter)
	}
}

func (mw *maskingResponse) finish() {
	switch mw.mode {
	case undecided: // no body
		if mw.wroteHeader {
			mw.ResponseWriter.WriteHeader(mw.status)
		}
	case maskText:
		_ = mw.stream.Close() // the client is gone if this fails
	case maskJSON:
		out, err := mw.r.JSON(mw.body.Bytes())
		if err != nil {
			out = []byte(mw.r.String(mw.body.String()))
		}
		mw.ResponseWriter.WriteHeader(mw.status)
		_, _ = mw.ResponseWriter.Write(out)
	case refuse:
		h := mw.Header()
		for _, k := range []string{"Content-Encoding", "Content-Length", "Content-Type"} {
			h.Del(k)
		}
		mw.ResponseWriter.WriteHeader(http.StatusInternalServerError)
	}
}
