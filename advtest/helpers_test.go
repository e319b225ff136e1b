package advtest_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// secretPW is the secret every render test hands in; it has no repeated
// 3-grams, so a leak of a piece is easy to see.
const secretPW = "Hunter2-Xylophone-Quartz"

type fakeResolver struct{}

func (fakeResolver) Resolve(_ context.Context, s string) (string, error) {
	if strings.Contains(s, "fail") {
		return "", errors.New("backend failed")
	}
	return secretPW, nil
}

func engineWith(t testing.TB, opts ...render.Option) (*render.Engine, *redact.Redactor) {
	t.Helper()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	r.Add(secretPW)
	e, err := render.New(fakeResolver{}, append([]render.Option{render.WithSecrets(r)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e, r
}

func secretVars() map[string]any {
	return map[string]any{
		"secret": map[string]any{"PW": secretPW},
		"input":  map[string]any{"s": "text", "ref": "ref+echo://x", "l": []any{"a", "b"}, "n": 3},
	}
}

// allocated returns the bytes f allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}
