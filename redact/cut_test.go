package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A piece of a secret that an end of the text cuts (a log line truncated at
// a size limit, a stream closed mid-value) is masked when it is at least 8
// bytes and half the secret; the same piece in the middle of a text is not
// the secret and stays.
func TestCutSecretsAtTheEndsOfTheText(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Password-X" // 18 bytes
	r := newRedactor(t)
	r.Add(secret)
	tests := []struct {
		name, in, want string
	}{
		{"a prefix ends the text", "token=" + secret[:17], "token=" + Mask},
		{"a prefix of half the secret", "token=" + secret[:9], "token=" + Mask},
		{"a prefix in other case", "token=" + strings.ToUpper(secret[:12]), "token=" + Mask},
		{"a suffix starts the text", secret[1:] + " was the token", Mask + " was the token"},
		{"a suffix of half the secret", secret[9:] + " was the token", Mask + " was the token"},
		{"a prefix shorter than half", "token=" + secret[:8], "token=" + secret[:8]},
		{"a suffix shorter than half", secret[10:] + " rest", secret[10:] + " rest"},
		{"a prefix in the middle", "a " + secret[:17] + " b", "a " + secret[:17] + " b"},
		{"a suffix in the middle", "a " + secret[1:] + " b", "a " + secret[1:] + " b"},
	}
	for _, tt := range tests {
		assertString(t, r, tt.in, tt.want, secret)
	}
}

func TestCutSecretsInJSONStrings(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Password-X"
	r := newRedactor(t)
	r.Add(secret)
	doc, _ := json.Marshal(map[string]any{"log": []string{"token=" + secret[:15], secret[3:] + "...", "mid " + secret[:15] + " dle"}})
	out, err := r.JSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"token=" + Mask, Mask + "...", "mid " + secret[:15] + " dle"}
	for i := range want {
		if got["log"][i] != want[i] {
			t.Errorf("string %d = %s, want %s", i, testkit.Hide(got["log"][i], secret), testkit.Hide(want[i], secret))
		}
	}
}

// A Writer closed mid-value masks the prefix it holds; a stream that opens
// with the rest of a secret masks it, whatever the Writes' sizes.
func TestWriterMasksCutSecretsAtItsEnds(t *testing.T) {
	t.Parallel()
	const secret = "Hunter2-Password-X"
	r := newRedactor(t)
	r.Add(secret)
	filler := strings.Repeat("log line ok\n", 20)
	for _, tt := range []struct{ name, in, want string }{
		{"closed mid-value", filler + "token=" + secret[:17], filler + "token=" + Mask},
		{"opens with the rest", secret[2:] + "\n" + filler, Mask + "\n" + filler},
	} {
		for _, piece := range []int{1, 3, 7, 64, 4096} {
			if got := writeInSizes(t, r, tt.in, piece); got != tt.want {
				t.Errorf("%s, writes of %d: got %s", tt.name, piece, testkit.Hide(got, secret, secret[:17], secret[2:]))
			}
		}
	}
}
