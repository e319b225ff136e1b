// Package testkit holds the test helpers that several of this module's
// packages share. It is imported by tests only, and stays light: it links
// neither sops nor vals, so that redact's and render's tests stay fast.
package testkit

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// AssertNoLeak fails t when text holds any of secrets. The failure names
// what was checked and the secret's index, never the secret or the text.
func AssertNoLeak(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s leaks secret #%d", what, i)
		}
	}
}

// Hide returns text with every secret replaced by "[secret #i]", for
// failure messages that must show text which may hold secrets.
func Hide(text string, secrets ...string) string {
	for i, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "[secret #"+itoa(i)+"]")
		}
	}
	return text
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// stderrMu serializes CaptureStderr: file descriptor 2 is one per process.
var stderrMu sync.Mutex

// CaptureStderr runs fn with the process's file descriptor 2 redirected to a
// file and returns what was written to it, by Go code (os.Stderr, the log
// package) and by anything else in the process that writes to fd 2. Tests
// that use it must not run in parallel with tests that expect their own
// stderr output.
func CaptureStderr(t testing.TB, fn func()) string {
	t.Helper()
	stderrMu.Lock()
	defer stderrMu.Unlock()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	restore, err := redirectFD2(f)
	if err != nil {
		t.Fatalf("redirecting fd 2: %v", err)
	}
	func() {
		defer restore()
		fn()
	}()
	data, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
