package tera

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Tests (Tera's src/builtins/testers.rs): {% if x is odd %}. defined and
// undefined are the evaluator's: they ask whether a variable exists.
// Every test is given a value: calling one on an undefined variable is an
// error the evaluator raises, as Tera does, before it calls the test.

func testArgs(name string, args []any, max int) error {
	if len(args) > max {
		want := "given " + strconv.Itoa(max) + " arguments at most"
		if max == 0 {
			want = "given no arguments"
		}
		return &Error{Func: name, Test: true, Arg: "arguments", Kind: ErrInvalid, Want: want}
	}
	return nil
}

func testType(name, arg, want string, v any) error {
	return &Error{Func: name, Test: true, Arg: arg, Kind: ErrType, Want: want, Got: TypeName(v)}
}

// String: is the value a string.
func String(in any, args []any) (bool, error) {
	if err := testArgs("string", args, 0); err != nil {
		return false, err
	}
	_, ok := in.(string)
	return ok, nil
}

// Number: is the value a number (integer or float).
func Number(in any, args []any) (bool, error) {
	if err := testArgs("number", args, 0); err != nil {
		return false, err
	}
	switch in.(type) {
	case int64, float64:
		return true, nil
	}
	return false, nil
}

// Odd: is the number odd (a float too: 3.0 is odd, 2.5 is odd as well,
// since 2.5 % 2 is not 0).
func Odd(in any, args []any) (bool, error) {
	if err := testArgs("odd", args, 0); err != nil {
		return false, err
	}
	return odd("odd", in)
}

func odd(name string, in any) (bool, error) {
	switch x := in.(type) {
	case int64:
		// Tera tests the number as an f64, so integers beyond 2^53 are
		// rounded first, as there.
		return math.Mod(float64(x), 2) != 0, nil
	case float64:
		return math.Mod(x, 2) != 0, nil
	}
	return false, testType(name, "value", "a number", in)
}

// Even: is the number not odd.
func Even(in any, args []any) (bool, error) {
	if err := testArgs("even", args, 0); err != nil {
		return false, err
	}
	o, err := odd("even", in)
	return !o, err
}

// Divisibleby: is the number divisible by the argument, as floats (a
// divisor of 0 gives false, since x % 0 is NaN).
func Divisibleby(in any, args []any) (bool, error) {
	if err := testArgs("divisibleby", args, 1); err != nil {
		return false, err
	}
	v, ok := number(in)
	if !ok {
		return false, testType("divisibleby", "value", "a number", in)
	}
	if len(args) == 0 {
		return false, &Error{Func: "divisibleby", Test: true, Arg: "1", Kind: ErrMissingArg}
	}
	d, ok := number(args[0])
	if !ok {
		return false, testType("divisibleby", "1", "a number", args[0])
	}
	return math.Mod(v, d) == 0, nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Iterable: is the value an array or an object.
func Iterable(in any, args []any) (bool, error) {
	if err := testArgs("iterable", args, 0); err != nil {
		return false, err
	}
	switch in.(type) {
	case []any, map[string]any:
		return true, nil
	}
	return false, nil
}

// Object: is the value an object.
func Object(in any, args []any) (bool, error) {
	if err := testArgs("object", args, 0); err != nil {
		return false, err
	}
	_, ok := in.(map[string]any)
	return ok, nil
}

// None: is the value null. (Tera 1.x has no such test; render keeps the one
// pongo2 and Strøm's templates use.)
func None(in any, args []any) (bool, error) {
	if err := testArgs("none", args, 0); err != nil {
		return false, err
	}
	return in == nil, nil
}

func stringArgs(name string, in any, args []any) (string, string, error) {
	if err := testArgs(name, args, 1); err != nil {
		return "", "", err
	}
	s, ok := in.(string)
	if !ok {
		return "", "", testType(name, "value", "a string", in)
	}
	if len(args) == 0 {
		return "", "", &Error{Func: name, Test: true, Arg: "1", Kind: ErrMissingArg}
	}
	p, ok := args[0].(string)
	if !ok {
		return "", "", testType(name, "1", "a string", args[0])
	}
	return s, p, nil
}

// StartingWith: does the string start with the argument.
func StartingWith(in any, args []any) (bool, error) {
	s, p, err := stringArgs("starting_with", in, args)
	return err == nil && strings.HasPrefix(s, p), err
}

// EndingWith: does the string end with the argument.
func EndingWith(in any, args []any) (bool, error) {
	s, p, err := stringArgs("ending_with", in, args)
	return err == nil && strings.HasSuffix(s, p), err
}

// Containing: does the string contain the argument (a string), the array
// an item equal to it (an integer never equals a float), or the object it
// as a key.
func Containing(in any, args []any) (bool, error) {
	if err := testArgs("containing", args, 1); err != nil {
		return false, err
	}
	if len(args) == 0 {
		return false, &Error{Func: "containing", Test: true, Arg: "1", Kind: ErrMissingArg}
	}
	switch x := in.(type) {
	case string:
		p, ok := args[0].(string)
		if !ok {
			return false, testType("containing", "1", "a string", args[0])
		}
		return strings.Contains(x, p), nil
	case []any:
		for _, v := range x {
			if Equal(v, args[0]) {
				return true, nil
			}
		}
		return false, nil
	case map[string]any:
		p, ok := args[0].(string)
		if !ok {
			return false, testType("containing", "1", "a string", args[0])
		}
		_, has := x[p]
		return has, nil
	}
	return false, testType("containing", "value", "a string, an array or an object", in)
}

// MaxPatternLen bounds the regular expression matching compiles, in bytes.
const MaxPatternLen = 4096

// Matching: does the string match the regular expression (Go's RE2 syntax,
// unanchored).
func Matching(in any, args []any) (bool, error) {
	s, p, err := stringArgs("matching", in, args)
	if err != nil {
		return false, err
	}
	if len(p) > MaxPatternLen {
		return false, &Error{Func: "matching", Test: true, Arg: "1", Kind: ErrInvalid, Want: "a pattern of at most " + strconv.Itoa(MaxPatternLen) + " bytes"}
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return false, &Error{Func: "matching", Test: true, Arg: "1", Kind: ErrInvalid, Want: "a valid regular expression"}
	}
	return re.MatchString(s), nil
}
