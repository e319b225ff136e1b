package advtest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/redact"
)

// TestCutSecretInsideEscapes: a prefix of a secret that ends the text (or a
// suffix that starts it), at least 8 bytes and half the secret, is masked
// when written as it is, and JSON masks it in a JSON string with \u
// escapes; but String and Writer miss the same cut once it is escaped (a
// URL query truncated at a log line's size limit, a JSON-escaped log line
// cut at its start), though the escaped whole secret is masked there.
func TestCutSecretInsideEscapes(t *testing.T) {
	const s = "Hunter2+Xylophone&Quartz'q"
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	r.Add(s)
	for _, tc := range []struct{ text, piece string }{
		{"GET /cb?token=Hunter2%2BXylophone%26Qu", "Hunter2%2BXylophone"},
		{`Xylophone&Quartz\u0027q","level":"info"}`, "Xylophone&Quartz"},
		{"token=Hunter2+Xylophone&amp;Qu", "Hunter2+Xylophone"},
	} {
		if m := r.String(tc.text); strings.Contains(m, tc.piece) {
			t.Errorf("String(%q) = %q", tc.text, m)
		}
		var b bytes.Buffer
		w := r.Writer(&b)
		w.Write([]byte(tc.text))
		w.Close()
		if strings.Contains(b.String(), tc.piece) {
			t.Errorf("Writer: %q -> %q", tc.text, b.String())
		}
	}
}
