package tera

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Date formats a timestamp (integer seconds since 1970, UTC), an RFC 3339
// time ("1996-12-19T16:39:57-08:00"), a time without offset
// ("2017-03-05T00:00:00.602", read as UTC) or a date ("2017-03-05",
// midnight UTC) with format, chrono's strftime (default "%Y-%m-%d"). A
// timestamp or an RFC 3339 time is shown in timezone when given (an IANA
// name: see the package doc); Tera leaves the other two in UTC.
//
// A timestamp without timezone has no offset, so %z, %Z and %+ cannot
// print it: that is an error here (Tera panics).
func Date(in any, args map[string]any) (any, error) {
	format := "%Y-%m-%d"
	var err error
	if v, ok := optional(args, "format"); ok {
		if format, err = asString("date", "format", v); err != nil {
			return nil, err
		}
	}
	items, err := parseStrftime(format)
	if err != nil {
		return nil, err
	}
	var loc *time.Location
	if v, ok := optional(args, "timezone"); ok {
		name, err := asString("date", "timezone", v)
		if err != nil {
			return nil, err
		}
		if loc, err = loadZone(name); err != nil {
			return nil, err
		}
	}
	var t stamp
	switch x := in.(type) {
	case int64:
		if x < minTimestamp || x > maxTimestamp {
			return nil, invalid("date", "value", "a timestamp within chrono's range")
		}
		t = stamp{t: time.Unix(x, 0).UTC(), zone: zoneNone}
	case float64:
		return nil, typeError("date", "value", "an integer timestamp or a string", in)
	case string:
		if t, err = parseDateString(x); err != nil {
			return nil, err
		}
	default:
		return nil, typeError("date", "value", "an integer timestamp or a string", in)
	}
	// Tera applies the timezone to a timestamp and to an RFC 3339 time; a
	// time without offset or a date stays in UTC.
	if loc != nil && (t.zone == zoneNone || t.zone == zoneFixed) {
		t = stamp{t: t.t.In(loc), zone: zoneNamed}
	}
	return formatStrftime(items, t)
}

// DateArgs: format and timezone, both optional.
func DateArgs() []Arg { return []Arg{{"format", false}, {"timezone", false}} }

// chrono's NaiveDateTime covers years -262144 to 262143.
const (
	minTimestamp = -8334632851200
	maxTimestamp = 8210298412799
)

// zone says what a time knows of its offset, which decides what %z and %Z
// print.
type zone int

const (
	zoneNone  zone = iota // a timestamp: no offset at all
	zoneUTC               // read as UTC: %Z is "UTC"
	zoneFixed             // an RFC 3339 offset: %Z is the offset, "+09:30"
	zoneNamed             // an IANA zone: %Z is its abbreviation
)

type stamp struct {
	t    time.Time
	zone zone
}

func loadZone(name string) (*time.Location, error) {
	// "Local" and "" are Go's names for the machine's zone, not IANA names.
	if name == "" || name == "Local" || strings.Contains(name, "..") || len(name) > 64 {
		return nil, invalid("date", "timezone", "an IANA time zone name")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid("date", "timezone", "an IANA time zone name")
	}
	return loc, nil
}

func parseDateString(s string) (stamp, error) {
	if strings.Contains(s, "T") {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return stamp{t: t, zone: zoneFixed}, nil
		}
		if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
			return stamp{t: t.UTC(), zone: zoneUTC}, nil
		}
		return stamp{}, invalid("date", "value", "an RFC 3339 time or a time without offset")
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return stamp{}, invalid("date", "value", "a date as YYYY-MM-DD")
	}
	return stamp{t: t.UTC(), zone: zoneUTC}, nil
}

// An item of a parsed format: literal text, or a specifier with its
// padding ('-' none, '_' spaces, '0' zeros, 0 the default).
type strftimeItem struct {
	lit  string
	spec string // "Y", ".f", ":z", "3f", ...
	pad  byte
}

// composite specifiers expand to others; padding them is an error, as in
// chrono.
var composite = map[string]string{
	"D": "%m/%d/%y", "x": "%m/%d/%y", "F": "%Y-%m-%d", "v": "%e-%b-%Y",
	"R": "%H:%M", "T": "%H:%M:%S", "X": "%H:%M:%S", "r": "%I:%M:%S %p",
	"c": "%a %b %e %H:%M:%S %Y",
}

// numeric specifiers: default padding and width.
var numeric = map[string]struct {
	pad   byte
	width int
}{
	"Y": {'0', 4}, "C": {'0', 2}, "y": {'0', 2}, "m": {'0', 2}, "d": {'0', 2}, "e": {' ', 2},
	"w": {'0', 1}, "u": {'0', 1}, "U": {'0', 2}, "W": {'0', 2}, "G": {'0', 4}, "g": {'0', 2},
	"V": {'0', 2}, "j": {'0', 3}, "H": {'0', 2}, "k": {' ', 2}, "I": {'0', 2}, "l": {' ', 2},
	"M": {'0', 2}, "S": {'0', 2}, "s": {'0', 1}, "f": {'0', 9},
}

const fixedSpecs = "aAbBhpPZz+tn%"

// parseStrftime reads a chrono format, failing where chrono yields
// Item::Error (an unknown specifier, a % at the end, padding on a
// specifier that is not a number).
func parseStrftime(f string) ([]strftimeItem, error) {
	bad := invalid("date", "format", "a strftime format chrono accepts")
	var items []strftimeItem
	for len(f) > 0 {
		i := strings.IndexByte(f, '%')
		if i < 0 {
			items = append(items, strftimeItem{lit: f})
			break
		}
		if i > 0 {
			items = append(items, strftimeItem{lit: f[:i]})
		}
		f = f[i+1:]
		var pad byte
		if len(f) > 0 && (f[0] == '-' || f[0] == '_' || f[0] == '0') {
			pad, f = f[0], f[1:]
		}
		if len(f) == 0 {
			return nil, bad
		}
		var spec string
		switch {
		case strings.HasPrefix(f, ".f"):
			spec = ".f"
		case len(f) >= 3 && f[0] == '.' && strings.IndexByte("369", f[1]) >= 0 && f[2] == 'f':
			spec = f[:3]
		case len(f) >= 2 && strings.IndexByte("369", f[0]) >= 0 && f[1] == 'f':
			spec = f[:2]
		case strings.HasPrefix(f, ":::z"):
			spec = ":::z"
		case strings.HasPrefix(f, "::z"):
			spec = "::z"
		case strings.HasPrefix(f, ":z"):
			spec = ":z"
		case strings.HasPrefix(f, "#z"):
			spec = "#z"
		default:
			c := f[0]
			if c >= 0x80 {
				return nil, bad
			}
			spec = string(c)
			_, num := numeric[spec]
			_, comp := composite[spec]
			if !num && !comp && strings.IndexByte(fixedSpecs, c) < 0 {
				return nil, bad
			}
		}
		f = f[len(spec):]
		if _, num := numeric[spec]; pad != 0 && !num {
			return nil, bad
		}
		if exp, ok := composite[spec]; ok {
			sub, err := parseStrftime(exp)
			if err != nil {
				return nil, err
			}
			items = append(items, sub...)
			continue
		}
		items = append(items, strftimeItem{spec: spec, pad: pad})
	}
	return items, nil
}

var (
	shortDays   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

func formatStrftime(items []strftimeItem, st stamp) (string, error) {
	t := st.t
	noZone := invalid("date", "format", "free of %z, %Z and %+ for a timestamp without timezone")
	var b strings.Builder
	for _, it := range items {
		if it.spec == "" {
			b.WriteString(it.lit)
			continue
		}
		if n, ok := numeric[it.spec]; ok {
			writeNumber(&b, it.spec, numericValue(it.spec, t), it.pad, n.pad, n.width)
			continue
		}
		switch it.spec {
		case "a":
			b.WriteString(shortDays[t.Weekday()])
		case "A":
			b.WriteString(longDays[t.Weekday()])
		case "b", "h":
			b.WriteString(shortMonths[t.Month()-1])
		case "B":
			b.WriteString(longMonths[t.Month()-1])
		case "p":
			b.WriteString(map[bool]string{true: "AM", false: "PM"}[t.Hour() < 12])
		case "P":
			b.WriteString(map[bool]string{true: "am", false: "pm"}[t.Hour() < 12])
		case ".f":
			ns := t.Nanosecond()
			switch {
			case ns == 0:
			case ns%1_000_000 == 0:
				b.WriteString("." + pad0(ns/1_000_000, 3))
			case ns%1000 == 0:
				b.WriteString("." + pad0(ns/1000, 6))
			default:
				b.WriteString("." + pad0(ns, 9))
			}
		case ".3f", ".6f", ".9f", "3f", "6f", "9f":
			digits := int(it.spec[len(it.spec)-2] - '0')
			if it.spec[0] == '.' {
				b.WriteByte('.')
			}
			b.WriteString(pad0(t.Nanosecond()/int(math.Pow10(9-digits)), digits))
		case "Z":
			switch st.zone {
			case zoneNone:
				return "", noZone
			case zoneUTC:
				b.WriteString("UTC")
			case zoneFixed:
				b.WriteString(offset(t, ":", false))
			default:
				b.WriteString(t.Format("MST"))
			}
		case "z", ":z", "::z", ":::z", "#z":
			if st.zone == zoneNone {
				return "", noZone
			}
			switch it.spec {
			case "z":
				b.WriteString(offset(t, "", false))
			case ":z", "#z":
				b.WriteString(offset(t, ":", false))
			case "::z":
				b.WriteString(offset(t, ":", true))
			case ":::z":
				b.WriteString(offset(t, "", false)[:3])
			}
		case "+":
			if st.zone == zoneNone {
				return "", noZone
			}
			b.WriteString(t.Format("2006-01-02T15:04:05"))
			ns := t.Nanosecond()
			switch {
			case ns == 0:
			case ns%1_000_000 == 0:
				b.WriteString("." + pad0(ns/1_000_000, 3))
			case ns%1000 == 0:
				b.WriteString("." + pad0(ns/1000, 6))
			default:
				b.WriteString("." + pad0(ns, 9))
			}
			b.WriteString(offset(t, ":", false))
		case "t":
			b.WriteByte('\t')
		case "n":
			b.WriteByte('\n')
		case "%":
			b.WriteByte('%')
		}
	}
	return b.String(), nil
}

func numericValue(spec string, t time.Time) int64 {
	switch spec {
	case "Y":
		return int64(t.Year())
	case "C":
		return floorDiv(int64(t.Year()), 100)
	case "y":
		return mod(int64(t.Year()), 100)
	case "m":
		return int64(t.Month())
	case "d", "e":
		return int64(t.Day())
	case "w":
		return int64(t.Weekday())
	case "u":
		return int64((int(t.Weekday())+6)%7 + 1)
	case "U":
		return int64((t.YearDay() - 1 + 7 - int(t.Weekday())) / 7)
	case "W":
		return int64((t.YearDay() - 1 + 7 - (int(t.Weekday())+6)%7) / 7)
	case "G":
		y, _ := t.ISOWeek()
		return int64(y)
	case "g":
		y, _ := t.ISOWeek()
		return mod(int64(y), 100)
	case "V":
		_, w := t.ISOWeek()
		return int64(w)
	case "j":
		return int64(t.YearDay())
	case "H", "k":
		return int64(t.Hour())
	case "I", "l":
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		return int64(h)
	case "M":
		return int64(t.Minute())
	case "S":
		return int64(t.Second())
	case "s":
		return t.Unix()
	case "f":
		return int64(t.Nanosecond())
	}
	return 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// writeNumber pads as chrono does; a year outside 0..9999 gets its sign.
func writeNumber(b *strings.Builder, spec string, v int64, override, pad byte, width int) {
	if override != 0 {
		pad = override
	}
	sign := ""
	if (spec == "Y" || spec == "G") && (v < 0 || v > 9999) {
		sign = "+"
		if v < 0 {
			sign = "-"
		}
	}
	neg := v < 0
	digits := strconv.FormatInt(v, 10)
	if neg {
		digits = digits[1:]
		if sign == "" {
			sign = "-"
		}
	}
	b.WriteString(sign)
	if pad != '-' {
		for n := len(sign) + len(digits); n < width; n++ {
			if pad == '_' || pad == ' ' {
				b.WriteByte(' ')
			} else {
				b.WriteByte('0')
			}
		}
	}
	b.WriteString(digits)
}

func pad0(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// offset writes t's UTC offset as +hhmm, or +hh:mm with sep ":", with
// seconds when secs.
func offset(t time.Time, sep string, secs bool) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := sign + pad0(off/3600, 2) + sep + pad0(off/60%60, 2)
	if secs {
		s += sep + pad0(off%60, 2)
	}
	return s
}
