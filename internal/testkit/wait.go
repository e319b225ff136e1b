package testkit

import (
	"regexp"
	"runtime"
	"testing"
	"time"
)

// Within runs fn and fails t if it has not returned after limit: a guard
// against hangs, far above what fn should take, not a measurement.
func Within(t testing.TB, limit time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("%s did not return within %v", what, limit)
	}
}

// Settled waits, for up to wait, until the process has no more goroutines
// than before, and fails t with every goroutine's stack otherwise.
func Settled(t testing.TB, before int, wait time.Duration) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines left behind (%d before, %d after):\n%s", n-before, before, n, buf)
	}
}

// SecretLike matches the values this module's tests use as secrets: every
// one holds "S3CRET", so that failure output can be masked without knowing
// them.
var SecretLike = regexp.MustCompile(`S3CRET[\w.-]*`)

// Show is err's text with every secret-like word masked, for failure
// messages.
func Show(err error) string {
	if err == nil {
		return "<nil>"
	}
	return SecretLike.ReplaceAllString(err.Error(), "[secret]")
}
