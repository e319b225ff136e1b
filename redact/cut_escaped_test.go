package redact

import (
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A piece of a secret that an end of the text cuts is masked escaped as it
// is plain: the cut rule holds in the decoded views that reach that end
// (a URL query truncated at a log line's size limit, a JSON-escaped log
// line cut at its start), nested ones included. In the middle of the text
// the escaped piece stays, as the plain one does.
func TestCutSecretsInsideEscapes(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2+Xylophone&Quartz'q" // 26 bytes
	r := newRedactor(t)
	r.Add(secret)
	tests := []struct{ name, in, want string }{
		{"URL-escaped prefix ends the text", "GET /cb?token=Hunter2%2BXylophone%26Qu", "GET /cb?token=" + Mask},
		{"URL-escaped prefix, lower-case hex", "token=Hunter2%2bXylophone%26qu", "token=" + Mask},
		{"JSON-escaped suffix starts the text", `Xylophone&Quartz\u0027q","level":"info"}`, Mask + `","level":"info"}`},
		{"HTML-escaped prefix ends the text", "token=Hunter2+Xylophone&amp;Qu", "token=" + Mask},
		{"HTML escape inside a URL escape", "next=Hunter2%2BXylophone%26amp%3BQu", "next=" + Mask},
		{"URL-escaped prefix in the middle", "a Hunter2%2BXylophone%26Qu b", "a Hunter2%2BXylophone%26Qu b"},
		{"JSON-escaped suffix in the middle", `a Xylophone&Quartz\u0027q b`, `a Xylophone&Quartz\u0027q b`},
		{"URL-escaped prefix shorter than half", "token=Hunter2%2BXy", "token=Hunter2%2BXy"},
	}
	hide := []string{secret, "Hunter2+Xylophone", "Xylophone&Quartz"}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("%s: String = %s, want %s", tt.name, testkit.Hide(got, hide...), testkit.Hide(tt.want, hide...))
		}
		for _, piece := range []int{1, 3, 7, 4096} {
			if got := writeInSizes(t, r, tt.in, piece); got != tt.want {
				t.Errorf("%s: Writer, writes of %d = %s", tt.name, piece, testkit.Hide(got, hide...))
			}
		}
	}
}
