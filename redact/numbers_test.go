package redact

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A number is written differently by each output: float64(12345678) is
// 12345678 in encoding/json and slog's JSONHandler, 1.2345678e+07 in
// TextHandler and fmt. A numeric secret is masked in all of them, and so
// is a number whose value is the secret's.
func TestNumbersInEveryOutput(t *testing.T) {
	t.Parallel()
	const secret = "12345678"
	forbidden := []string{secret, "1.2345678e+07", "1.2345678e7", "12345678.0"}
	r := newRedactor(t)
	r.Add(secret)

	values := []struct {
		name string
		v    any
	}{
		{"float64", float64(12345678)},
		{"float32", float32(12345678)},
		{"int", 12345678},
		{"uint64", uint64(12345678)},
		{"json.Number", json.Number("12345678")},
		{"json.Number in exponent form", json.Number("1.2345678e7")},
	}
	for _, tt := range values {
		if got := r.Value(tt.v); got != Mask {
			t.Errorf("Value(%s) = %v, want the mask", tt.name, testkit.Hide(toString(got), forbidden...))
		}
		var buf bytes.Buffer
		for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
			slog.New(r.Handler(h)).With("bound", tt.v).WithGroup("g").Info("n", "n", tt.v, slog.Any("any", tt.v))
		}
		testkit.AssertNoLeak(t, "slog with "+tt.name, buf.String(), forbidden...)
	}
	for _, doc := range []string{`{"n":12345678}`, `{"n":1.2345678e7}`, `[12345678.0]`, `{"k":"x 12345678 y"}`} {
		out, err := r.JSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		testkit.AssertNoLeak(t, "JSON", string(out), forbidden...)
	}
	var buf bytes.Buffer
	slog.New(r.Handler(slog.NewJSONHandler(&buf, nil))).Info("d", "d", time.Duration(12345678))
	testkit.AssertNoLeak(t, "a duration in JSONHandler", buf.String(), forbidden...)
}

// A secret written as a number in another form ("1e7", as YAML might
// hold it) is masked in every form of its value.
func TestNumericSecretInOtherForms(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("1e7")
	for _, v := range []any{float64(1e7), 10000000, json.Number("10000000")} {
		if got := r.Value(v); got != Mask {
			t.Errorf("Value(%T %v) = %v, want the mask", v, v, got)
		}
	}
	// "0123" is not a number's text: 123 stays.
	r.Add("0123")
	if got := r.Value(123); got != 123 {
		t.Errorf("Value(123) = %v: a PIN with a leading zero masks numbers", got)
	}
}

// Infinities and NaN are numbers too: a secret that is their text ("+Inf",
// as fmt and slog's TextHandler print math.Inf(1)) is masked in a number
// whose value prints so.
func TestNonFiniteNumberSecrets(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		secret string
		v      float64
	}{{"+Inf", math.Inf(1)}, {"-Inf", math.Inf(-1)}, {"NaN", math.NaN()}} {
		r := newRedactor(t)
		r.Add(tt.secret)
		if got := r.Value(tt.v); got != Mask {
			t.Errorf("Value(%v) = %v, want the mask", tt.secret, got)
		}
		var buf bytes.Buffer
		slog.New(r.Handler(slog.NewTextHandler(&buf, nil))).Info("n", "n", tt.v)
		testkit.AssertNoLeak(t, "TextHandler", buf.String(), "n="+tt.secret)
	}
}
