// Package numfmt writes numbers the ways this module's outputs write them,
// so that what the renderer prints and what the redactor looks for are one
// formatter, not two that drift apart.
//
// A float has several texts: encoding/json and slog's JSONHandler write
// 12345678 and 1e-7 ([JSON]); strconv's shortest 'g' form, which fmt's %v,
// slog.Value.String and slog's TextHandler use, writes 1.2345678e+07 and
// 1e-07 ([Shortest]); Tera, the template engine whose output render
// reproduces, prints a float as Rust's Display does, 3 and 0.0000001
// ([Display]), and its json_encode filter as serde_json does, 3.0 and 1e-7
// ([SerdeJSON]).
package numfmt

import (
	"math"
	"strconv"
	"strings"
)

// JSON writes f as encoding/json does (bits is 32 or 64).
func JSON(f float64, bits int) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, bits)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b)
}

// Shortest writes f in strconv's shortest 'g' form, as fmt's %v and
// slog.Value.String do.
func Shortest(f float64, bits int) string { return strconv.FormatFloat(f, 'g', -1, bits) }

// Display writes f as Rust's Display does, which is how Tera prints a
// float: the shortest digits that read back the same, never an exponent
// (3, 0.0000001, 1000000000000000000000), inf and NaN as Rust writes them.
func Display(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// SerdeJSON writes f as serde_json does (the ryu algorithm's form), which
// is how Tera's json_encode writes a float: always with a fraction or an
// exponent, the exponent without '+' or leading zeros: 3.0, 0.001, 1e-7,
// 1.5e300, 1e16.
func SerdeJSON(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	if f == 0 {
		return sign + "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp10, _ := strconv.Atoi(exp)
	n := len(digits)
	k := exp10 - (n - 1) // value = digits × 10^k
	kk := n + k          // 10^(kk-1) ≤ value < 10^kk
	var out string
	switch {
	case k >= 0 && kk <= 16:
		out = digits + strings.Repeat("0", k) + ".0"
	case kk > 0 && kk <= 16:
		out = digits[:kk] + "." + digits[kk:]
	case kk > -5 && kk <= 0:
		out = "0." + strings.Repeat("0", -kk) + digits
	case n == 1:
		out = digits + "e" + strconv.Itoa(kk-1)
	default:
		out = digits[:1] + "." + digits[1:] + "e" + strconv.Itoa(kk-1)
	}
	return sign + out
}

// Forms returns the distinct texts f may have in this module's outputs:
// [JSON], [Shortest], [Display] and [SerdeJSON], in that order.
func Forms(f float64, bits int) []string {
	forms := []string{JSON(f, bits)}
	for _, s := range []string{Shortest(f, bits), Display(f, bits), SerdeJSON(f)} {
		if !contains(forms, s) {
			forms = append(forms, s)
		}
	}
	return forms
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
