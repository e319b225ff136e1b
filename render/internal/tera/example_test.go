package tera_test

import (
	"errors"
	"fmt"

	"github.com/hushflow/hushflow/render/internal/tera"
)

// A filter takes the value before the pipe and the keyword arguments by
// Tera's names: {{ title | truncate(length=5) }}.
func ExampleTruncate() {
	out, err := tera.Truncate("👨‍👩‍👧‍👦 family", map[string]any{"length": int64(5)})
	fmt.Println(out, err)
	// Output: 👨‍👩‍👧‍👦 fam… <nil>
}

// The argument list tells the evaluator which arguments a call must have
// before the template runs.
func ExampleReplaceArgs() {
	for _, a := range tera.ReplaceArgs() {
		fmt.Println(a.Name, a.Required)
	}
	// Output:
	// from true
	// to true
}

// Errors name the filter, the argument and the type wanted, never a value.
func ExampleUpper() {
	_, err := tera.Upper(int64(50), nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, tera.ErrType))
	// Output:
	// filter `upper`: the value must be a string, not an integer
	// true
}

// A test takes its arguments by position: {% if n is divisibleby(3) %}.
func ExampleDivisibleby() {
	ok, err := tera.Divisibleby(int64(9), []any{int64(3)})
	fmt.Println(ok, err)
	// Output: true <nil>
}
