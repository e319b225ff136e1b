package redact

import (
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/ref"
)

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []Option
		wantErr string // "" for none
	}{
		{"none", nil, ""},
		{"a minimum length of 1", []Option{WithMinLength(1)}, ""},
		{"a minimum length of 0", []Option{WithMinLength(0)}, "WithMinLength(0)"},
		{"a negative minimum length", []Option{WithMinLength(-3)}, "WithMinLength(-3)"},
		{"a nil option", []Option{WithReferencesVisible(), nil}, "option 1 is nil"},
		{"every bad option is named", []Option{nil, WithMinLength(0), nil}, "option 0 is nil|WithMinLength(0)|option 2 is nil"},
	}
	for _, tt := range tests {
		r, err := New(tt.opts...)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: New: %v", tt.name, err)
		case tt.wantErr != "" && !errors.Is(err, ErrInvalidOption):
			t.Errorf("%s: New = %v, want an ErrInvalidOption", tt.name, err)
		case tt.wantErr != "" && !containsAll(err.Error(), strings.Split(tt.wantErr, "|")):
			t.Errorf("%s: New = %v, want an error naming %q", tt.name, err, tt.wantErr)
		case tt.wantErr != "" && r != nil:
			t.Errorf("%s: New returned a Redactor beside its error", tt.name)
		}
	}
}

func TestKnows(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("  padded-secret  ", "abc", "another-secret")
	tests := []struct {
		value string
		want  bool
	}{
		{"  padded-secret  ", true},
		{"padded-secret", false}, // a form, not a value taught
		{"abc", true},            // short ones too
		{"another-secret", true},
		{"ANOTHER-SECRET", false},
		{"YWJj", false}, // base64 of "abc"
		{"", false},
		{"unknown", false},
	}
	for _, tt := range tests {
		if got := r.Knows(tt.value); got != tt.want {
			t.Errorf("Knows(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestWithReferencesVisible(t *testing.T) {
	t.Parallel()
	visible := newRedactor(t, WithReferencesVisible())
	visible.Add("hunter22")
	masked := newRedactor(t)
	masked.Add("hunter22")
	const in = "fetch ref+vault://secret/data/api#token with hunter22"
	if got, want := visible.String(in), "fetch ref+vault://secret/data/api#token with "+Mask; got != want {
		t.Errorf("visible: String = %q, want %q", got, want)
	}
	if got, want := masked.String(in), "fetch "+Mask+" with "+Mask; got != want {
		t.Errorf("default: String = %q, want %q", got, want)
	}
	if got := writeInPieces(t, visible, in, 10, 30); got != visible.String(in) {
		t.Errorf("visible: Writer = %q", got)
	}
	out, err := visible.JSON([]byte(`{"k":"ref+vault://secret/data/api#token"}`))
	if err != nil || !strings.Contains(string(out), "ref+vault") {
		t.Errorf("visible: JSON = %s, %v", out, err)
	}
}

// Reference syntax comes from internal/ref alone: String, Writer (cut
// anywhere) and ref.FindAll agree, schemes that start with "secret"
// included.
func TestReferencesAsInternalRefFindsThem(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	for _, in := range []string{
		"ref+secretstore://xy done", "a secretref+secretstore://xy+b", "ref+store://x/y",
		"x ref+secretstore://a/b+ y", "ref+secretref+x://yy", "secretsecretref+file://a#/k z",
		"ref+a:b://cc ref+echo://dd", `{"k":"ref+echo://xy"}`, "ref+echo://x", "ref+ alone",
	} {
		var want []span
		for _, s := range ref.FindAll(in) {
			want = append(want, span{s.Start, s.End})
		}
		m := r.load()
		if got := m.spans([]byte(in), nil); !equalSpans(got, merge(want)) {
			t.Errorf("%q: spans %v, ref.FindAll %v", in, got, want)
		}
		for cut := 0; cut <= len(in); cut++ {
			if got, want := writeInPieces(t, r, in, cut), r.String(in); got != want {
				t.Errorf("%q cut at %d: Writer %q, String %q", in, cut, got, want)
			}
		}
	}
}

func equalSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
