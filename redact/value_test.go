package redact

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestValueIsADeepCopy(t *testing.T) {
	t.Parallel()
	r := New()
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
	r := New()
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
			t.Fatalf("Value = %v, want %v", hide(fmt.Sprint(got), secrets...), want)
		}
	}
	gotStrings := r.Value(map[string]string{"x-key-one-secret": "a", "x-key-two-secret": "b"})
	wantStrings := map[string]string{"x-" + Mask: "a", "x-" + Mask + "#2": "b"}
	if !reflect.DeepEqual(gotStrings, wantStrings) {
		t.Errorf("Value = %v, want %v", hide(fmt.Sprint(gotStrings), secrets...), wantStrings)
	}
}

func TestValueNumbers(t *testing.T) {
	t.Parallel()
	r := New()
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
	plain := New()
	plain.Add("not-a-number")
	if plain.load().numeric {
		t.Error("numeric set without a numeric secret")
	}
}

// Numbers are searched in the text encoding/json writes for them.
func TestFormatFloatMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	values := []float64{0, 1, -1, 1e20, 1e21, 1e-6, 1e-7, 123456789, 0.1, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-9}
	for range 1000 {
		values = append(values, math.Float64frombits(rng.Uint64()))
	}
	for _, f := range values {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			continue
		}
		want, _ := json.Marshal(f)
		if got := formatFloat(f, 64); got != string(want) {
			t.Errorf("formatFloat(%v) = %s, encoding/json writes %s", f, got, want)
		}
		f32 := float32(f)
		if math.IsInf(float64(f32), 0) {
			continue
		}
		want32, _ := json.Marshal(f32)
		if got := formatNumber(f32); got != string(want32) {
			t.Errorf("formatNumber(float32 %v) = %s, encoding/json writes %s", f32, got, want32)
		}
	}
}

func TestValueOtherTypesGoThroughJSON(t *testing.T) {
	t.Parallel()
	r := New()
	r.Add("tok_abc123")
	type step struct {
		Name  string            `json:"name"`
		Env   map[string]string `json:"env"`
		Count int               `json:"count"`
	}
	got := r.Value(step{Name: "deploy", Env: map[string]string{"TOKEN": "tok_abc123"}, Count: 2})
	want := map[string]any{"name": "deploy", "env": map[string]any{"TOKEN": Mask}, "count": json.Number("2")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Value(struct) = %v, want %v", hide(fmt.Sprint(got), "tok_abc123"), want)
	}
	p := "tok_abc123"
	if got := r.Value(&p); got != Mask {
		t.Errorf("Value(*string) leaked or changed: %v", hide(fmt.Sprint(got), p))
	}
	// What encoding/json cannot encode is masked whole.
	for _, v := range []any{make(chan int), func() {}, []any{complex(1, 2)}[0]} {
		if got := r.Value(v); got != Mask {
			t.Errorf("Value(%T) = %v, want the mask", v, got)
		}
	}
}

func TestValueStopsOnCycles(t *testing.T) {
	t.Parallel()
	r := New()
	cyclic := map[string]any{"name": "loop"}
	cyclic["self"] = cyclic
	out := r.Value(cyclic).(map[string]any)
	depth := 0
	for v := any(out); ; depth++ {
		m, ok := v.(map[string]any)
		if !ok {
			if v != Mask {
				t.Errorf("the end of a cycle is %v, want the mask", v)
			}
			break
		}
		v = m["self"]
	}
	if depth != maxDepth+1 {
		t.Errorf("cycle cut at depth %d, want %d", depth, maxDepth+1)
	}
}
