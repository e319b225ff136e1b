package redact

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A ranged request lets the client pick where a secret is cut: the
// middleware answers it with the whole masked body, never a slice.
func TestMiddlewareIgnoresRanges(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Password-X"
	r := newRedactor(t)
	r.Add(secret)
	log := "step 1 ok\ntoken=" + secret + "\nstep 2 ok\n"
	serveLog := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		http.ServeContent(w, req, "job.log", time.Unix(0, 0), strings.NewReader(log))
	})
	want := "step 1 ok\ntoken=" + Mask + "\nstep 2 ok\n"
	for _, tt := range []struct{ name, header, value string }{
		{"a tail range", "Range", "bytes=17-"},
		{"a head range", "Range", "bytes=0-32"},
		{"a multi-range", "Range", "bytes=0-20,21-60"},
		{"a suffix range", "Range", "bytes=-20"},
		{"If-Range with a range", "If-Range", time.Unix(0, 0).UTC().Format(http.TimeFormat)},
		{"a lower-case range header", "range", "bytes=17-"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/job.log", nil)
		req.Header[tt.header] = []string{tt.value}
		if tt.header == "If-Range" {
			req.Header.Set("Range", "bytes=17-")
		}
		rec := httptest.NewRecorder()
		middleware(t, r, serveLog).ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.String() != want {
			t.Errorf("%s: status %d, body %s; want 200 and the whole masked log", tt.name, rec.Code, testkit.Hide(rec.Body.String(), secret, secret[1:], secret[:15]))
		}
	}
}

// Compression is detected under any spelling of the header's name and in
// any of its values; anything but identity is refused.
func TestMiddlewareRefusesEveryContentEncoding(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := newRedactor(t)
	r.Add(secret)
	for _, tt := range []struct {
		name   string
		set    func(http.Header)
		refuse bool
	}{
		{"canonical", func(h http.Header) { h.Set("Content-Encoding", "gzip") }, true},
		{"lower-case name", func(h http.Header) { h["content-encoding"] = []string{"gzip"} }, true},
		{"upper-case name", func(h http.Header) { h["CONTENT-ENCODING"] = []string{"br"} }, true},
		{"identity then gzip", func(h http.Header) { h["Content-Encoding"] = []string{"identity", "gzip"} }, true},
		{"a list in one value", func(h http.Header) { h.Set("Content-Encoding", "identity, gzip") }, true},
		{"identity under two spellings", func(h http.Header) {
			h["content-encoding"] = []string{"identity"}
			h.Set("Content-Encoding", "IDENTITY")
		}, false},
		{"an empty value", func(h http.Header) { h.Set("Content-Encoding", "") }, false},
	} {
		for _, flush := range []bool{false, true} {
			rec := httptest.NewRecorder()
			middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				tt.set(w.Header())
				if flush {
					_ = http.NewResponseController(w).Flush()
				}
				_, _ = io.WriteString(w, "token="+secret)
			})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			refused := rec.Code == http.StatusInternalServerError && rec.Body.Len() == 0
			if refused != tt.refuse {
				t.Errorf("%s (flushed %v): status %d, body %s; refused %v, want %v", tt.name, flush, rec.Code, testkit.Hide(rec.Body.String(), secret), refused, tt.refuse)
			}
			testkit.AssertNoLeak(t, tt.name+" body", rec.Body.String(), secret)
		}
	}
}

// A header whose name holds a secret is renamed with the mask.
func TestMiddlewareMasksHeaderNames(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := newRedactor(t)
	r.Add(secret)
	rec := httptest.NewRecorder()
	middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["X-"+secret] = []string{"1"}
		w.Header()["x-debug-"+secret] = []string{"2"}
		w.Header().Set("Trailer", "X-Done-"+secret)
		_, _ = io.WriteString(w, "ok")
		w.Header().Set("X-Done-"+secret, "3")
	})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	var names []string
	for k, vs := range rec.Result().Header {
		names = append(names, k)
		for _, v := range vs {
			testkit.AssertNoLeak(t, "header value", v, secret)
		}
	}
	for k := range rec.Result().Trailer {
		names = append(names, k)
	}
	for k := range rec.Header() {
		names = append(names, k)
	}
	testkit.AssertNoLeak(t, "header names", strings.Join(names, " "), strings.ToLower(secret))
	testkit.AssertNoLeak(t, "header names", strings.ToLower(strings.Join(names, " ")), strings.ToLower(secret))
	if !strings.Contains(strings.Join(names, " "), "X-"+Mask) {
		t.Errorf("the header named after the secret is gone: %s", testkit.Hide(strings.Join(names, " "), secret))
	}
}

// A body that claims JSON and does not parse loses none of JSON's rule for
// short secrets: a whole string or word equal to one is masked.
func TestMiddlewareInvalidJSONKeepsTheWholeValueRule(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("pw1", "Hunter2-Password-X")
	for _, tt := range []struct{ body, want string }{
		{`{"user":"bob","password":"pw1",`, `{"user":"bob","password":"` + Mask + `",`},
		{`{"password":"pw1`, `{"password":"` + Mask},
		{`{"pin": pw1, "n": 1`, `{"pin": ` + Mask + `, "n": 1`},
		{`{"a":"p\u0077\u0031"`, `{"a":"` + Mask + `"`},
		{`{"pw1x":"apw1"`, `{"pw1x":"apw1"`},
		{`{"token":"Hunter2-Passw`, `{"token":"` + Mask},
	} {
		rec := httptest.NewRecorder()
		middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, tt.body)
		})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Body.String() != tt.want {
			t.Errorf("body %s, want %s", testkit.Hide(rec.Body.String(), "pw1", "Hunter2"), testkit.Hide(tt.want, "pw1", "Hunter2"))
		}
	}
}

// A nil option, or a nil handler, is an error, and every bad one is named.
func TestMiddlewareValidatesOptions(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	h, err := r.Middleware(nil, WithUnmaskedHijack(), nil, nil)
	if h != nil || !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("Middleware(nil, ..., nil, nil) = %v, %v; want an ErrInvalidOption", h, err)
	}
	for _, want := range []string{"option 1 is nil", "option 2 is nil", "handler is nil"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not name %q", err, want)
		}
	}
}
