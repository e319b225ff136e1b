package render

import (
	"math"
	"reflect"
	"strings"
	"time"
)

// Operators have Tera's meaning (Tera 1.x, src/renderer/processor.rs):
// arithmetic on numbers only (a string, a boolean or null is a type error,
// not a value), integers stay integers and overflow is an error, / always
// divides as floats and gives an integer when the quotient is whole, and a
// result that is not a finite number prints as NaN. == compares numbers by
// value (1 == 1.0). pongo2's ^ (power) is kept, as floats.

func (x *execution) unary(u *unaryExpr) (value, error) {
	v, err := x.eval(u.x)
	if err != nil {
		return value{}, err
	}
	switch u.op {
	case "not":
		return derived(!truthy(v.v), v), nil
	case "-":
		switch n := v.v.(type) {
		case int64:
			if n == math.MinInt64 {
				return value{}, x.failf(u.off, ErrExec, "the negation of the smallest integer is out of range")
			}
			return derived(-n, v), nil
		case float64:
			return derived(-n, v), nil
		}
	case "+":
		switch v.v.(type) {
		case int64, float64:
			return v, nil
		}
	}
	return value{}, x.failf(u.off, ErrExec, "the operand of unary %s is %s, not a number", u.op, typeName(v.v))
}

func (x *execution) binary(b *binaryExpr) (value, error) {
	l, err := x.eval(b.l)
	if err != nil {
		return value{}, err
	}
	switch b.op {
	case "and", "or":
		if truthy(l.v) == (b.op == "or") {
			return derived(b.op == "or", l), nil
		}
		r, err := x.eval(b.r)
		if err != nil {
			return value{}, err
		}
		return derived(truthy(r.v), l, r), nil
	}
	r, err := x.eval(b.r)
	if err != nil {
		return value{}, err
	}
	var out any
	switch b.op {
	case "==", "!=":
		out = equal(l.v, r.v) == (b.op == "==")
	case "<", ">", "<=", ">=":
		out, err = x.compare(b, l.v, r.v)
	case "in", "notin":
		in, ok := contains(r.v, l.v)
		if !ok {
			return value{}, x.failf(b.off, ErrExec, "in needs a string, a list or a map on its right, not %s", typeName(r.v))
		}
		out = in == (b.op == "in")
	default:
		out, err = x.arith(b, l.v, r.v)
	}
	if err != nil {
		return value{}, err
	}
	return derived(out, l, r), nil
}

// number reads v as a number: an integer (ok and isInt) or a float.
func number(v any) (i int64, f float64, isInt, ok bool) {
	switch n := v.(type) {
	case int64:
		return n, float64(n), true, true
	case float64:
		return 0, n, false, true
	}
	return 0, 0, false, false
}

func (x *execution) arith(b *binaryExpr, l, r any) (any, error) {
	li, lf, lInt, lok := number(l)
	ri, rf, rInt, rok := number(r)
	if !lok || !rok {
		bad := l
		if lok {
			bad = r
		}
		return nil, x.failf(b.off, ErrExec, "%s needs numbers, and an operand is %s", b.op, typeName(bad))
	}
	overflow := func() (any, error) {
		return nil, x.failf(b.off, ErrExec, "the result of %s is out of the range of integers", b.op)
	}
	switch b.op {
	case "+":
		if lInt && rInt {
			s := li + ri
			if (s > li) != (ri > 0) {
				return overflow()
			}
			return s, nil
		}
		return finite(lf + rf), nil
	case "-":
		if lInt && rInt {
			s := li - ri
			if (s < li) != (ri > 0) {
				return overflow()
			}
			return s, nil
		}
		return finite(lf - rf), nil
	case "*":
		if lInt && rInt {
			if li == 0 || ri == 0 {
				return int64(0), nil
			}
			p := li * ri
			if p/ri != li || (li == -1 && ri == math.MinInt64) || (ri == -1 && li == math.MinInt64) {
				return overflow()
			}
			return p, nil
		}
		return finite(lf * rf), nil
	case "/":
		q := lf / rf
		if math.IsNaN(q) || math.IsInf(q, 0) {
			return math.NaN(), nil
		}
		if q == math.Round(q) && math.Abs(q) < 1<<63 {
			return int64(q), nil
		}
		return q, nil
	case "%":
		if lInt && rInt {
			if ri == 0 {
				return nil, x.failf(b.off, ErrExec, "modulo by zero")
			}
			if ri == -1 {
				return int64(0), nil
			}
			return li % ri, nil
		}
		return finite(math.Mod(lf, rf)), nil
	case "^":
		return finite(math.Pow(lf, rf)), nil
	}
	return nil, x.failf(b.off, ErrExec, "unknown operator %s", b.op)
}

// finite turns an infinity into NaN: Tera prints NaN for an arithmetic
// result that is not a finite number, and NaN is false.
func finite(f float64) any {
	if math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

func (x *execution) compare(b *binaryExpr, l, r any) (bool, error) {
	_, lf, _, lok := number(l)
	_, rf, _, rok := number(r)
	if lt, ok := l.(time.Time); ok {
		if rt, ok := r.(time.Time); ok {
			lf, rf = float64(lt.Compare(rt)), 0
			lok, rok = true, true
		}
	}
	if lok && rok {
		switch b.op {
		case "<":
			return lf < rf, nil
		case ">":
			return lf > rf, nil
		case "<=":
			return lf <= rf, nil
		default:
			return lf >= rf, nil
		}
	}
	ls, lsok := l.(string)
	rs, rsok := r.(string)
	if lsok && rsok {
		c := strings.Compare(ls, rs)
		switch b.op {
		case "<":
			return c < 0, nil
		case ">":
			return c > 0, nil
		case "<=":
			return c <= 0, nil
		default:
			return c >= 0, nil
		}
	}
	return false, x.failf(b.off, ErrExec, "%s compares numbers (or strings), not %s and %s", b.op, typeName(l), typeName(r))
}

// equal is ==: numbers by value, other values by their content.
func equal(l, r any) bool {
	_, lf, _, lok := number(l)
	_, rf, _, rok := number(r)
	if lok && rok {
		return lf == rf
	}
	if isUndef(l) {
		l = nil
	}
	if isUndef(r) {
		r = nil
	}
	switch a := l.(type) {
	case string:
		b, ok := r.(string)
		return ok && a == b
	case bool:
		b, ok := r.(bool)
		return ok && a == b
	case nil:
		return r == nil
	}
	if ll, ok := length(l); ok && isList(l) && isList(r) {
		rl, _ := length(r)
		if ll != rl {
			return false
		}
		lv, rv := reflect.ValueOf(l), reflect.ValueOf(r)
		for i := range ll {
			if !equal(norm(lv.Index(i).Interface()), norm(rv.Index(i).Interface())) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(l, r)
}

// contains is "needle in haystack": a substring, an item of a list, a key
// of a map.
func contains(haystack, needle any) (found, ok bool) {
	switch h := haystack.(type) {
	case string:
		n, ok := needle.(string)
		if !ok {
			n = textOf(needle)
		}
		return strings.Contains(h, n), true
	case []any:
		for _, e := range h {
			if equal(norm(e), needle) {
				return true, true
			}
		}
		return false, true
	case map[string]any:
		_, found := h[textOf(needle)]
		return found, true
	case nil, undefinedValue:
		return false, true
	}
	rv := reflect.ValueOf(haystack)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			if equal(norm(rv.Index(i).Interface()), needle) {
				return true, true
			}
		}
		return false, true
	case reflect.Map:
		key, index, isIndex := textOf(needle), 0, false
		if n, ok := needle.(int64); ok {
			index, isIndex = int(n), true
		}
		_, found := step(haystack, key, index, isIndex)
		return found, true
	}
	return false, false
}
