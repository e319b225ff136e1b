package redact

import (
	"compress/gzip"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := newRedactor(t)
	r.Add(secret)
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantBody   string
		wantType   string
	}{
		{
			name: "JSON masked",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Header().Set("Content-Length", "36")
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"token":"tok_abc123",`)
				_, _ = io.WriteString(w, `"n":1}`)
			},
			wantStatus: http.StatusCreated,
			wantBody:   `{"token":"` + Mask + `","n":1}`,
			wantType:   "application/json; charset=utf-8",
		},
		{
			name: "problem+json masked",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"detail":"bad token tok_abc123"}`)
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail":"bad token ` + Mask + `"}`,
			wantType:   "application/problem+json",
		},
		{
			name: "invalid JSON masked as text",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"token":"tok_abc123"`)
			},
			wantStatus: http.StatusOK,
			wantBody:   `{"token":"` + Mask + `"`,
			wantType:   "application/json",
		},
		{
			name: "text streamed",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, "token tok_abc")
				_, _ = io.WriteString(w, "123 end")
			},
			wantStatus: http.StatusOK,
			wantBody:   "token " + Mask + " end",
			wantType:   "text/plain",
		},
		{
			name: "no content type, sniffed as text",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, "token tok_abc123")
			},
			wantStatus: http.StatusOK,
			wantBody:   "token " + Mask,
			wantType:   "text/plain; charset=utf-8",
		},
		{
			name: "binary masked too",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.WriteHeader(http.StatusAccepted)
				_, _ = io.WriteString(w, "tok_abc123")
			},
			wantStatus: http.StatusAccepted,
			wantBody:   Mask,
			wantType:   "application/octet-stream",
		},
		{
			name: "compressed JSON refused",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				gz := gzip.NewWriter(w)
				_, _ = io.WriteString(gz, `{"token":"tok_abc123"}`)
				_ = gz.Close()
			},
			wantStatus: http.StatusInternalServerError,
			wantBody:   "",
			wantType:   "",
		},
		{
			name: "no body",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			},
			wantStatus: http.StatusNoContent,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			middleware(t, r, tt.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			body := rec.Body.String()
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if body != tt.wantBody {
				t.Errorf("body %s, want %s", testkit.Hide(body, secret), testkit.Hide(tt.wantBody, secret))
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if cl := rec.Header().Get("Content-Length"); cl != "" {
				t.Errorf("Content-Length %s kept although the body changed", cl)
			}
		})
	}
}

func TestMiddlewareOverARealServer(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")
	srv := httptest.NewServer(middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"jobs":[{"env":{"TOKEN":"tok_abc123"}}]}`)
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if want := `{"jobs":[{"env":{"TOKEN":"` + Mask + `"}}]}`; string(body) != want {
		t.Errorf("body %s, want %s", strings.ReplaceAll(string(body), "tok_abc123", "<secret>"), want)
	}
}

// The middleware fails closed: what it cannot mask is refused.
func TestMiddlewareFailsClosed(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := newRedactor(t)
	r.Add(secret)
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
	}{
		{
			name: "compressed binary refused",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Header().Set("Content-Encoding", "br")
				_, _ = io.WriteString(w, secret)
			},
			wantStatus: http.StatusInternalServerError,
		},
		{
			name: "compressed and flushed before writing refused",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_ = http.NewResponseController(w).Flush()
				gz := gzip.NewWriter(w)
				_, _ = io.WriteString(gz, secret)
				_ = gz.Close()
			},
			wantStatus: http.StatusInternalServerError,
		},
		{
			name: "Docker log frame header, sniffed as binary",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte{1, 0, 0, 0, 0, 0, 0, 17})
				_, _ = io.WriteString(w, "token="+secret+"\n")
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "a secret in a custom header and a cookie",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Token", secret)
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: secret})
				w.WriteHeader(http.StatusTeapot)
			},
			wantStatus: http.StatusTeapot,
		},
		{
			name: "a redirect to a URL with a secret",
			handler: func(w http.ResponseWriter, req *http.Request) {
				http.Redirect(w, req, "/login?next=%2Fjobs&token="+secret, http.StatusSeeOther)
			},
			wantStatus: http.StatusSeeOther,
		},
		{
			name: "an early hint",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Link", "</style.css?v="+secret+">; rel=preload")
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusOK)
			},
			wantStatus: http.StatusEarlyHints, // a ResponseRecorder keeps the first code
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			middleware(t, r, tt.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			testkit.AssertNoLeak(t, "body", rec.Body.String(), secret)
			for k, vs := range rec.Result().Header {
				for _, v := range vs {
					testkit.AssertNoLeak(t, "header "+k, v, secret)
				}
			}
		})
	}
}

func TestMiddlewareTrailersAreMasked(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")
	srv := httptest.NewServer(middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		_, _ = io.WriteString(w, "body\n")
		w.Header().Set("X-Checksum", "sum tok_abc123")
		w.Header().Set(http.TrailerPrefix+"X-Late", "late tok_abc123")
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(resp.Trailer) != 2 {
		t.Errorf("%d trailers, want 2", len(resp.Trailer))
	}
	for k, vs := range resp.Trailer {
		for _, v := range vs {
			testkit.AssertNoLeak(t, "trailer "+k, v, "tok_abc123")
		}
	}
}

// Hijacking the connection would bypass masking: refused, through
// http.ResponseController and through http.Hijacker, unless allowed.
func TestMiddlewareRefusesHijack(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")
	hijack := func(how string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			var conn net.Conn
			var err error
			switch how {
			case "ResponseController":
				conn, _, err = http.NewResponseController(w).Hijack()
			default:
				hj, ok := w.(http.Hijacker)
				if !ok {
					_, _ = io.WriteString(w, "not a Hijacker")
					return
				}
				conn, _, err = hj.Hijack()
			}
			if err != nil {
				w.Header().Set("X-Hijack-Error", err.Error())
				if errors.Is(err, ErrHijackRefused) && errors.Is(err, http.ErrNotSupported) {
					w.Header().Set("X-Refused", "yes")
				}
				w.WriteHeader(http.StatusForbidden)
				return
			}
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\ntok_abc123")
			conn.Close()
		}
	}
	for _, how := range []string{"ResponseController", "Hijacker"} {
		for _, allow := range []bool{false, true} {
			var opts []MiddlewareOption
			if allow {
				opts = append(opts, WithUnmaskedHijack())
			}
			srv := httptest.NewServer(middleware(t, r, hijack(how), opts...))
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			srv.Close()
			switch {
			case !allow && (resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Refused") != "yes"):
				t.Errorf("%s: hijack not refused (status %d, body %s)", how, resp.StatusCode, testkit.Hide(string(body), "tok_abc123"))
			case allow && string(body) != "tok_abc123":
				t.Errorf("%s with WithUnmaskedHijack: status %d, error %q", how, resp.StatusCode, resp.Header.Get("X-Hijack-Error"))
			}
		}
	}
}

// Flush keeps working: the header goes out as the handler set it (status
// included, masked), and what the masking stream let through reaches the
// client before the handler returns.
func TestMiddlewareFlush(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")
	for _, ctype := range []string{"text/event-stream", "application/json"} {
		rec := httptest.NewRecorder()
		var beforeReturn string
		middleware(t, r, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("X-Token", "tok_abc123")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"event":"tok_abc123","pad":"`+strings.Repeat("x", 200)+`"}`)
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("%s: Flush: %v", ctype, err)
			}
			beforeReturn = rec.Body.String()
		})).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if !rec.Flushed || rec.Code != http.StatusCreated {
			t.Errorf("%s: flushed %v, status %d; want flushed, 201", ctype, rec.Flushed, rec.Code)
		}
		if !strings.Contains(beforeReturn, Mask) {
			t.Errorf("%s: the flush let nothing through: %q", ctype, testkit.Hide(beforeReturn, "tok_abc123"))
		}
		testkit.AssertNoLeak(t, ctype+" body", rec.Body.String(), "tok_abc123")
		testkit.AssertNoLeak(t, ctype+" header", rec.Header().Get("X-Token"), "tok_abc123")
	}
}
