package tera

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestFromGo(t *testing.T) {
	t.Parallel()
	type name string
	n := 7
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"int kinds", []any{int8(-1), uint16(2), n, uint64(math.MaxUint64)}, []any{int64(-1), int64(2), int64(7), float64(math.MaxUint64)}},
		{"float32", float32(0.5), 0.5},
		{"float32 as written", []float32{0.1, 16777217}, []any{0.1, 1.6777216e+07}},
		{"named string", name("x"), "x"},
		{"pointer", &n, int64(7)},
		{"nil pointer", (*int)(nil), nil},
		{"nil slice", []string(nil), []any{}},
		{"array", [2]bool{true, false}, []any{true, false}},
		{"json.Number", []any{json.Number("12"), json.Number("1.5")}, []any{int64(12), 1.5}},
		{"time", time.Date(2017, 3, 5, 1, 2, 3, 0, time.UTC), "2017-03-05T01:02:03Z"},
		{"int keys", map[int]string{1: "a"}, map[string]any{"1": "a"}},
		{"nested", map[string][]int{"a": {1}}, map[string]any{"a": []any{int64(1)}}},
	}
	for _, tt := range tests {
		got, err := FromGo(tt.in)
		if err != nil || !Equal(got, tt.want) {
			t.Errorf("%s: got %#v, %v; want %#v", tt.name, got, err, tt.want)
		}
	}
}

func TestFromGoRefuses(t *testing.T) {
	t.Parallel()
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	for _, in := range []any{
		struct{ Secret string }{"hunter2-SECRET"},
		func() {},
		map[float64]string{1.5: "hunter2-SECRET"},
		cyclic,
	} {
		_, err := FromGo(in)
		if !errors.Is(err, ErrType) && !errors.Is(err, ErrInvalid) {
			t.Errorf("FromGo(%T): %v, want ErrType or ErrInvalid", in, err)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q holds a value", err)
		}
	}
}
