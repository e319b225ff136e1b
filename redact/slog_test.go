package redact

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

func TestHandlerMasksMessagesAndAttributes(t *testing.T) {
	t.Parallel()
	secrets := []string{"hunter22", "tok_abc123", "31337"}
	r := newRedactor(t)
	r.Add(secrets...)
	var buf bytes.Buffer
	logger := slog.New(r.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))

	logger.Debug("not enabled: hunter22")
	logger.With("bound", "Bearer tok_abc123").WithGroup("step").Info("login with hunter22",
		"password", "hunter22",
		"port", 31337,
		"ratio", 1.5,
		"ok", true,
		slog.Group("http", "auth", "Bearer tok_abc123", "status", 200),
		"err", errors.New("dial: bad password hunter22"),
		"who", stringer{"user tok_abc123"},
		"input", map[string]any{"tok_abc123": "x", "list": []any{"hunter22"}},
		"ref", "ref+vault://secret/data/api#token",
	)
	out := buf.String()
	testkit.AssertNoLeak(t, "output", out, secrets...)
	if strings.Contains(out, "not enabled") {
		t.Error("a disabled level was logged")
	}
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("one JSON record expected: %v", err)
	}
	step := rec["step"].(map[string]any)
	checks := map[string]any{
		"msg":         rec["msg"],
		"bound":       rec["bound"],
		"password":    step["password"],
		"port":        step["port"],
		"ratio":       step["ratio"],
		"http.auth":   step["http"].(map[string]any)["auth"],
		"http.status": step["http"].(map[string]any)["status"],
		"err":         step["err"],
		"who":         step["who"],
		"input":       step["input"].(map[string]any)[Mask],
		"ref":         step["ref"],
	}
	want := map[string]any{
		"msg":         "login with " + Mask,
		"bound":       "Bearer " + Mask,
		"password":    Mask,
		"port":        Mask,
		"ratio":       1.5,
		"http.auth":   "Bearer " + Mask,
		"http.status": 200.0,
		"err":         "dial: bad password " + Mask,
		"who":         "user " + Mask,
		"input":       "x",
		"ref":         Mask,
	}
	for k, w := range want {
		if checks[k] != w {
			t.Errorf("%s = %v, want %v", k, testkit.Hide(toString(checks[k]), secrets...), w)
		}
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestHandlerMasksGroupNamesAndSeesNewSecrets(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("grp-secret")
	var buf bytes.Buffer
	h := r.Handler(slog.NewTextHandler(&buf, nil))
	logger := slog.New(h.WithGroup("x-grp-secret"))
	r.Add("hunter22") // after the handler was made
	logger.Info("x", "k", "hunter22")
	testkit.AssertNoLeak(t, "output", buf.String(), "hunter22", "grp-secret")
	if !h.Enabled(context.Background(), slog.LevelInfo) || h.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("Enabled does not follow the wrapped handler")
	}
}

// Attributes and groups bound with With and WithGroup before a secret was
// added are masked once it is.
func TestHandlerMasksBoundAttributesWithLaterSecrets(t *testing.T) {
	t.Parallel()
	for _, newHandler := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		r := newRedactor(t)
		var buf bytes.Buffer
		logger := slog.New(r.Handler(newHandler(&buf))).
			With("db", "postgres://app:late-secret-1@db/x").
			WithGroup("step-late-secret-2").
			With("token", "Bearer late-secret-3")
		logger.Info("before")
		if !strings.Contains(buf.String(), "late-secret-1") {
			t.Fatal("bound attribute missing before the secret was known")
		}
		r.Add("late-secret-1", "late-secret-2", "late-secret-3")
		buf.Reset()
		logger.Info("after", "k", "v")
		testkit.AssertNoLeak(t, "a record after Add", buf.String(), "late-secret-1", "late-secret-2", "late-secret-3")
		if !strings.Contains(buf.String(), "k") {
			t.Error("the record lost its attributes")
		}
	}
}

// WithGroup and WithAttrs keep slog's structure: bound attributes stay
// outside the groups opened after them.
func TestHandlerKeepsGroupStructure(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("hunter22")
	var buf bytes.Buffer
	slog.New(r.Handler(slog.NewJSONHandler(&buf, nil))).With("a", 1).WithGroup("g").With("b", "hunter22").WithGroup("h").Info("m", "c", 3)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	g, _ := rec["g"].(map[string]any)
	h, _ := g["h"].(map[string]any)
	if rec["a"] != 1.0 || g["b"] != Mask || h["c"] != 3.0 {
		t.Errorf("structure lost: %s", testkit.Hide(buf.String(), "hunter22"))
	}
}
