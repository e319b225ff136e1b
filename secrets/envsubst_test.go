package secrets_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/secrets"
)

// An envsubst reference whose variable is unset resolves to nothing: that
// is an error naming the variable, not an empty secret.
func TestEnvsubstUnsetVariableIsAnError(t *testing.T) {
	t.Setenv("HUSHFLOW_TEST_SET", "S3CRET-env-value")
	b := secrets.NewValsBackend(secrets.ValsOptions{})
	tests := []struct {
		ref     string
		want    string
		missing string // the variable named, or "" for success
	}{
		{"ref+envsubst://$HUSHFLOW_TEST_SET", "S3CRET-env-value", ""},
		{"ref+envsubst://$HUSHFLOW_TEST_NOT_SET", "", "HUSHFLOW_TEST_NOT_SET"},
		{"ref+envsubst://a-${HUSHFLOW_TEST_NOT_SET_2}-b", "", "HUSHFLOW_TEST_NOT_SET_2"},
		// vals reads a reference as a URL and refuses braces after "://"
		// (${X:-default} never reaches envsubst), so braced forms are only
		// checked for an unset variable, before vals is asked.
	}
	for _, tt := range tests {
		got, err := b.Get(context.Background(), tt.ref)
		if tt.missing != "" {
			if !errors.Is(err, secrets.ErrNotFound) || !strings.Contains(err.Error(), tt.missing) {
				t.Errorf("%s: err = %v, want ErrNotFound naming %s", tt.ref, err, tt.missing)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.ref, got, err, tt.want)
		}
	}
}
