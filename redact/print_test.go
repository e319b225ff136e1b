package redact

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// Every value of this package that holds a secret prints without it: in
// every fmt verb, as a Go value, through log.Printf and through slog's text
// and JSON handlers. fmt walks a struct's unexported fields; without their
// own Format these would print the secrets a Redactor, a Writer's held-back
// tail, a handler's bound attributes and a buffered response body hold.
func TestPrintingShowsNoSecret(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Password-X"
	r := newRedactor(t)
	r.Add(secret, "pin")

	w := r.Writer(io.Discard)
	_, _ = io.WriteString(w, "token="+secret[:10]) // held back, not yet written
	var logBuf bytes.Buffer
	h := r.Handler(slog.NewTextHandler(&logBuf, nil)).WithAttrs([]slog.Attr{slog.String("bound", secret)})

	var responseWriter http.ResponseWriter
	mh := middleware(t, r, http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(rw, `{"token":"`+secret+`"}`) // buffered
		responseWriter = rw
		printAll(t, "the masking ResponseWriter", rw, secret)
	}))
	mh.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if responseWriter == nil {
		t.Fatal("the handler did not run")
	}

	for _, v := range []struct {
		name  string
		value any
	}{
		{"*Redactor", r},
		{"Writer", w},
		{"Handler", h},
	} {
		printAll(t, v.name, v.value, secret)
	}
	if got := fmt.Sprint(r); !strings.Contains(got, "secrets: 2") {
		t.Errorf("a Redactor prints as %q, want its count of secrets", got)
	}
}

// printAll prints v every way a program may and fails on a secret shown.
func printAll(t *testing.T, name string, v any, secrets ...string) {
	t.Helper()
	var shown []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%p"} {
		shown = append(shown, fmt.Sprintf(verb, v), fmt.Sprintf(verb, []any{v}), fmt.Sprintf(verb, map[string]any{"k": v}), fmt.Sprintf(verb, struct{ V any }{v}))
	}
	var buf bytes.Buffer
	log.New(&buf, "", 0).Printf("%v %+v %#v", v, v, v)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("print", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("print", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
	shown = append(shown, buf.String())
	all := strings.Join(shown, "\n")
	for _, s := range secrets {
		// Every text fmt gives a secret: as is, hex, a byte list.
		for _, form := range []string{s, fmt.Sprintf("%x", s), fmt.Sprintf("%X", s), fmt.Sprintf("%v", []byte(s))[1:20], s[:10], fmt.Sprintf("%x", s[:10])} {
			if strings.Contains(all, form) {
				t.Errorf("%s printed shows a secret: %s", name, testkit.Hide(all, secrets...))
				break
			}
		}
	}
}
