package secrets_test

// Issue 9: secrets errors and logs never carry a credential.

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/secrets"
)

// A backend that echoes the reference it was asked for, in every encoding
// a real one might (a URL in a Go error, a decoded query, a JSON body, lower
// case escapes): none of the reference's credentials reach the error or
// the log.
func TestCredentialsNeverReachErrorsOrLogs(t *testing.T) {
	t.Parallel()
	const (
		password = "S3CRETpass@word"
		apiKey   = "Hunter2+Xyz9/S3CRET"
	)
	encoded := url.QueryEscape(apiKey) // Hunter2%2BXyz9%2FS3CRET
	ref := "ref+fake://deploy:" + url.PathEscape(password) + "@vault.example/v1/x?address=https://v:8200&api_key=" + encoded + "#/k"
	leaks := []string{password, url.PathEscape(password), url.QueryEscape(password), apiKey, encoded,
		strings.ToLower(encoded[:9]) + encoded[9:], "Hunter2%2bXyz9", `Hunter2+Xyz9\/S3CRET`}
	for _, echo := range []string{
		"GET https://" + ref[len("ref+fake://"):] + ": 401",
		"api_key=" + apiKey + " rejected; user deploy:" + password,
		`{"error":"bad key Hunter2+Xyz9\/S3CRET"}`,
		"url: " + strings.ReplaceAll(ref, "%2B", "%2b"),
	} {
		f := newFake(nil)
		f.Fail(ref, errors.New(echo))
		var log syncBuffer
		r := newResolver(t, f, secrets.WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		_, err := r.Resolve(t.Context(), "x "+ref+" y")
		wantErr(t, err, "ref+fake://vault.example/v1/x#/k", secrets.ErrBackend)
		if err != nil {
			assertNoLeak(t, "error", err.Error(), leaks...)
		}
		assertNoLeak(t, "log", log.String(), leaks...)
	}
}

// A credential too short to mask where it stands withholds the message.
func TestShortCredentialWithholdsTheMessage(t *testing.T) {
	t.Parallel()
	ref := "ref+fake://host/x?token=q7"
	f := newFake(nil)
	f.Fail(ref, errors.New("token q7 refused"))
	r := newResolver(t, f)
	_, err := r.Resolve(t.Context(), ref)
	wantErr(t, err, "ref+fake://host/x", secrets.ErrBackend)
	if err != nil && (strings.Contains(err.Error(), "q7") || !strings.Contains(err.Error(), "withheld")) {
		t.Errorf("error %q: want the message withheld", show(err))
	}
}

// A scheme built from a nested reference's value is refused without being
// quoted, in any case.
func TestSchemeFromANestedValueIsNeverQuoted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, value string }{
		{"scheme", "ref+ref+fake://tok+://x/y", "S3CRET-Scheme"},
		{"allowed scheme", "ref+ref+fake://tok+://x/y", "fake"},
		{"part of a scheme", "ref+fa-ref+fake://tok+://x/y", "S3CRET"},
		{"a value that is a reference", "ref+fake://a/ref+fake://tok", "ref+exec://S3CRET-cmd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(map[string]string{"ref+fake://tok": tc.value})
			r := newResolver(t, f)
			before := f.Total()
			_, err := r.Resolve(t.Context(), tc.in)
			wantErr(t, err, "ref+fake://tok", secrets.ErrSchemeNotAllowed)
			if err != nil && strings.Contains(tc.value, "S3CRET") {
				assertNoLeak(t, "error", err.Error(), tc.value, strings.ToLower(tc.value), "S3CRET", "s3cret")
			}
			if f.Total() != before+1 {
				t.Errorf("backend asked %d times, want once (the inner reference)", f.Total()-before)
			}
		})
	}
}

// A nested value fills a reference; it cannot add a query, a fragment or
// userinfo to it (an address= that sends the token elsewhere, say).
func TestNestedValueCannotShapeTheReference(t *testing.T) {
	t.Parallel()
	for _, value := range []string{"x?address=http://attacker", "x&token_env=S3CRET", "x#/other", "attacker@x"} {
		f := newFake(map[string]string{"ref+fake://app": value})
		r := newResolver(t, f)
		_, err := r.Resolve(t.Context(), "ref+fake://secret/data/ref+fake://app+?address=http://vault#/token")
		wantErr(t, err, "ref+fake://app", secrets.ErrInvalidRef)
		if err != nil {
			assertNoLeak(t, "error", err.Error(), value)
		}
		if n := f.Total(); n != 1 {
			t.Errorf("%d backend calls, want 1 (the inner reference only)", n)
		}
	}
	// A value in the path, or in a query value the author wrote, is fine.
	f := newFake(map[string]string{"ref+fake://app": "billing", "ref+fake://secret/data/billing?address=http://vault#/token": "S3CRET-t"})
	r := newResolver(t, f)
	if v, err := r.Resolve(t.Context(), "ref+fake://secret/data/ref+fake://app+?address=http://vault#/token"); err != nil || v != "S3CRET-t" {
		t.Errorf("a value in the path: %s", show(err))
	}
}
