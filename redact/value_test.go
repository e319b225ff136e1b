package redact

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

func TestValueIsADeepCopy(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("hunter22")
	in := map[string]any{
		"list": []any{"a", map[string]any{"k": "v"}},
		"env":  map[string]string{"A": "1"},
		"args": []string{"x"},
	}
	out := r.Value(in).(map[string]any)
	out["list"].([]any)[0] = "changed"
	out["list"].([]any)[1].(map[string]any)["k"] = "changed"
	out["env"].(map[string]string)["A"] = "changed"
	out["args"].([]string)[0] = "changed"
	out["new"] = true
	want := map[string]any{
		"list": []any{"a", map[string]any{"k": "v"}},
		"env":  map[string]string{"A": "1"},
		"args": []string{"x"},
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("changing the copy changed the input: %v", in)
	}
}

func TestValueMasksKeysWithoutDroppingValues(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	secrets := []string{"key-one-secret", "key-two-secret"}
	r.Add(secrets...)
	in := map[string]any{
		"key-one-secret": 1.0,
		"key-two-secret": 2.0,
		Mask:             3.0, // a key that already reads like a mask keeps its text
		"plain":          4.0,
	}
	want := map[string]any{Mask: 3.0, Mask + "#2": 1.0, Mask + "#3": 2.0, "plain": 4.0}
	for range 20 { // map order is random: the result must not be
		if got := r.Value(in); !reflect.DeepEqual(got, want) {
			t.Fatalf("Value = %v, want %v", testkit.Hide(fmt.Sprint(got), secrets...), want)
		}
	}
	gotStrings := r.Value(map[string]string{"x-key-one-secret": "a", "x-key-two-secret": "b"})
	wantStrings := map[string]string{"x-" + Mask: "a", "x-" + Mask + "#2": "b"}
	if !reflect.DeepEqual(gotStrings, wantStrings) {
		t.Errorf("Value = %v, want %v", testkit.Hide(fmt.Sprint(gotStrings), secrets...), wantStrings)
	}
}

func TestValueNumbers(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("31337", "271828", "12") // "12" is short: whole values only
	tests := []struct {
		in, want any
	}{
		{float64(31337), Mask},
		{3.271828, Mask},
		{float64(1.5), 1.5},
		{float64(12), Mask},
		{float64(123), float64(123)},
		{json.Number("31337"), Mask},
		{json.Number("9931337"), Mask},
		{json.Number("12"), Mask},
		{json.Number("42"), json.Number("42")},
		{31337, Mask},
		{int64(-31337), Mask},
		{uint16(31337), Mask},
		{float32(31337), Mask},
		{42, 42},
		{uint8(12), Mask},
		{true, true},
	}
	for _, tt := range tests {
		if got := r.Value(tt.in); got != tt.want {
			t.Errorf("Value(%T %v) = %v, want %v", tt.in, tt.in, got, tt.want)
		}
	}
	out, err := r.JSON([]byte(`[12, 123, 31337, 1.2]`))
	if want := `["` + Mask + `", 123, "` + Mask + `", 1.2]`; err != nil || string(out) != want {
		t.Errorf("JSON = %s, %v; want %s", out, err, want)
	}
	// Without a secret that could be a number, numbers are not even formatted.
	plain := newRedactor(t)
	plain.Add("not-a-number")
	if m := plain.load(); m.numeric {
		t.Error("numeric set without a numeric secret")
	}
}

func TestValueOtherTypesGoThroughJSON(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")
	type step struct {
		Name  string            `json:"name"`
		Env   map[string]string `json:"env"`
		Count int               `json:"count"`
	}
	got := r.Value(step{Name: "deploy", Env: map[string]string{"TOKEN": "tok_abc123"}, Count: 2})
	want := map[string]any{"name": "deploy", "env": map[string]any{"TOKEN": Mask}, "count": json.Number("2")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value(struct) = %v, want %v", testkit.Hide(fmt.Sprint(got), "tok_abc123"), want)
	}
	p := "tok_abc123"
	if got := r.Value(&p); got != Mask {
		t.Errorf("Value(*string) leaked or changed: %v", testkit.Hide(fmt.Sprint(got), p))
	}
	// What encoding/json cannot encode is masked whole.
	for _, v := range []any{make(chan int), func() {}, []any{complex(1, 2)}[0]} {
		if got := r.Value(v); got != Mask {
			t.Errorf("Value(%T) = %v, want the mask", v, got)
		}
	}
}

// Value copies a map or a slice met twice once: the copy shares and cycles
// as the input does, and the walk takes time in proportion to the distinct
// values, not to the paths to them.
func TestValueKeepsSharingAndCycles(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("tok_abc123")

	// A leaf under 2^20 paths: walked once.
	var calls int
	level := map[string]any{"leaf": &countingMarshaler{calls: &calls}, "token": "tok_abc123"}
	for range 20 {
		level = map[string]any{"a": level, "b": level}
	}
	out := r.Value(level).(map[string]any)
	if calls != 1 {
		t.Fatalf("a shared value was encoded %d times, want once", calls)
	}
	if a, b := out["a"].(map[string]any), out["b"].(map[string]any); reflect.ValueOf(a).UnsafePointer() != reflect.ValueOf(b).UnsafePointer() {
		t.Error("the copies of a shared map are not shared")
	}

	// A map holding itself twice, and a slice holding itself.
	cyclic := map[string]any{"name": "tok_abc123"}
	cyclic["self"], cyclic["again"] = cyclic, cyclic
	list := []any{"tok_abc123", nil}
	list[1] = list
	cyclic["list"] = list
	got := r.Value(cyclic).(map[string]any)
	if got["name"] != Mask {
		t.Error("a secret in a cyclic map leaked")
	}
	if reflect.ValueOf(got["self"]).UnsafePointer() != reflect.ValueOf(got).UnsafePointer() ||
		reflect.ValueOf(got["again"]).UnsafePointer() != reflect.ValueOf(got).UnsafePointer() {
		t.Error("the copy of a map holding itself does not hold itself")
	}
	gotList := got["list"].([]any)
	if gotList[0] != Mask || &gotList[1].([]any)[0] != &gotList[0] {
		t.Error("the copy of a slice holding itself is not masked or does not hold itself")
	}
	if reflect.ValueOf(cyclic["self"]).UnsafePointer() != reflect.ValueOf(cyclic).UnsafePointer() || cyclic["name"] != "tok_abc123" {
		t.Error("the input changed")
	}
}

type countingMarshaler struct{ calls *int }

func (c *countingMarshaler) MarshalJSON() ([]byte, error) {
	*c.calls++
	return []byte(`"x"`), nil
}

// Go values go through encoding/json, which walks a shared pointer once per
// path: one that would take more than maxJSONNodes is masked whole.
func TestValueBoundsWhatEncodingJSONWalks(t *testing.T) {
	t.Parallel()
	type node struct{ A, B *node }
	n := &node{}
	for range 40 { // 2^40 paths
		n = &node{A: n, B: n}
	}
	if got := newRedactor(t).Value(n); got != Mask {
		t.Errorf("Value = %T, want the mask", got)
	}
}
