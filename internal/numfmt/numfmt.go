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
	"bytes"
	"math"
	"strconv"
)

// JSON writes f as encoding/json does (bits is 32 or 64).
func JSON(f float64, bits int) string { return string(AppendJSON(nil, f, bits)) }

// AppendJSON appends f to dst as [JSON] writes it.
func AppendJSON(dst []byte, f float64, bits int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.AppendFloat(dst, f, 'g', -1, bits)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	b := strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// Shortest writes f in strconv's shortest 'g' form, as fmt's %v and
// slog.Value.String do.
func Shortest(f float64, bits int) string { return string(AppendShortest(nil, f, bits)) }

// AppendShortest appends f to dst as [Shortest] writes it.
func AppendShortest(dst []byte, f float64, bits int) []byte {
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// Display writes f as Rust's Display does, which is how Tera prints a
// float: the shortest digits that read back the same, never an exponent
// (3, 0.0000001, 1000000000000000000000), inf and NaN as Rust writes them.
func Display(f float64, bits int) string { return string(AppendDisplay(nil, f, bits)) }

// AppendDisplay appends f to dst as [Display] writes it.
func AppendDisplay(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bits)
}

// SerdeJSON writes f as serde_json does (the ryu algorithm's form), which
// is how Tera's json_encode writes a float: always with a fraction or an
// exponent, the exponent without '+' or leading zeros: 3.0, 0.001, 1e-7,
// 1.5e300, 1e16.
func SerdeJSON(f float64) string { return string(AppendSerdeJSON(nil, f)) }

// AppendSerdeJSON appends f to dst as [SerdeJSON] writes it.
func AppendSerdeJSON(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	if math.Signbit(f) {
		dst, f = append(dst, '-'), -f
	}
	if f == 0 {
		return append(dst, "0.0"...)
	}
	// The shortest digits and the exponent, read from strconv's d.ddde±XX
	// written on the stack.
	var e [32]byte
	sci := strconv.AppendFloat(e[:0], f, 'e', -1, 64)
	at := bytes.IndexByte(sci, 'e')
	var digits [24]byte
	nd := copy(digits[:], sci[:1])
	if at > 1 {
		nd += copy(digits[nd:], sci[2:at])
	}
	exp10, _ := strconv.Atoi(string(sci[at+1:]))
	d := digits[:nd]
	n := len(d)
	k := exp10 - (n - 1) // value = digits × 10^k
	kk := n + k          // 10^(kk-1) ≤ value < 10^kk
	switch {
	case k >= 0 && kk <= 16:
		dst = append(dst, d...)
		dst = appendZeros(dst, k)
		return append(dst, ".0"...)
	case kk > 0 && kk <= 16:
		dst = append(dst, d[:kk]...)
		dst = append(dst, '.')
		return append(dst, d[kk:]...)
	case kk > -5 && kk <= 0:
		dst = append(dst, "0."...)
		dst = appendZeros(dst, -kk)
		return append(dst, d...)
	case n == 1:
		dst = append(dst, d...)
	default:
		dst = append(dst, d[0], '.')
		dst = append(dst, d[1:]...)
	}
	dst = append(dst, 'e')
	return strconv.AppendInt(dst, int64(kk-1), 10)
}

func appendZeros(dst []byte, n int) []byte {
	for range n {
		dst = append(dst, '0')
	}
	return dst
}

// Forms returns the distinct texts f may have in this module's outputs:
// [JSON], [Shortest], [Display] and [SerdeJSON], in that order.
func Forms(f float64, bits int) []string {
	buf, ends, n := AppendForms(nil, f, bits)
	forms := make([]string, n)
	start := 0
	for i, end := range ends[:n] {
		forms[i] = string(buf[start:end])
		start = end
	}
	return forms
}

// NumForms is how many texts [Forms] may return.
const NumForms = 4

// AppendForms appends the texts of [Forms] to dst, one after another, and
// returns the extended buffer and where each text ends in it (ends[:n]).
// A caller that reuses its buffer formats numbers without allocating: the
// redactor looks for secrets in every number of a JSON document.
func AppendForms(dst []byte, f float64, bits int) (buf []byte, ends [NumForms]int, n int) {
	base := len(dst)
	for i := range NumForms {
		start := len(dst)
		switch i {
		case 0:
			dst = AppendJSON(dst, f, bits)
		case 1:
			dst = AppendShortest(dst, f, bits)
		case 2:
			dst = AppendDisplay(dst, f, bits)
		default:
			dst = AppendSerdeJSON(dst, f)
		}
		if written(dst, base, ends[:n], dst[start:]) {
			dst = dst[:start]
			continue
		}
		ends[n] = len(dst)
		n++
	}
	return dst, ends, n
}

// written reports whether text is one of the texts of buf that follow one
// another from start and end at ends.
func written(buf []byte, start int, ends []int, text []byte) bool {
	for _, end := range ends {
		if bytes.Equal(buf[start:end], text) {
			return true
		}
		start = end
	}
	return false
}
