package secrets_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// panicBackend fails the test if it is asked anything.
type panicBackend struct{ t *testing.T }

func (p panicBackend) Get(_ context.Context, ref string) (string, error) {
	p.t.Errorf("backend asked for %q", ref)
	return "", errors.New("unexpected")
}

func TestResolveLeavesPlainStringsAlone(t *testing.T) {
	t.Parallel()
	r := newResolver(t, panicBackend{t})
	for _, s := range []string{
		"",
		"hello",
		"ref",
		"ref+",
		"ref+nothing",          // no "://"
		"ref+fake://x",         // only one character after "://": not a reference to vals
		"preref+and ref+ only", // prefixes, no scheme
		"secretref+",
		"ref+://",
		"a\nref+fake:/x",
	} {
		got, err := r.Resolve(t.Context(), s)
		if err != nil || got != s {
			t.Errorf("Resolve(%q) = %q, %v; want it unchanged", s, got, err)
		}
	}
}

func TestResolveReplacesEachReference(t *testing.T) {
	t.Parallel()
	values := map[string]string{
		"ref+fake://db/password": "S3CRET-pw",
		"ref+fake://db/user":     "app",
		"ref+fake://api#/token":  "S3CRET-tok",
		"ref+fake://empty":       "",
	}
	f := newFake(values)
	r := newResolver(t, f)
	for _, tc := range []struct{ in, want string }{
		{"ref+fake://db/password", "S3CRET-pw"},
		{"secretref+fake://db/password", "S3CRET-pw"},
		{"ref+fake://db/password+", "S3CRET-pw"},
		{"ref+fake://api#/token", "S3CRET-tok"},
		{"user=ref+fake://db/user pass=ref+fake://db/password", "user=app pass=S3CRET-pw"},
		{"postgres://ref+fake://db/user+:ref+fake://db/password+@db/app", "postgres://app:S3CRET-pw@db/app"},
		{`"ref+fake://db/user", next`, `"app", next`}, // vals never ends a reference on '"' or ','
		{"ref+fake://db/user\nref+fake://db/user", "app\napp"},
		{"[ref+fake://empty+]", "[]"},
	} {
		for pass := range 2 { // the second pass: parse remembered, values cached
			got, err := r.Resolve(t.Context(), tc.in)
			if err != nil {
				t.Errorf("pass %d: Resolve(%q): %s", pass, tc.in, show(err))
				continue
			}
			if got != tc.want {
				t.Errorf("pass %d: Resolve(%q) gave a wrong result", pass, tc.in) // not printed: it holds secrets
			}
		}
	}
	// Each distinct reference was fetched once, whatever the number of uses.
	for ref := range values {
		if n := f.Calls(ref); n != 1 {
			t.Errorf("%s fetched %d times, want 1", ref, n)
		}
	}
}

func TestIsRef(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"ref+vault://secret/api#token", true},
		{"secretref+awsssm:///prod/db", true},
		{"pass=ref+echo://xy+;", true},
		{"hello", false},
		{"ref+nothing", false},
		{"ref+echo://x", false}, // vals needs two characters after "://"
		{"", false},
	} {
		if got := secrets.IsRef(tc.s); got != tc.want {
			t.Errorf("IsRef(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestCacheServesWithinTTL(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{"ref+fake://a/b": "S3CRET-1"})
	r := newResolver(t, f)
	for range 5 {
		if _, err := r.Resolve(t.Context(), "ref+fake://a/b"); err != nil {
			t.Fatal(show(err))
		}
		if _, err := r.Resolve(t.Context(), "x=ref+fake://a/b"); err != nil {
			t.Fatal(show(err))
		}
	}
	if n := f.Total(); n != 1 {
		t.Errorf("backend called %d times, want 1", n)
	}
}

func TestNewValueAfterTTLOrPurge(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		opts      []secrets.Option
		expire    func(*secrets.Resolver)
		wantCalls int64
	}{
		{"Purge", nil, (*secrets.Resolver).Purge, 2},
		{"TTL", []secrets.Option{secrets.WithTTL(200 * time.Millisecond)}, func(*secrets.Resolver) { time.Sleep(250 * time.Millisecond) }, 2},
		{"no cache", []secrets.Option{secrets.WithTTL(0)}, func(*secrets.Resolver) {}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const ref = "ref+fake://rotating"
				f := newFake(map[string]string{ref: "S3CRET-old"})
				r := newResolver(t, f, tc.opts...)
				if got, _ := r.Resolve(t.Context(), ref); got != "S3CRET-old" {
					t.Fatal("first value wrong")
				}
				if got, _ := r.Resolve(t.Context(), "pw="+ref); got != "pw=S3CRET-old" {
					t.Fatal("first value in text wrong")
				}
				f.Set(ref, "S3CRET-new")
				tc.expire(r)
				if got, _ := r.Resolve(t.Context(), ref); got != "S3CRET-new" {
					t.Error("the rotated value was not returned")
				}
				if got, _ := r.Resolve(t.Context(), "pw="+ref); got != "pw=S3CRET-new" {
					t.Error("the rotated value was not returned in text")
				}
				if n := f.Total(); n != tc.wantCalls {
					t.Errorf("backend called %d times, want %d", n, tc.wantCalls)
				}
			})
		})
	}
}

func TestPurgeDuringBackendCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://rotating"
		f := newFake(map[string]string{ref: "S3CRET-old"})
		release := f.HangNext()
		r := newResolver(t, f)

		first := make(chan string)
		go func() {
			v, _ := r.Resolve(context.Background(), ref) // blocks in the backend
			first <- v
		}()
		for f.Total() == 0 {
			time.Sleep(time.Millisecond)
		}
		f.Set(ref, "S3CRET-new")
		r.Purge()
		// Asked after Purge: must not join the call that started before.
		if got, err := r.Resolve(t.Context(), ref); err != nil || got != "S3CRET-new" {
			t.Fatalf("after Purge: wrong value (err %s)", show(err))
		}
		release()
		if got := <-first; got != "S3CRET-old" {
			t.Error("the call asked before Purge got a wrong value")
		}
		// The value fetched before Purge must not have replaced the new one.
		if got, _ := r.Resolve(t.Context(), ref); got != "S3CRET-new" {
			t.Error("a value fetched before Purge was cached after it")
		}
		if n := f.Total(); n != 2 {
			t.Errorf("backend called %d times, want 2", n)
		}
	})
}

func TestMaxEntriesBoundsTheCache(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{"ref+fake://k/1": "1", "ref+fake://k/2": "2", "ref+fake://k/3": "3"})
	r := newResolver(t, f, secrets.WithMaxEntries(2))
	for _, ref := range []string{"ref+fake://k/1", "ref+fake://k/2", "ref+fake://k/3", "ref+fake://k/1"} {
		if _, err := r.Resolve(t.Context(), ref); err != nil {
			t.Fatal(show(err))
		}
	}
	if n := f.Calls("ref+fake://k/1"); n != 2 {
		t.Errorf("the least recently used entry was fetched %d times, want 2 (evicted once)", n)
	}
}

func TestConcurrentMissesMakeOneCall(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://shared"
	f := newFake(map[string]string{ref: "S3CRET-shared"})
	f.SetLatency(20 * time.Millisecond)
	r := newResolver(t, f)
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for range 64 {
		wg.Go(func() {
			if v, err := r.Resolve(context.Background(), ref); err != nil || v != "S3CRET-shared" {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		t.Errorf("%d callers got a wrong answer", n)
	}
	if n := f.Total(); n != 1 {
		t.Errorf("backend called %d times, want 1", n)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://flaky"
	f := newFake(map[string]string{ref: "S3CRET-ok"})
	f.Fail(ref, errors.New("connection reset"))
	r := newResolver(t, f)
	_, err := r.Resolve(t.Context(), ref)
	wantErr(t, err, ref, secrets.ErrBackend)
	f.Fail(ref, nil)
	if got, err := r.Resolve(t.Context(), ref); err != nil || got != "S3CRET-ok" {
		t.Fatalf("after the backend recovered: err %s", show(err))
	}
	if n := f.Total(); n != 2 {
		t.Errorf("backend called %d times, want 2", n)
	}
}

func TestResolveHonoursContextWhenBackendHangs(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://hangs"
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancel", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"already cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				f := newFake(map[string]string{ref: "S3CRET"})
				t.Cleanup(f.Hang()) // never answers until the test ends
				r := newResolver(t, f)
				ctx, cancel := tc.ctx()
				defer cancel()
				_, err := r.Resolve(ctx, ref)
				wantErr(t, err, ref, tc.want)
			})
		})
	}
}

func TestDefaultTimeoutWhenContextHasNone(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://hangs"
		f := newFake(nil)
		t.Cleanup(f.Hang())
		r := newResolver(t, f, secrets.WithTimeout(20*time.Millisecond))
		_, err := r.Resolve(context.Background(), ref)
		wantErr(t, err, ref, context.DeadlineExceeded)
		if !strings.Contains(err.Error(), "no answer within 20ms") {
			t.Errorf("error %q does not say how long it waited", show(err))
		}
	})
}

func TestOneCallerGivingUpDoesNotFailTheOthers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://slow"
		f := newFake(map[string]string{ref: "S3CRET-slow"})
		release := f.Hang()
		r := newResolver(t, f)

		impatient, cancel := context.WithCancel(context.Background())
		impatientErr := make(chan error)
		go func() {
			_, err := r.Resolve(impatient, ref)
			impatientErr <- err
		}()
		for f.Total() == 0 {
			time.Sleep(time.Millisecond)
		}
		patient := make(chan error)
		go func() {
			v, err := r.Resolve(context.Background(), ref)
			if err == nil && v != "S3CRET-slow" {
				err = errors.New("wrong value")
			}
			patient <- err
		}()
		cancel()
		wantErr(t, <-impatientErr, ref, context.Canceled)
		release()
		if err := <-patient; err != nil {
			t.Errorf("the patient caller failed: %s", show(err))
		}
		if n := f.Total(); n != 1 {
			t.Errorf("backend called %d times, want 1", n)
		}
	})
}

func TestConcurrencyTowardsBackendIsBounded(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{})
	var refs []string
	for i := range 20 {
		ref := fmt.Sprintf("ref+fake://k/%d", i)
		f.Set(ref, "v")
		refs = append(refs, ref)
	}
	f.SetLatency(5 * time.Millisecond)
	r := newResolver(t, f, secrets.WithConcurrency(3))
	// One string with 20 references, and 20 callers: both paths.
	if _, err := r.Resolve(t.Context(), strings.Join(refs, " ")); err != nil {
		t.Fatal(show(err))
	}
	r.Purge()
	var wg sync.WaitGroup
	for _, ref := range refs {
		wg.Go(func() { _, _ = r.Resolve(context.Background(), ref) })
	}
	wg.Wait()
	if m := f.MaxInFlight(); m > 3 || m < 1 {
		t.Errorf("%d backend calls in flight at once, want at most 3", m)
	}
	if n := f.Total(); n != 40 {
		t.Errorf("backend called %d times, want 40", n)
	}
}

func TestDistinctReferencesInOneStringResolveConcurrently(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{})
	var refs []string
	for i := range 8 {
		ref := fmt.Sprintf("ref+fake://k/%d", i)
		f.Set(ref, "v")
		refs = append(refs, ref)
	}
	f.SetLatency(10 * time.Millisecond)
	r := newResolver(t, f)
	if _, err := r.Resolve(t.Context(), strings.Join(refs, " ")); err != nil {
		t.Fatal(show(err))
	}
	if m := f.MaxInFlight(); m < 2 {
		t.Errorf("at most %d backend call in flight: references of one string were fetched one by one", m)
	}
}

func TestSchemeAllowList(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{"ref+fake://in/ner": "exec://boom"})
	defaults, err := secrets.New(secrets.WithBackend(f)) // default list
	if err != nil {
		t.Fatal(err)
	}
	onlyFake := newResolver(t, f)
	for _, tc := range []struct {
		name    string
		r       *secrets.Resolver
		in      string
		wantRef string
	}{
		{"exec", defaults, "ref+exec://echo hi", "ref+exec://echo"},
		{"upper case", defaults, "ref+EXEC://echo", "ref+EXEC://echo"},
		{"secretref", defaults, "secretref+exec://echo", "ref+exec://echo"},
		{"after an allowed one", defaults, "a=ref+echo://x/y b=ref+exec://rm", "ref+exec://rm"},
		{"nested", defaults, "ref+echo://ref+exec://rm", "ref+exec://rm"},
		{"fake not in defaults", defaults, "ref+fake://in/ner", "ref+fake://in/ner"},
		{"echo not listed", secretsNew(t, f, secrets.WithSchemes("fake")), "ref+echo://x/y", "ref+echo://x/y"},
		{"empty list", secretsNew(t, f, secrets.WithSchemes()), "ref+fake://in/ner", "ref+fake://in/ner"},
		// A value spliced into an outer reference cannot smuggle a scheme in.
		// The error names the inner reference whose value would be the scheme.
		{"spliced", onlyFake, "ref+ref+fake://in/ner", "ref+fake://in/ner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.Total()
			_, err := tc.r.Resolve(t.Context(), tc.in)
			wantErr(t, err, tc.wantRef, secrets.ErrSchemeNotAllowed)
			_, again := tc.r.Resolve(t.Context(), tc.in) // nothing remembered lets it through
			wantErr(t, again, tc.wantRef, secrets.ErrSchemeNotAllowed)
			if err != nil && tc.name != "spliced" && !strings.Contains(err.Error(), "secrets.WithSchemes(") {
				t.Errorf("error %q does not say how to allow the scheme", show(err))
			}
			if tc.name != "spliced" && f.Total() != before {
				t.Error("a backend was asked before the scheme was refused")
			}
		})
	}
}

func secretsNew(t *testing.T, b secrets.Backend, opts ...secrets.Option) *secrets.Resolver {
	t.Helper()
	r, err := secrets.New(append([]secrets.Option{secrets.WithBackend(b)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestErrorsNameTheReferenceWithoutQueryOrValue(t *testing.T) {
	t.Parallel()
	const secretQuery = "S3CRET-secret-id"
	f := newFake(map[string]string{
		"ref+fake://inner/a": "S3CRET-inner-a",
		"ref+fake://inner/b": "S3CRET-inner-b",
	})
	query := "?address=http://v:8200&secret_id=" + secretQuery
	f.Fail("ref+fake://db"+query+"#/password", errors.New("permission denied"))
	f.Fail("ref+fake://x/S3CRET-inner-a/S3CRET-inner-b", errors.New("no such path"))
	r := newResolver(t, f)
	for _, tc := range []struct {
		name, in, wantRef string
		want              error
	}{
		{"query", "ref+fake://db" + query + "#/password", "ref+fake://db#/password", secrets.ErrBackend},
		{"not found", "pw=ref+fake://db/missing?token=" + secretQuery + " x", "ref+fake://db/missing", secrets.ErrNotFound},
		// The outer reference is built from inner values: the error shows the inner references.
		{"nested", "ref+fake://x/ref+fake://inner/a+/ref+fake://inner/b", "ref+fake://x/ref+fake://inner/a/ref+fake://inner/b", secrets.ErrBackend},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Resolve(t.Context(), tc.in)
			wantErr(t, err, tc.wantRef, tc.want)
			if err != nil {
				assertNoLeak(t, "error", err.Error(), secretQuery, "S3CRET-inner-a", "S3CRET-inner-b")
			}
		})
	}
}

func TestNestedReferences(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{
		"ref+fake://env/stage":  "prod",
		"ref+fake://db/prod":    "S3CRET-prod-db",
		"ref+fake://chain/1":    "ref+fake://env/stage", // a value that is itself a reference
		"ref+fake://chain/prod": "prod",
	})
	r := newResolver(t, f)
	got, err := r.Resolve(t.Context(), "ref+fake://db/ref+fake://env/stage")
	if err != nil || got != "S3CRET-prod-db" {
		t.Fatalf("nested reference: wrong result (err %s)", show(err))
	}
	// Independent references (separated) are not nested.
	got, err = r.Resolve(t.Context(), "ref+fake://env/stage ref+fake://db/prod")
	if err != nil || got != "prod S3CRET-prod-db" {
		t.Fatalf("independent references: wrong result (err %s)", show(err))
	}
	// A value is not resolved again unless it is spliced into an outer
	// reference, as with vals.
	got, err = r.Resolve(t.Context(), "ref+fake://chain/1")
	if err != nil || got != "ref+fake://env/stage" {
		t.Fatalf("value holding a reference: got %q (err %s)", got, show(err))
	}

	// Deeper than vals allows.
	deep := "ref+fake://env/stage"
	for range 11 {
		deep = "ref+fake://chain/" + deep
	}
	_, err = r.Resolve(t.Context(), deep)
	if !errors.Is(err, secrets.ErrInvalidRef) {
		t.Errorf("11 levels deep: error %s, want ErrInvalidRef", show(err))
	}
}

func TestBackendPanicBecomesError(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://panics"
	f := newFake(nil)
	f.SetPanics(true)
	r := newResolver(t, f)
	_, err := r.Resolve(t.Context(), ref)
	wantErr(t, err, ref, secrets.ErrBackend)
	if err != nil {
		assertNoLeak(t, "error", err.Error(), "S3CRET-PANIC")
	}
	// Not cached, and the resolver still works.
	f.SetPanics(false)
	f.Set(ref, "ok")
	if got, err := r.Resolve(t.Context(), ref); err != nil || got != "ok" {
		t.Errorf("after a panic: %q, %s", got, show(err))
	}
}

func TestOnResolvedSeesEveryValueBeforeResolveReturns(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{
		"ref+fake://a/1":  "S3CRET-a",
		"ref+fake://b/2":  "S3CRET-b",
		"ref+fake://e/0":  "",
		"ref+fake://same": "S3CRET-a",
	})
	var mu sync.Mutex
	var told []string
	r := newResolver(t, f, secrets.WithOnResolved(func(v string) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, v)
	}))
	out, err := r.Resolve(t.Context(), "ref+fake://a/1 ref+fake://b/2 ref+fake://e/0")
	if err != nil {
		t.Fatal(show(err))
	}
	mu.Lock()
	for _, v := range []string{"S3CRET-a", "S3CRET-b"} {
		if !strings.Contains(strings.Join(told, "\x00"), v) {
			t.Error("a resolved value was not reported before Resolve returned")
		}
	}
	mu.Unlock()
	_ = out
	if _, err := r.Resolve(t.Context(), "ref+fake://a/1"); err != nil { // a cache hit: not reported again
		t.Fatal(show(err))
	}
	mu.Lock()
	if len(told) != 2 {
		t.Errorf("reported %d values, want 2 (no empty value, no cache hit)", len(told))
	}
	mu.Unlock()

	// A panicking hook fails the lookup, not the process, and caches nothing.
	bad := newResolver(t, f, secrets.WithOnResolved(func(string) { panic("hook") }))
	_, err = bad.Resolve(t.Context(), "ref+fake://a/1")
	wantErr(t, err, "ref+fake://a/1", secrets.ErrBackend)
}

func TestLoggerGetsHitsMissesAndFailuresWithoutValues(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newFake(map[string]string{"ref+fake://ok?token=S3CRET-q": "S3CRET-v"})
	f.Fail("ref+fake://bad", errors.New("boom"))
	r := newResolver(t, f, secrets.WithLogger(logger))
	for _, s := range []string{"ref+fake://ok?token=S3CRET-q", "ref+fake://ok?token=S3CRET-q", "x ref+fake://ok?token=S3CRET-q", "ref+fake://bad"} {
		_, _ = r.Resolve(t.Context(), s)
	}
	log := buf.String()
	for _, want := range []string{"secret cache miss resolved", "secret cache hit", "secret resolution failed", "ref=ref+fake://ok ", "ref=ref+fake://bad", "took="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	assertNoLeak(t, "log", log, "S3CRET-v", "S3CRET-q")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []secrets.Option
		option string // the option the error must name
	}{
		{"negative TTL", []secrets.Option{secrets.WithTTL(-time.Second)}, "WithTTL"},
		{"zero timeout", []secrets.Option{secrets.WithTimeout(0)}, "WithTimeout"},
		{"zero entries", []secrets.Option{secrets.WithMaxEntries(0)}, "WithMaxEntries"},
		{"zero concurrency", []secrets.Option{secrets.WithConcurrency(0)}, "WithConcurrency"},
		{"empty scheme", []secrets.Option{secrets.WithSchemes("")}, "WithSchemes"},
		{"scheme with ://", []secrets.Option{secrets.WithSchemes("vault://")}, "WithSchemes"},
		{"nil backend", []secrets.Option{secrets.WithBackend(nil)}, "WithBackend"},
		{"nil logger", []secrets.Option{secrets.WithLogger(nil)}, "WithLogger"},
		{"nil hook", []secrets.Option{secrets.WithOnResolved(nil)}, "WithOnResolved"},
		{"negative abandoned", []secrets.Option{secrets.WithMaxAbandoned(-1)}, "WithMaxAbandoned"},
		{"negative max stale", []secrets.Option{secrets.WithMaxStale(-time.Second)}, "WithMaxStale"},
		{"breaker failures", []secrets.Option{secrets.WithCircuitBreaker(0, time.Second, time.Second)}, "WithCircuitBreaker"},
		{"breaker zero open", []secrets.Option{secrets.WithCircuitBreaker(1, 0, time.Second)}, "WithCircuitBreaker"},
		{"breaker max below open", []secrets.Option{secrets.WithCircuitBreaker(1, 2*time.Second, time.Second)}, "WithCircuitBreaker"},
		{"nil files", []secrets.Option{secrets.WithFiles(nil)}, "WithFiles"},
		{"relative dir", []secrets.Option{secrets.WithAbsoluteDirs("run/secrets")}, "WithAbsoluteDirs"},
		{"unclean dir", []secrets.Option{secrets.WithAbsoluteDirs("/run/../etc")}, "WithAbsoluteDirs"},
		{"root dir", []secrets.Option{secrets.WithAbsoluteDirs("/")}, "WithAbsoluteDirs"},
		{"no identity", []secrets.Option{secrets.WithFiles(fstest.MapFS{}), secrets.WithAgeIdentities()}, "WithAgeIdentities"},
		{"bad identity", []secrets.Option{secrets.WithFiles(fstest.MapFS{}), secrets.WithAgeIdentities("AGE-SECRET-KEY-1NOTAKEY")}, "WithAgeIdentities"},
		{"identities without files", []secrets.Option{secrets.WithAgeIdentities("AGE-SECRET-KEY-1NOTAKEY")}, "WithAgeIdentities"},
		{"nil option", []secrets.Option{nil}, "option 0"},
	} {
		_, err := secrets.New(tc.opts...)
		if err == nil {
			t.Errorf("%s: New accepted it", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.option) {
			t.Errorf("%s: error %q does not name %s", tc.name, err, tc.option)
		}
		assertNoLeak(t, "error", err.Error(), "NOTAKEY")
	}
}

// Every bad option is reported at once, nil options included, so that a
// configuration is fixed in one round.
func TestNewReportsEveryBadOption(t *testing.T) {
	t.Parallel()
	_, err := secrets.New(nil, secrets.WithTTL(-time.Second), secrets.WithTimeout(0), nil,
		secrets.WithAgeIdentities("AGE-SECRET-KEY-1NOTAKEY"))
	if err == nil {
		t.Fatal("New accepted them")
	}
	for _, want := range []string{"option 0 is nil", "option 3 is nil", "WithTTL", "WithTimeout",
		"WithAgeIdentities: sops references are decrypted in process only", "WithAgeIdentities: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	joined := err.(interface{ Unwrap() []error }).Unwrap()
	if n := len(joined); n != 6 {
		t.Errorf("%d errors joined, want 6 (two nil options, TTL, timeout, two about the identity)", n)
	}
	for _, e := range joined {
		if !errors.Is(e, secrets.ErrInvalidOption) {
			t.Errorf("%q does not wrap ErrInvalidOption", e)
		}
	}
	assertNoLeak(t, "error", err.Error(), "NOTAKEY")
}

// WithTimeout is a cap on a backend call, not a minimum beside the
// caller's deadline.
func TestWithTimeoutCapsACallWhateverTheDeadline(t *testing.T) {
	t.Parallel()
	f := newFake(nil)
	t.Cleanup(f.Hang())
	r := newResolver(t, f, secrets.WithTimeout(20*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err := r.Resolve(ctx, "ref+fake://hangs")
	wantErr(t, err, "ref+fake://hangs", context.DeadlineExceeded)
	if err != nil && !strings.Contains(err.Error(), "no answer within 20ms") {
		t.Errorf("error %q: the call was not bounded by WithTimeout", show(err))
	}
	if ctx.Err() != nil {
		t.Error("Resolve waited for the caller's deadline")
	}
}

// Every WithOnResolved hook is told every value.
func TestSeveralOnResolvedHooks(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{"ref+fake://a/1": "S3CRET-a"})
	var a, b atomic.Int64
	r := newResolver(t, f,
		secrets.WithOnResolved(func(string) { a.Add(1) }),
		secrets.WithOnResolved(func(string) { b.Add(1) }))
	if _, err := r.Resolve(t.Context(), "ref+fake://a/1"); err != nil {
		t.Fatal(show(err))
	}
	if a.Load() != 1 || b.Load() != 1 {
		t.Errorf("hooks called %d and %d times, want 1 each", a.Load(), b.Load())
	}
}

// A scheme that starts like a prefix is checked whole.
func TestSchemeNamedLikeAPrefix(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{"ref+secretstore://xy": "S3CRET-s"})
	r := secretsNew(t, f, secrets.WithSchemes("secretstore"))
	if v, err := r.Resolve(t.Context(), "ref+secretstore://xy"); err != nil || v != "S3CRET-s" {
		t.Errorf("ref+secretstore://xy with secretstore allowed: %s", show(err))
	}
}

func TestCustomBackendErrorsKeepTheirKind(t *testing.T) {
	t.Parallel()
	f := newFake(nil)
	f.Fail("ref+fake://a/b", fmt.Errorf("lookup: %w", secrets.ErrNotFound))
	f.Fail("ref+fake://c/d", fmt.Errorf("slow: %w", context.DeadlineExceeded))
	r := newResolver(t, f)
	_, err := r.Resolve(t.Context(), "ref+fake://a/b")
	wantErr(t, err, "ref+fake://a/b", secrets.ErrNotFound)
	if errors.Is(err, secrets.ErrBackend) {
		t.Error("a not-found error was also marked ErrBackend")
	}
	_, err = r.Resolve(t.Context(), "ref+fake://c/d")
	wantErr(t, err, "ref+fake://c/d", context.DeadlineExceeded)
}
