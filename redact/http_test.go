package redact

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := New()
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
			name: "binary passes through",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.WriteHeader(http.StatusAccepted)
				_, _ = io.WriteString(w, "tok_abc123")
			},
			wantStatus: http.StatusAccepted,
			wantBody:   "tok_abc123",
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
			r.Middleware(tt.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			body := rec.Body.String()
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if body != tt.wantBody {
				t.Errorf("body %s, want %s", hide(body, secret), hide(tt.wantBody, secret))
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if cl := rec.Header().Get("Content-Length"); cl != "" && tt.wantBody != "tok_abc123" {
				t.Errorf("Content-Length %s kept although the body changed", cl)
			}
		})
	}
}

func TestMiddlewareOverARealServer(t *testing.T) {
	t.Parallel()
	r := New()
	r.Add("tok_abc123")
	srv := httptest.NewServer(r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
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
