package secretstest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

func TestStoreAnswersAsTold(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused")
	tests := []struct {
		name    string
		setup   func(*secretstest.Store)
		ref     string
		want    string
		wantErr error
	}{
		{"value", nil, "ref+fake://a", "value-a", nil},
		{"unknown reference", nil, "ref+fake://nope", "", secrets.ErrNotFound},
		{"one reference fails", func(s *secretstest.Store) { s.Fail("ref+fake://a", down) }, "ref+fake://a", "", down},
		{"others still answer", func(s *secretstest.Store) { s.Fail("ref+fake://b", down) }, "ref+fake://a", "value-a", nil},
		{"outage", func(s *secretstest.Store) { s.FailAll(down) }, "ref+fake://a", "", down},
		{"outage over", func(s *secretstest.Store) { s.FailAll(down); s.FailAll(nil) }, "ref+fake://a", "value-a", nil},
		{"set", func(s *secretstest.Store) { s.Set("ref+fake://a", "rotated") }, "ref+fake://a", "rotated", nil},
		{"latency honouring the context", func(s *secretstest.Store) { s.SetLatency(time.Hour); s.HonourContext(true) },
			"ref+fake://a", "", context.DeadlineExceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := secretstest.New(map[string]string{"ref+fake://a": "value-a"})
			if tc.setup != nil {
				tc.setup(s)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			got, err := s.Get(ctx, tc.ref)
			if got != tc.want || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Errorf("Get = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
			if s.Calls(tc.ref) != 1 || s.Total() != 1 {
				t.Errorf("Calls = %d, Total = %d; want 1, 1", s.Calls(tc.ref), s.Total())
			}
		})
	}
}

func TestHangBlocksUntilReleased(t *testing.T) {
	t.Parallel()
	s := secretstest.New(map[string]string{"ref+fake://a": "value-a"})
	release := s.Hang()
	done := make(chan string)
	for range 3 {
		go func() { v, _ := s.Get(context.Background(), "ref+fake://a"); done <- v }()
	}
	if err := s.WaitBlocked(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	if s.InFlight() != 3 || s.MaxInFlight() != 3 {
		t.Errorf("InFlight %d, MaxInFlight %d; want 3, 3", s.InFlight(), s.MaxInFlight())
	}
	release()
	release() // idempotent
	for range 3 {
		if v := <-done; v != "value-a" {
			t.Errorf("a released call answered %q", v)
		}
	}
	if v, err := s.Get(t.Context(), "ref+fake://a"); v != "value-a" || err != nil {
		t.Errorf("after release: %q, %v", v, err)
	}
}

func TestPanicsIsAsked(t *testing.T) {
	t.Parallel()
	s := secretstest.New(nil)
	s.SetPanics(true)
	defer func() {
		if recover() == nil {
			t.Error("Get did not panic")
		}
	}()
	_, _ = s.Get(t.Context(), "ref+fake://a")
}
