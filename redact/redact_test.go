package redact

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// TestStromCases are the cases of the engine this package replaces.
func TestStromCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		in      any
		want    any
	}{
		{
			name:    "exact match",
			secrets: []string{"super-secret-password"},
			in:      "super-secret-password",
			want:    Mask,
		},
		{
			name:    "substring",
			secrets: []string{"tok_abc123"},
			in:      "Bearer tok_abc123",
			want:    "Bearer " + Mask,
		},
		{
			name:    "nested maps and lists",
			secrets: []string{"hunter22", "tok_abc123"},
			in: map[string]any{
				"db": map[string]any{"password": "hunter22", "host": "db.internal"},
				"headers": []any{
					map[string]any{"Authorization": "Bearer tok_abc123"},
					"plain",
				},
			},
			want: map[string]any{
				"db": map[string]any{"password": Mask, "host": "db.internal"},
				"headers": []any{
					map[string]any{"Authorization": "Bearer " + Mask},
					"plain",
				},
			},
		},
		{
			name:    "no match leaves values untouched",
			secrets: []string{"hunter22"},
			in:      map[string]any{"name": "deploy", "count": float64(42), "n": 42, "ok": true, "nothing": nil},
			want:    map[string]any{"name": "deploy", "count": float64(42), "n": 42, "ok": true, "nothing": nil},
		},
		{
			name: "references masked, not-a-ref kept",
			in: map[string]any{
				"db":    "ref+awsssm:///prod/db/password",
				"api":   "ref+vault://secret/data/api#token",
				"other": "not-a-ref",
			},
			want: map[string]any{"db": Mask, "api": Mask, "other": "not-a-ref"},
		},
		{
			name:    "credentials in a URL",
			secrets: []string{"user123", "pass456"},
			in:      "postgres://user123:pass456@db.host/mydb",
			want:    "postgres://" + Mask + ":" + Mask + "@db.host/mydb",
		},
		{
			name: "reference masked with no secrets known",
			in:   map[string]any{"webhook": "ref+gcpsecrets://my-project/slack-webhook"},
			want: map[string]any{"webhook": Mask},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRedactor(t)
			r.Add(tt.secrets...)
			got := r.Value(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Value = %s, want %s", testkit.Hide(fmt.Sprint(got), tt.secrets...), testkit.Hide(fmt.Sprint(tt.want), tt.secrets...))
			}
			// The same case through JSON text.
			in, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := r.JSON(in)
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			want, _ := json.Marshal(tt.want)
			if !jsonEqual(t, out, want) {
				t.Errorf("JSON = %s, want %s", testkit.Hide(string(out), tt.secrets...), testkit.Hide(string(want), tt.secrets...))
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestOverlappingSecretsMaskTheUnionOfTheirRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"prefix of another", []string{"abcd", "abcdef"}, "abcdefgh", Mask + "gh"},
		{"self-overlap", []string{"abab"}, "ababab", Mask},
		{"contained in another", []string{"secret", "mysecretvalue"}, "x mysecretvalue y", "x " + Mask + " y"},
		{"partial overlap", []string{"abcdef", "defghi"}, "abcdefghi!", Mask + "!"},
		{"touching runs join", []string{"abcd", "wxyz"}, "abcdwxyz", Mask},
		{"apart runs stay apart", []string{"abcd", "wxyz"}, "abcd-wxyz", Mask + "-" + Mask},
		{"every occurrence", []string{"tok_abc123"}, "tok_abc123 and tok_abc123", Mask + " and " + Mask},
		{"secret inside a reference", []string{"data/api"}, "ref+vault://secret/data/api#token here", Mask + " here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRedactor(t)
			r.Add(tt.secrets...)
			assertString(t, r, tt.in, tt.want, tt.secrets...)
		})
	}
}

// A strings.Replacer, one secret after another, leaves part of an
// overlapping secret visible: the reason for this package.
func TestReplacingOneSecretAfterAnotherLeaks(t *testing.T) {
	t.Parallel()
	secrets := []string{"abcd", "cdefgh"}
	in := "abcdefgh"
	naive := in
	for _, s := range secrets {
		naive = strings.ReplaceAll(naive, s, Mask)
	}
	if !strings.Contains(naive, "efgh") {
		t.Fatalf("the naive loop was expected to leak the tail of a secret")
	}
	r := newRedactor(t)
	r.Add(secrets...)
	assertString(t, r, in, Mask, secrets...)
}

func TestMaskHasFixedWidth(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	short, long := "abcd", strings.Repeat("x", 300)
	r.Add(short, long)
	if a, b := r.String("<"+short+">"), r.String("<"+long+">"); a != b || a != "<"+Mask+">" {
		t.Errorf("masks differ by secret length: %d vs %d bytes", len(a), len(b))
	}
}

func TestStringReturnsInputWhenNothingMasked(t *testing.T) {
	// Not parallel: AllocsPerRun refuses to run in a parallel test.
	r := newRedactor(t)
	r.Add("hunter22")
	in := strings.Repeat("plain text ", 10)
	if got := r.String(in); got != in {
		t.Fatalf("String changed text without a secret")
	}
	if n := testing.AllocsPerRun(100, func() { r.String(in) }); n != 0 {
		t.Errorf("String allocated %v times for text without a secret", n)
	}
}

func TestReferences(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ref+awsssm:///prod/db/password", Mask},
		{"token: ref+vault://secret/data/api#token (from vault)", "token: " + Mask + " (from vault)"},
		{"a ref+echo://xx+ b ref+echo://yy", "a " + Mask + " b " + Mask},
		{"secretref+file://a.yaml#/k", Mask},
		{"line1 ref+sops://x.yaml#/a\nline2", "line1 " + Mask + "\nline2"},
		{"not-a-ref", "not-a-ref"},
		{"ref+ alone", "ref+ alone"},
		{"prefer+vault", "prefer+vault"},
	}
	r := newRedactor(t)
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShortSecretsAreMaskedOnlyAsWholeValues(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("a", "xyz") // below DefaultMinLength
	for _, tt := range []struct{ in, want string }{
		{"a", Mask},
		{"xyz", Mask},
		{"banana", "banana"},
		{"xyzzy", "xyzzy"},
		{"YQ==", Mask}, // base64 of "a", as a whole value
		{"eHl6", Mask}, // base64 of "xyz"
		{"eHl6eHl6", "eHl6eHl6"},
	} {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := r.Value(map[string]any{"a": "a", "k": []any{"xyz", "a b"}})
	want := map[string]any{Mask: Mask, "k": []any{Mask, "a b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value = %v, want %v", got, want)
	}
	out, err := r.JSON([]byte(`{"a":"a","k":["xyz","a b"]}`))
	if err != nil || string(out) != `{"`+Mask+`":"`+Mask+`","k":["`+Mask+`","a b"]}` {
		t.Errorf("JSON = %s, %v", out, err)
	}
	var sb strings.Builder
	w := r.Writer(&sb)
	_, _ = w.Write([]byte("a"))
	_ = w.Close()
	if sb.String() != "a" {
		t.Errorf("Writer masked a short secret inside a stream: %q", sb.String())
	}
}

func TestWithMinLength(t *testing.T) {
	t.Parallel()
	r := newRedactor(t, WithMinLength(8))
	r.Add("1234567", "12345678")
	assertString(t, r, "1234567", Mask)
	assertString(t, r, "x1234567x", "x1234567x")
	assertString(t, r, "x12345678x", "x"+Mask+"x")

	one := newRedactor(t, WithMinLength(1))
	one.Add("q")
	assertString(t, one, "aqa", "a"+Mask+"a")
}

func TestWhitespaceSecretIsNeverSearchedInText(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("        ")
	assertString(t, r, "        ", Mask)
	assertString(t, r, "a        b", "a        b")
}

func TestAddNeverForgets(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("old-password")
	r.Add("new-password") // rotation
	r.Add("old-password") // again: no change
	assertString(t, r, "old-password new-password", Mask+" "+Mask, "old-password", "new-password")
	r.Add() // nothing
	r.Add("")
	assertString(t, r, "", "")
}

// Add while other goroutines mask: run with -race.
func TestAddWhileMasking(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("first-secret")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got := r.String("x first-secret x"); got != "x "+Mask+" x" {
					t.Error("a known secret leaked while another was added")
					return
				}
				_, _ = r.JSON([]byte(`{"k":"first-secret"}`))
				r.Value(map[string]any{"k": "first-secret"})
				var sb strings.Builder
				w := r.Writer(&sb)
				_, _ = w.Write([]byte("first-sec"))
				_, _ = w.Write([]byte("ret\n"))
				_ = w.Close()
				if sb.String() != Mask+"\n" {
					t.Error("a known secret leaked from a stream while another was added")
					return
				}
			}
		})
	}
	for i := range 50 {
		r.Add(fmt.Sprintf("added-secret-%03d", i))
	}
	close(stop)
	wg.Wait()
	for i := range 50 {
		s := fmt.Sprintf("added-secret-%03d", i)
		assertString(t, r, s, Mask, s)
	}
}

func TestAddOfAKnownValueChangesNothing(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	for i := range 20 {
		r.Add(fmt.Sprintf("burst-secret-%02d", i))
	}
	gen, patterns := r.gen.Load(), r.ix.patterns
	r.Add("burst-secret-07", "", "burst-secret-08") // known already
	if r.gen.Load() != gen || r.ix.patterns != patterns {
		t.Error("an Add of known secrets changed the index")
	}
	assertString(t, r, "x burst-secret-07 x", "x "+Mask+" x", "burst-secret-07")
}

// Secrets with a long common prefix (API keys of one vendor) are filed under
// anchors of their own, so that no hit compares many patterns.
func TestCommonPrefixesSpreadOverAnchors(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	var secrets []string
	for i := range 200 {
		s := fmt.Sprintf("sk_live_000000000000%04d_tail", i)
		secrets = append(secrets, s)
	}
	r.Add(secrets...)
	for i, s := range secrets {
		if got := r.String("<" + s + ">"); got != "<"+Mask+">" {
			t.Errorf("secret %d leaked", i)
		}
	}
	// No anchor holds more than maxChain patterns.
	for i := range r.ix.shards {
		tab := r.ix.shards[i].Load()
		if tab == nil {
			continue
		}
		for j := range tab.slots {
			if tab.slots[j].head.Load() == 0 {
				continue
			}
			if n := r.ix.chainLen(tab.slots[j].key.Load()); n > maxChain {
				t.Fatalf("an anchor is shared by %d patterns", n)
			}
		}
	}
}

func TestManyDistinctBytes(t *testing.T) {
	t.Parallel()
	// coregx v0.3.1 breaks with 255 or more distinct bytes in one automaton.
	r := newRedactor(t)
	var secrets []string
	for i := range 256 {
		s := string([]byte{byte(i), byte(255 - i), byte(i), 0x7f, byte(i)})
		secrets = append(secrets, s)
	}
	r.Add(secrets...)
	for i, s := range secrets {
		if got := r.String("_" + s + "_"); got != "_"+Mask+"_" {
			t.Errorf("binary secret %d leaked", i)
		}
	}
}
