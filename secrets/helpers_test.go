package secrets_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// newFake returns the shared fake store (secrets/secretstest).
func newFake(values map[string]string) *secretstest.Store { return secretstest.New(values) }

// newResolver returns a resolver over b that allows the "fake" scheme.
func newResolver(t testing.TB, b secrets.Backend, opts ...secrets.Option) *secrets.Resolver {
	t.Helper()
	opts = append([]secrets.Option{secrets.WithBackend(b), secrets.WithSchemes("fake", "echo", "file")}, opts...)
	r, err := secrets.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// assertNoLeak fails if text holds any of the secrets, without printing them.
func assertNoLeak(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	testkit.AssertNoLeak(t, what, text, secrets...)
}

// Every secret value in these tests contains "S3CRET", so that test
// failures can print errors with the values masked.
var secretLike = regexp.MustCompile(`S3CRET[\w.-]*`)

// show is err's text with anything secret-like masked, for failure messages.
func show(err error) string {
	if err == nil {
		return "<nil>"
	}
	return secretLike.ReplaceAllString(err.Error(), "[secret]")
}

// wantErr checks that err is an *Error naming ref that wraps every target.
// wantSafeErr checks err as wantErr does, that its message says text, and
// that it holds none of leaks.
func wantSafeErr(t testing.TB, err error, ref string, target error, text string, leaks []string) {
	t.Helper()
	wantErr(t, err, ref, target)
	assertNoLeak(t, "error", err.Error(), leaks...)
	if !strings.Contains(err.Error(), text) {
		t.Errorf("error %q does not say %q", show(err), text)
	}
}

func wantErr(t testing.TB, err error, ref string, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %s", ref)
	}
	var e *secrets.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q is %T, not *secrets.Error", show(err), err)
	}
	if e.Ref != ref {
		t.Errorf("Error.Ref = %q, want %q", secretLike.ReplaceAllString(e.Ref, "[secret]"), ref)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("error %q is not %v", show(err), target)
		}
	}
}
