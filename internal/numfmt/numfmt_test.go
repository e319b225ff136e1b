package numfmt

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{0, 1, -1, 1.5, 12345678, 1e-7, 1e-6, 1e20, 1e21, 123456789.125, -0.000001234, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := JSON(f, 64); got != string(want) {
			t.Errorf("JSON(%v) = %s, encoding/json writes %s", f, got, want)
		}
		f32 := float32(f)
		if math.IsInf(float64(f32), 0) {
			continue
		}
		want32, _ := json.Marshal(f32)
		if got := JSON(float64(f32), 32); got != string(want32) {
			t.Errorf("JSON(float32 %v) = %s, encoding/json writes %s", f32, got, want32)
		}
	}
}

func TestSerdeJSONAsRyu(t *testing.T) {
	t.Parallel()
	// Expected texts are those of ryu's pretty format, which serde_json (and
	// so Tera) prints.
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{3, "3.0"},
		{1.5, "1.5"},
		{-2.25, "-2.25"},
		{12345678, "12345678.0"},
		{0.001, "0.001"},
		{0.00001, "0.00001"},
		{0.000001, "1e-6"},
		{1e-7, "1e-7"},
		{1.5e-7, "1.5e-7"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e16"},
		{1.25e16, "1.25e16"},
		{123.456, "123.456"},
		{1.5e300, "1.5e300"},
	}
	for _, tt := range tests {
		if got := SerdeJSON(tt.f); got != tt.want {
			t.Errorf("SerdeJSON(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestFormsAreDistinct(t *testing.T) {
	t.Parallel()
	got := Forms(12345678, 64)
	want := []string{"12345678", "1.2345678e+07", "12345678.0"} // JSON and Display agree
	if len(got) != len(want) {
		t.Fatalf("Forms = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Forms = %q, want %q", got, want)
		}
	}
	if got := Forms(1.5, 64); len(got) != 1 {
		t.Errorf("Forms(1.5) = %q, want one form", got)
	}
}

func TestDisplayAsRust(t *testing.T) {
	t.Parallel()
	// Expected texts are what Rust's {} prints for an f64.
	a, b := 0.1, 0.2 // variables: Go folds constant arithmetic exactly
	tests := []struct {
		f    float64
		want string
	}{
		{3, "3"}, {1.5, "1.5"}, {1e-7, "0.0000001"}, {1e21, "1000000000000000000000"},
		{a + b, "0.30000000000000004"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := Display(tt.f, 64); got != tt.want {
			t.Errorf("Display(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestAppendFormsIsForms(t *testing.T) { // not parallel: AllocsPerRun
	rng := rand.New(rand.NewPCG(1, 2))
	values := []float64{0, math.Copysign(0, -1), 3, 1e21, 1e-7, 12345678, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64}
	for range 2000 {
		values = append(values, math.Float64frombits(rng.Uint64()), float64(rng.Int64N(1e18)), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)))
	}
	buf := []byte("before")
	for _, f := range values {
		for _, bits := range []int{32, 64} {
			if bits == 32 {
				f = float64(float32(f))
			}
			var ends [NumForms]int
			var n int
			buf, ends, n = AppendForms(buf[:6], f, bits)
			want := Forms(f, bits)
			if string(buf[:6]) != "before" || n != len(want) {
				t.Fatalf("AppendForms(%v, %d) wrote %q in %d texts, Forms gives %q", f, bits, buf, n, want)
			}
			start := 6
			for i, end := range ends[:n] {
				if got := string(buf[start:end]); got != want[i] {
					t.Errorf("AppendForms(%v, %d) text %d = %q, Forms gives %q", f, bits, i, got, want[i])
				}
				if g, err := strconv.ParseFloat(want[i], bits); err == nil && g != f && !math.IsNaN(f) {
					t.Errorf("%q reads back as %v, not %v", want[i], g, f)
				}
				start = end
			}
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { buf, _, _ = AppendForms(buf[:0], 1.2345678e300, 64) }); allocs != 0 {
		t.Errorf("AppendForms into a buffer with room allocates %v times, want 0", allocs)
	}
}
