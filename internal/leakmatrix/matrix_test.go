package leakmatrix_test

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/redact"
)

// secrets are the values a real workspace holds and a careless escape
// mangles: quotes, +, &, @, $, template syntax, non-ASCII, a multi-line
// PEM block, a number.
var trickySecrets = []struct{ name, value string }{
	{"quotes and symbols", `it's+p@ss&w0rd"x`},
	{"dollars and at", `S3cr3t@Pa$$w0rd`},
	{"template syntax", `Xk9{%mP2qLz!{{ x }}`},
	{"non-ASCII", "pässwörd-Ünïcødé-9"},
	{"html specials", `<tok>&'"q9z8`},
	{"PEM", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----"},
	{"numeric", "12345678"},
}

// encodings are the forms a secret takes in what an engine shows: each as
// the library or program named writes it.
var encodings = []struct {
	name string
	enc  func(string) string
}{
	{"as is", func(s string) string { return s }},
	{"html.EscapeString", html.EscapeString},
	{"html/template HTML", template.HTMLEscapeString},
	{"html/template JS", template.JSEscapeString},
	{"numeric entities", func(s string) string { return entities(s, "&#%d;") }},
	{"hex entities", func(s string) string { return entities(s, "&#x%X;") }},
	{"JS \\u00XX upper", func(s string) string { return jsEscape(s, `\u%04X`) }},
	{"JS \\xXX", func(s string) string { return jsEscape(s, `\x%02x`) }},
	{"JSON string", func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }},
	{"Go %q", func(s string) string { q := strconv.Quote(s); return q[1 : len(q)-1] }},
	{"URL query", url.QueryEscape},
	{"URL path", url.PathEscape},
	{"URL userinfo", func(s string) string {
		u := url.URL{Scheme: "https", User: url.UserPassword("deploy", s), Host: "db.internal"}
		return u.String()
	}},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"base64 MIME 76", func(s string) string { return wrap(base64.StdEncoding.EncodeToString([]byte("xyz"+s)), 76) }},
	{"base64 PEM 64", func(s string) string { return wrap(base64.StdEncoding.EncodeToString([]byte("pad:"+s)), 64) }},
	{"hex", func(s string) string { return hex.EncodeToString([]byte(s)) }},
	{"HEX", func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }},
	{"bash set -x", func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }},
	{"addslashes", strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`).Replace},
	{"double-quoted shell", func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s) + `"`
	}},
	{"shell single quotes, '\\'' for a quote", func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }},
	{`shell double quotes, "\$"`, func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(s) + `"`
	}},
	{"YAML single-quoted, '' for a quote", func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }},
	{"SQL literal, '' for a quote", func(s string) string { return "VALUES ('" + strings.ReplaceAll(s, "'", "''") + "')" }},
	{`CSV field, "" for a quote`, func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }},
	{"Go %v of a []byte", func(s string) string { return fmt.Sprintf("%v", []byte(s)) }},
	{"Go % x", func(s string) string { return fmt.Sprintf("% x", s) }},
	{"xxd", func(s string) string { return dump([]byte("x:"+s), ':') }},
	{"hexdump -C", func(s string) string { return dump([]byte("hexdump:"+s), '|') }},
	{"base32", func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }},
	{"base32hex, unpadded", func(s string) string {
		return base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s))
	}},
	{"IIS %uXXXX", func(s string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(s)) {
			fmt.Fprintf(&b, "%%u%04X", u)
		}
		return b.String()
	}},
	// The redactor's contract: ASCII letters match without regard to case
	// (secrets of 8 bytes or more); other scripts' cases are not folded.
	{"ASCII upper case", asciiUpper},
	{"NFD", norm.NFD.String},
}

// outputs are the ways a masked text leaves the engine; each returns what
// a person would read.
var outputs = []struct {
	name string
	out  func(t *testing.T, r *redact.Redactor, text string) string
}{
	{"String", func(t *testing.T, r *redact.Redactor, text string) string { return r.String(text) }},
	{"Value", func(t *testing.T, r *redact.Redactor, text string) string {
		return fmt.Sprint(r.Value(map[string]any{"log": text, "list": []any{text}}))
	}},
	{"JSON", func(t *testing.T, r *redact.Redactor, text string) string {
		data, _ := json.Marshal(map[string]any{"log": text})
		out, err := r.JSON(data)
		if err != nil {
			t.Fatal(err)
		}
		return decodedJSON(out)
	}},
	{"JSON in JSON", func(t *testing.T, r *redact.Redactor, text string) string {
		inner, _ := json.Marshal(map[string]any{"log": text})
		data, _ := json.Marshal(map[string]any{"body": string(inner)})
		out, err := r.JSON(data)
		if err != nil {
			t.Fatal(err)
		}
		return decodedJSON(out)
	}},
	{"Writer split at every byte", func(t *testing.T, r *redact.Redactor, text string) string {
		var all strings.Builder
		for split := 0; split <= len(text); split++ {
			var buf bytes.Buffer
			w := r.Writer(&buf)
			io.WriteString(w, text[:split])
			io.WriteString(w, text[split:])
			w.Close()
			all.WriteString(buf.String())
			all.WriteString("\n---\n")
		}
		return all.String()
	}},
	{"slog JSON, group and With", func(t *testing.T, r *redact.Redactor, text string) string {
		var buf bytes.Buffer
		l := slog.New(r.Handler(slog.NewJSONHandler(&buf, nil))).With("bound", text).WithGroup("g")
		l.Info(text, "attr", text, slog.Group("inner", "v", text))
		return decodedJSON(bytes.TrimSpace(buf.Bytes()))
	}},
	{"slog text", func(t *testing.T, r *redact.Redactor, text string) string {
		var buf bytes.Buffer
		slog.New(r.Handler(slog.NewTextHandler(&buf, nil))).Info(text, "attr", text)
		return buf.String() + "\n" + unquoteAll(buf.String())
	}},
	{"middleware bodies and headers", func(t *testing.T, r *redact.Redactor, text string) string {
		var all strings.Builder
		for _, ctype := range []string{"text/plain", "application/json", "application/x-ndjson", "application/yaml", "application/octet-stream", ""} {
			h, err := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				w.Header().Set("X-Debug", text)
				w.Header().Set("Location", "/next?q="+text)
				if ctype != "" {
					w.Header().Set("Content-Type", ctype)
				}
				w.Write([]byte("\x01\x00\x00\x00\x00\x00\x00\x10")) // a Docker log frame header
				if ctype == "application/json" {
					b, _ := json.Marshal(text)
					w.Write([]byte(" "))
					w.Write(b)
					return
				}
				w.Write([]byte(text))
			}))
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			all.WriteString(rec.Body.String() + "\n" + decodedJSON(bytes.TrimSpace(bytes.TrimPrefix(rec.Body.Bytes(), []byte("\x01\x00\x00\x00\x00\x00\x00\x10")))))
			for k, v := range rec.Header() {
				all.WriteString(k + ": " + strings.Join(v, ", ") + "\n")
			}
		}
		return all.String()
	}},
}

// TestLeakMatrix: every secret, in every encoding, through every output:
// neither the encoded form nor the secret itself reaches the reader.
func TestLeakMatrix(t *testing.T) {
	t.Parallel()
	for _, s := range trickySecrets {
		r, err := redact.New()
		if err != nil {
			t.Fatal(err)
		}
		r.Add(s.value)
		for _, e := range encodings {
			form := e.enc(s.value)
			text := "before " + form + " after"
			for _, o := range outputs {
				t.Run(s.name+"/"+e.name+"/"+o.name, func(t *testing.T) {
					t.Parallel()
					got := o.out(t, r, text)
					if strings.Contains(got, form) || strings.Contains(got, s.value) {
						t.Errorf("%s of the %s form leaks it:\n%s", o.name, e.name, testkit.Hide(got, form, s.value))
					}
					if strings.Contains(got, strings.Split(form, "\n")[0]) && len(strings.Split(form, "\n")[0]) >= 8 {
						t.Errorf("%s shows the first line of the %s form", o.name, e.name)
					}
				})
			}
		}
	}
}

func entities(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// jsEscape escapes the ASCII punctuation of s in format; other characters
// stay as they are, as html/template and Django's escapejs leave them.
func jsEscape(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 128 || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

func wrap(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width] + "\n")
		s = s[width:]
	}
	return b.String() + s
}

// decodedJSON returns the JSON text with its strings decoded too, so that
// a reader who decodes the JSON does not see a secret either.
func decodedJSON(data []byte) string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return string(data)
	}
	return string(data) + "\n" + fmt.Sprint(v)
}

// unquoteAll adds the Go-unquoted form of every quoted string in s (slog's
// text handler quotes values).
func unquoteAll(s string) string {
	var b strings.Builder
	for _, f := range strings.Fields(s) {
		if i := strings.IndexByte(f, '"'); i >= 0 {
			if u, err := strconv.Unquote(f[i:]); err == nil {
				b.WriteString(u + "\n")
			}
		}
	}
	return b.String()
}

// dump writes data as xxd (style ':') or hexdump -C (style '|') does.
func dump(data []byte, style byte) string {
	var b strings.Builder
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		text := bytes.Clone(line)
		for i, c := range text {
			if c < 0x20 || c >= 0x7f {
				text[i] = '.'
			}
		}
		if style == ':' {
			fmt.Fprintf(&b, "%08x: ", off)
			for i := range 16 {
				if i < len(line) {
					fmt.Fprintf(&b, "%02x", line[i])
				} else {
					b.WriteString("  ")
				}
				if i%2 == 1 && i < 15 {
					b.WriteByte(' ')
				}
			}
			fmt.Fprintf(&b, "  %s\n", text)
			continue
		}
		fmt.Fprintf(&b, "%08x  ", off)
		for i := range 16 {
			if i < len(line) {
				fmt.Fprintf(&b, "%02x ", line[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		fmt.Fprintf(&b, " |%s|\n", text)
	}
	return b.String()
}
