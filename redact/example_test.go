package redact_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/hushflow/hushflow/redact"
)

func ExampleRedactor_String() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("user123", "pass456")
	fmt.Println(r.String("postgres://user123:pass456@db.host/mydb"))
	// Overlapping secrets: the union of their ranges is masked.
	r.Add("abcd", "abcdef")
	fmt.Println(r.String("abcdefgh"))
	// Encoded forms too: here only the part of the base64 that carries the
	// password ("user:" stays readable as "dXNlcj").
	fmt.Println(r.String("Basic " + base64.StdEncoding.EncodeToString([]byte("user:pass456"))))
	// References, with no secret needed.
	fmt.Println(r.String("token from ref+vault://secret/data/api#token here"))
	// Output:
	// postgres://••••••:••••••@db.host/mydb
	// ••••••gh
	// Basic dXNlcj••••••
	// token from •••••• here
}

func ExampleRedactor_Value() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("tok_abc123")
	job := map[string]any{
		"step":   "deploy",
		"env":    map[string]any{"TOKEN": "tok_abc123"},
		"args":   []any{"--header", "Authorization: Bearer tok_abc123"},
		"secret": "ref+awsssm:///prod/db/password",
		"count":  float64(42),
	}
	fmt.Println(r.Value(job))
	// Output:
	// map[args:[--header Authorization: Bearer ••••••] count:42 env:map[TOKEN:••••••] secret:•••••• step:deploy]
}

func ExampleRedactor_JSON() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("tok_abc123")
	out, err := r.JSON([]byte(`{"z": 1, "auth": "Bearer tok_abc123", "a": [true, null]}`))
	fmt.Println(string(out), err)
	_, err = r.JSON([]byte(`{"auth": "tok_abc123"`))
	fmt.Println(err)
	// Output:
	// {"z": 1, "auth": "Bearer ••••••", "a": [true, null]} <nil>
	// redact: invalid JSON: unexpected end of input at offset 21
}

func ExampleRedactor_Writer() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("hunter22")
	w := r.Writer(os.Stdout)
	// A secret split across two writes is still masked.
	fmt.Fprint(w, "login password=hun")
	fmt.Fprint(w, "ter22 ok\n")
	w.Close() // flushes what was held back
	// Output:
	// login password=•••••• ok
}

func ExampleRedactor_Handler() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("hunter22")
	// Drop the time so that the output is stable.
	text := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := slog.New(r.Handler(text))
	logger.Info("connecting with hunter22", "password", "hunter22", "user", "admin")
	// Output:
	// level=INFO msg="connecting with ••••••" password=•••••• user=admin
}

func ExampleRedactor_Middleware() {
	r, err := redact.New()
	if err != nil {
		panic(err)
	}
	r.Add("tok_abc123")
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"job":"42","input":{"token":"tok_abc123"}}`)
	})
	masked, err := r.Middleware(api)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	masked.ServeHTTP(rec, httptest.NewRequest("GET", "/api/jobs/42", nil))
	fmt.Println(rec.Body.String())
	// Output:
	// {"job":"42","input":{"token":"••••••"}}
}

func ExampleWithMinLength() {
	r, err := redact.New(redact.WithMinLength(4))
	if err != nil {
		panic(err)
	}
	r.Add("pin", "longer-secret")
	fmt.Println(r.String("pin"))      // a whole value equal to a short secret
	fmt.Println(r.String("spinning")) // never searched inside text
	fmt.Println(r.String("a longer-secret!"))
	// Output:
	// ••••••
	// spinning
	// a ••••••!
}
