package secrets_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// fakeBackend answers references of the "fake" scheme from a map, counting
// calls. Like vals, it ignores its context unless told otherwise.
type fakeBackend struct {
	mu     sync.Mutex
	values map[string]string // reference -> value
	errs   map[string]error  // reference -> error
	calls  map[string]int

	total    atomic.Int64
	inFlight atomic.Int64
	maxIn    atomic.Int64

	latency time.Duration // slept before answering
	// gate, when set, is received from before answering (a hanging backend
	// until the test closes it). gateOnce limits it to the first call.
	gate     chan struct{}
	gateOnce bool
	gated    atomic.Bool
	panics   bool
}

func newFake(values map[string]string) *fakeBackend {
	if values == nil {
		values = map[string]string{}
	}
	return &fakeBackend{values: values, errs: map[string]error{}, calls: map[string]int{}}
}

func (f *fakeBackend) Get(ctx context.Context, ref string) (string, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	f.total.Add(1)
	// The answer is what the store holds when asked, however long it then takes.
	f.mu.Lock()
	f.calls[ref]++
	value, found := f.values[ref]
	err, failed := f.errs[ref]
	f.mu.Unlock()

	if f.gate != nil && (!f.gateOnce || f.gated.CompareAndSwap(false, true)) {
		<-f.gate
	}
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	if f.panics {
		panic("fake backend panic with S3CRET-PANIC")
	}
	switch {
	case failed:
		return "", err
	case found:
		return value, nil
	}
	return "", secrets.ErrNotFound
}

func (f *fakeBackend) set(ref, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[ref] = value
}

func (f *fakeBackend) fail(ref string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.errs, ref)
	} else {
		f.errs[ref] = err
	}
}

func (f *fakeBackend) callsFor(ref string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[ref]
}

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
	for i, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s leaks secret #%d", what, i)
		}
	}
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
