package redact

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16le encodes s as UTF-16, little-endian, as a handler serving
// charset=utf-16le would.
func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The middleware refuses a body it cannot read byte-wise (a charset whose
// bytes are not ASCII text) and checks the headers again when it sends them
// (a Content-Encoding a JSON handler sets after writing): it answers an
// empty 500, never the body masked as if it were UTF-8 text.
func TestMiddlewareRefusesUnreadableBodies(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Xylophone-Quartz"
	r := newRedactor(t)
	r.Add(secret)
	doc := `{"token":"` + secret + `"}`
	gz := gzipped(t, doc)
	typed := func(ctype string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		}
	}
	refused := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"text in utf-16le", typed("text/plain; charset=utf-16le", utf16le(doc))},
		{"json in utf-16le", typed("application/json; charset=utf-16le", utf16le(doc))},
		{"json in UTF-16, quoted", typed(`application/json; charset="UTF-16"`, utf16le(doc))},
		{"text in utf-32", typed("text/plain; charset=utf-32", utf16le(doc))},
		{"text in ebcdic", typed("text/plain; charset=IBM037", []byte(doc))},
		{"unparsable type naming a charset", typed("text/plain; charset=utf-16le; ;", utf16le(doc))},
		{"utf-16 sniffed from its byte order mark", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(append([]byte{0xff, 0xfe}, utf16le(doc)...))
		}},
		{"charset set on json after writing", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(utf16le(doc))
			w.Header().Set("Content-Type", "application/json; charset=utf-16le")
		}},
		{"gzip set on json after writing", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(gz)
			w.Header().Set("Content-Encoding", "gzip")
		}},
		{"gzip set on json after writing, then flushed", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(gz)
			w.Header()["content-encoding"] = []string{"identity", "gzip"}
			_ = http.NewResponseController(w).Flush()
			_, _ = w.Write(gz)
		}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			middleware(t, r, tt.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != http.StatusInternalServerError || rec.Body.Len() != 0 {
				t.Errorf("status %d with %d bytes, want an empty 500", rec.Code, rec.Body.Len())
			}
			for k := range rec.Result().Header {
				if strings.EqualFold(k, "Content-Encoding") || strings.EqualFold(k, "Content-Type") {
					t.Errorf("the refusal sends %s", k)
				}
			}
		})
	}

	served := []struct{ name, ctype string }{
		{"utf-8", "text/plain; charset=utf-8"},
		{"us-ascii json", "application/json; charset=US-ASCII"},
		{"latin-1", "text/html; charset=iso-8859-1"},
		{"latin-9", "text/plain; charset=ISO-8859-15"},
		{"none given", "text/plain"},
	}
	for _, tt := range served {
		t.Run("serves "+tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			middleware(t, r, typed(tt.ctype, []byte(doc))).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), Mask) || strings.Contains(rec.Body.String(), secret) {
				t.Errorf("status %d, body not masked (%d bytes)", rec.Code, rec.Body.Len())
			}
		})
	}
}
