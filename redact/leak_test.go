package redact

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The leak matrix: every tricky secret × every encoding the package doc
// promises × every output path. Read it top to bottom; a new secret, encoding
// or output is one line.

// demoPEM is a made-up key in PEM form (random base64, no real key).
const demoPEM = "-----BEGIN DEMO PRIVATE KEY-----\n" +
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vx3qZ9f4Lk2m\n" +
	"Hd8PqW1sT0yU5v+Xo/Jc3aB7nR6eF2gK9lM0pQ4rS8tV1wY3zA5bC7dE9fG2hI4j\n" +
	"K6lM8nO0pQ==\n" +
	"-----END DEMO PRIVATE KEY-----\n"

var leakSecrets = []struct{ name, value string }{
	{"quote, plus, ampersand, at", `it's+p@ss&w0rd`},
	{"dollars and at", `S3cr3t@Pa$$w0rd`},
	{"template braces, double quote", `{{x}}"q-Secret9`},
	{"newline", "line-one\nline-two-s3cret"},
	{"non-ASCII", "pässwörd-Ünïcode"},
	{"non-ASCII, decomposed (NFD)", "cafe\u0301-ge\u0308heim"},
	{"multi-line PEM", demoPEM},
	{"number", "12345678"},
	{"backslash escapes of its own", `C:\dir\x41/b`},
}

type leakEncoding struct {
	name string
	enc  func(string) string
	// long says the encoding is only promised for secrets of 8 bytes or
	// more (case changes).
	long bool
}

var leakEncodings = []leakEncoding{
	{name: "as given", enc: func(s string) string { return s }},
	{name: "html.EscapeString", enc: htmlEscape},
	{name: "html/template, text", enc: htmlTemplate(`<p>{{.}}</p>`)},
	{name: "html/template, attribute", enc: htmlTemplate(`<a title="{{.}}">`)},
	{name: "html/template, script", enc: htmlTemplate(`<script>var s = {{.}};</script>`)},
	{name: "html/template, URL query", enc: htmlTemplate(`<a href="/x?q={{.}}">`)},
	{name: "HTML decimal entities", enc: entities("&#%d;")},
	{name: "HTML hex entities", enc: entities("&#x%x;")},
	{name: "HTML upper-case hex entities", enc: entities("&#X%X;")},
	{name: "HTML named entities", enc: namedEntities},
	{name: `JavaScript \u, lower-case hex`, enc: jsEscape(`\u%04x`)},
	{name: `JavaScript \u, upper-case hex`, enc: jsEscape(`\u%04X`)},
	{name: `JavaScript \x`, enc: jsHexEscape},
	{name: `JavaScript \' and \"`, enc: strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\n", `\n`).Replace},
	{name: "template.JSEscapeString", enc: htmltemplate.JSEscapeString},
	{name: "bash set -x", enc: bashXtrace},
	{name: "addslashes", enc: strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\x00", `\0`).Replace},
	{name: "shell double quotes", enc: func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s) + `"`
	}},
	{name: "URL userinfo", enc: func(s string) string {
		return (&url.URL{Scheme: "https", User: url.UserPassword("deploy", s), Host: "db.example", Path: "/x"}).String()
	}},
	{name: "URL query", enc: url.QueryEscape},
	{name: "URL query, lower-case hex", enc: func(s string) string { return lowerHex(url.QueryEscape(s)) }},
	{name: "URL path", enc: url.PathEscape},
	{name: "hex", enc: func(s string) string { return hex.EncodeToString([]byte(s)) }},
	{name: "HEX", enc: func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }},
	{name: "base64", enc: b64(base64.StdEncoding)},
	{name: "base64url, unpadded", enc: b64(base64.RawURLEncoding)},
	{name: "base64 of user:secret (Basic auth)", enc: func(s string) string { return base64.StdEncoding.EncodeToString([]byte("user:" + s)) }},
	{name: "base64 at 64 columns (PEM)", enc: wrapped(base64.StdEncoding, 64, "\n", "")},
	{name: "base64 at 76 columns, CRLF (MIME)", enc: wrapped(base64.StdEncoding, 76, "\r\n", "")},
	{name: "base64 at 76 columns (coreutils)", enc: wrapped(base64.StdEncoding, 76, "\n", "")},
	{name: "base64url at 64 columns, indented (YAML)", enc: wrapped(base64.URLEncoding, 64, "\n", "    ")},
	{name: "ASCII upper case", enc: upperASCII, long: true},
	{name: "ASCII lower case", enc: foldASCII, long: true},
	{name: "NFC", enc: norm.NFC.String},
	{name: "NFD", enc: norm.NFD.String},
	{name: "JSON string (Go)", enc: goJSON},
	{name: "JSON string, ASCII only (Python)", enc: pythonJSON},
	{name: "JSON string, escaped slash (PHP)", enc: func(s string) string { return strings.ReplaceAll(goJSON(s), "/", `\/`) }},
	{name: "JSON in a JSON string", enc: func(s string) string { return goJSON(`{"k":"` + goJSON(s) + `"}`) }},
	{name: "Go %q", enc: strconv.Quote},
	{name: "Go %+q", enc: strconv.QuoteToASCII},
	{name: "HTML-escaped URL query", enc: func(s string) string { return htmlEscape("/x?a=1&q=" + url.QueryEscape(s)) }},
	{name: "YAML single-quoted (quote doubled)", enc: func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }},
	{name: "CSV field (quote doubled)", enc: func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }},
	{name: "Go %v of a []byte", enc: func(s string) string { return fmt.Sprintf("%v", []byte(s)) }},
	{name: "Go % x", enc: func(s string) string { return fmt.Sprintf("% x", s) }},
	{name: "xxd", enc: func(s string) string { return xxd([]byte("pre:" + s)) }},
	{name: "hexdump -C", enc: func(s string) string { return hexdumpC([]byte("prefix-" + s)) }},
	{name: "base32", enc: func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }},
	{name: "base32hex, unpadded", enc: func(s string) string {
		return base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s))
	}},
	{name: "IIS %uXXXX", enc: iisEscape},
}

// An output path shows text to people; show returns what they would read
// (JSON decoded, logfmt unquoted), for every place the text went.
type output struct {
	name string
	show func(t *testing.T, r *Redactor, text string) []string
}

var leakOutputs = []output{
	{"String", func(t *testing.T, r *Redactor, text string) []string { return []string{r.String(text)} }},
	{"Value", func(t *testing.T, r *Redactor, text string) []string {
		return shownStrings(r.Value(map[string]any{"k": text, "list": []any{text}, text: "as a key", "env": map[string]string{"K": text}, "args": []string{text}}))
	}},
	{"JSON", func(t *testing.T, r *Redactor, text string) []string {
		doc, _ := json.Marshal(map[string]any{"k": text, "list": []any{1, text}, text: "as a key"})
		out, err := r.JSON(doc)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		return append(decodedJSON(t, out), string(out))
	}},
	{"Writer, cut at every byte", func(t *testing.T, r *Redactor, text string) []string {
		var shown []string
		step := max(1, len(text)/700) // every byte up to 700 bytes; 700 cuts beyond
		for cut := 0; cut <= len(text); cut += step {
			shown = append(shown, writeInPieces(t, r, text, cut))
		}
		return shown
	}},
	{"Writer, byte by byte", func(t *testing.T, r *Redactor, text string) []string {
		cuts := make([]int, 0, len(text))
		for i := 1; i < len(text); i++ {
			cuts = append(cuts, i)
		}
		return []string{writeInPieces(t, r, text, cuts...)}
	}},
	{"slog JSONHandler, groups and With", func(t *testing.T, r *Redactor, text string) []string {
		var buf bytes.Buffer
		logSecret(r, slog.NewJSONHandler(&buf, nil), text)
		return append(decodedJSONLines(t, buf.Bytes()), buf.String())
	}},
	{"slog TextHandler, groups and With", func(t *testing.T, r *Redactor, text string) []string {
		var buf bytes.Buffer
		logSecret(r, slog.NewTextHandler(&buf, nil), text)
		return append(logfmtValues(buf.String()), buf.String())
	}},
	{"Middleware, text/plain", serveBody("text/plain; charset=utf-8")},
	{"Middleware, application/json", serveJSON},
	{"Middleware, application/x-ndjson", serveBody("application/x-ndjson")},
	{"Middleware, application/yaml", serveBody("application/yaml")},
	{"Middleware, text/javascript", serveBody("text/javascript")},
	{"Middleware, application/octet-stream", serveBody("application/octet-stream")},
	{"Middleware, no type, Docker log frame", func(t *testing.T, r *Redactor, text string) []string {
		frame := append([]byte{1, 0, 0, 0, 0, 0, 0, byte(len(text))}, text...)
		return serveRaw(t, r, "", frame)
	}},
	{"Middleware, headers and trailers", serveHeaders},
}

func TestLeakMatrix(t *testing.T) {
	t.Parallel()
	for _, sec := range leakSecrets {
		r := newRedactor(t)
		r.Add(sec.value)
		for _, enc := range leakEncodings {
			if enc.long && len(sec.value) < caseFoldFrom {
				continue
			}
			encoded := enc.enc(sec.value)
			forbidden := forbiddenForms(sec.value, encoded)
			text := "<<" + encoded + ">>"
			for _, out := range leakOutputs {
				for _, shown := range out.show(t, r, text) {
					for i, f := range forbidden {
						if strings.Contains(shown, f) {
							t.Errorf("%s, %s, %s: form %d of the secret is shown", sec.name, enc.name, out.name, i)
							break
						}
					}
				}
			}
		}
	}
}

// forbiddenForms returns what an output must not hold: the secret, its
// encoding, and each line of either that carries 8 bytes of it or more.
func forbiddenForms(secret, encoded string) []string {
	out := []string{secret}
	if encoded != secret {
		out = append(out, encoded)
	}
	for _, s := range []string{secret, encoded} {
		if !strings.ContainsAny(s, "\r\n") {
			continue
		}
		for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r", ""), "\n") {
			if line = strings.TrimSpace(line); len(line) >= 16 {
				out = append(out, line)
			}
		}
	}
	return out
}

// The matrix must be able to fail: an output that shows its input as it is
// fails it.
func TestLeakMatrixCanFail(t *testing.T) {
	t.Parallel()
	for _, sec := range leakSecrets {
		for _, enc := range leakEncodings {
			encoded := enc.enc(sec.value)
			found := false
			for _, f := range forbiddenForms(sec.value, encoded) {
				found = found || strings.Contains("<<"+encoded+">>", f)
			}
			if !found {
				t.Errorf("%s, %s: the forbidden forms are not in the encoded text", sec.name, enc.name)
			}
		}
	}
}

// Every encoding differs from the secret for at least one secret, or the
// line would test nothing new.
func TestLeakEncodingsEncode(t *testing.T) {
	t.Parallel()
	for _, enc := range leakEncodings[1:] {
		differs := false
		for _, sec := range leakSecrets {
			differs = differs || enc.enc(sec.value) != sec.value
		}
		if !differs {
			t.Errorf("%s leaves every secret as it is", enc.name)
		}
	}
}

func htmlEscape(s string) string { return htmltemplate.HTMLEscapeString(s) }

func htmlTemplate(src string) func(string) string {
	tmpl := htmltemplate.Must(htmltemplate.New("").Parse(src))
	return func(s string) string {
		var b strings.Builder
		if err := tmpl.Execute(&b, s); err != nil {
			panic(err)
		}
		return b.String()
	}
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// entities writes every character but letters and digits as a numeric
// character reference.
func entities(format string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if isAlnum(r) {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, format, r)
			}
		}
		return b.String()
	}
}

// namedEntities writes the characters HTML5 has a name for by their names
// (PHP's htmlentities with ENT_HTML5 does), the others as they are.
func namedEntities(s string) string {
	names := map[rune]string{
		'&': "amp", '<': "lt", '>': "gt", '"': "quot", '\'': "apos", '+': "plus", '@': "commat",
		'$': "dollar", '{': "lbrace", '}': "rbrace", '/': "sol", '\\': "bsol",
		'ä': "auml", 'ö': "ouml", 'Ü': "Uuml", 'ï': "iuml", '\n': "NewLine", ':': "colon", '=': "equals",
	}
	var b strings.Builder
	for _, r := range s {
		if n, ok := names[r]; ok {
			b.WriteString("&" + n + ";")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// jsEscape writes every character but letters and digits as \uXXXX (a
// surrogate pair above U+FFFF).
func jsEscape(format string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case isAlnum(r):
				b.WriteRune(r)
			case r > 0xFFFF:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, format+format, r1, r2)
			default:
				fmt.Fprintf(&b, format, r)
			}
		}
		return b.String()
	}
}

// jsHexEscape writes ASCII punctuation as \xXX, other characters as \uXXXX.
func jsHexEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case isAlnum(r):
			b.WriteRune(r)
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xFFFF: // a surrogate pair, as JavaScript writes it
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// bashXtrace quotes a word as bash's set -x prints it: in single quotes,
// with a quote as '\”, or as $'...' with C escapes when it holds a control
// character.
func bashXtrace(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' }) {
		q := strconv.Quote(s)
		q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
		return "$'" + strings.ReplaceAll(q, "'", `\'`) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func wrapped(enc *base64.Encoding, width int, eol, indent string) func(string) string {
	return func(s string) string {
		e := enc.EncodeToString([]byte(s))
		var b strings.Builder
		for len(e) > width {
			b.WriteString(indent + e[:width] + eol)
			e = e[width:]
		}
		b.WriteString(indent + e + eol)
		return b.String()
	}
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// goJSON is the inside of the JSON string json.Marshal writes for s.
func goJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// pythonJSON escapes every non-ASCII character, as Python's json.dumps does.
func pythonJSON(s string) string {
	var b strings.Builder
	for _, r := range goJSON(s) {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// shownStrings collects the strings, keys included, of a masked value.
func shownStrings(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		case map[string]string:
			for k, e := range x {
				out = append(out, k, e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case []string:
			out = append(out, x...)
		default:
			out = append(out, fmt.Sprint(x))
		}
	}
	walk(v)
	return out
}

func decodedJSON(t *testing.T, data []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return shownStrings(v)
}

func decodedJSONLines(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for line := range bytes.SplitSeq(bytes.TrimSpace(data), []byte("\n")) {
		out = append(out, decodedJSON(t, line)...)
	}
	return out
}

// logfmtValues returns the values of a TextHandler's output, unquoted.
func logfmtValues(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		for len(line) > 0 {
			eq := strings.IndexByte(line, '=')
			if eq < 0 {
				break
			}
			out = append(out, line[:eq])
			line = line[eq+1:]
			if strings.HasPrefix(line, `"`) {
				if q, err := strconv.QuotedPrefix(line); err == nil {
					u, _ := strconv.Unquote(q)
					out = append(out, u)
					line = strings.TrimPrefix(line[len(q):], " ")
					continue
				}
			}
			end := strings.IndexByte(line, ' ')
			if end < 0 {
				end = len(line)
			}
			out = append(out, line[:end])
			line = strings.TrimPrefix(line[end:], " ")
		}
	}
	return out
}

// logSecret logs text as a message, an attribute, in a group, bound with
// With before and after a group, and in an error.
func logSecret(r *Redactor, h slog.Handler, text string) {
	logger := slog.New(r.Handler(h)).With("bound", text).WithGroup("grp").With("inner", text)
	logger.Info(text, "k", text, slog.Group("g", "k", text), "err", fmt.Errorf("failed: %s", text), "raw", []byte(text))
}

func serve(t *testing.T, r *Redactor, h http.HandlerFunc) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	middleware(t, r, h).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	return rec.Result()
}

func serveRaw(t *testing.T, r *Redactor, ctype string, body []byte) []string {
	resp := serve(t, r, func(w http.ResponseWriter, _ *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		// In two writes, the second one starting inside the text.
		_, _ = w.Write(body[:len(body)/2])
		_, _ = w.Write(body[len(body)/2:])
	})
	got, _ := io.ReadAll(resp.Body)
	return []string{string(got)}
}

func serveBody(ctype string) func(t *testing.T, r *Redactor, text string) []string {
	return func(t *testing.T, r *Redactor, text string) []string {
		return serveRaw(t, r, ctype, []byte("line one\n"+text+"\nline three\n"))
	}
}

func serveJSON(t *testing.T, r *Redactor, text string) []string {
	doc, _ := json.Marshal(map[string]any{"k": text, text: 1})
	shown := serveRaw(t, r, "application/json", doc)
	return append(shown, decodedJSON(t, []byte(shown[0]))...)
}

func serveHeaders(t *testing.T, r *Redactor, text string) []string {
	resp := serve(t, r, func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Custom", text)
		w.Header().Add("Set-Cookie", (&http.Cookie{Name: "sid", Value: base64.RawURLEncoding.EncodeToString([]byte(text))}).String())
		w.Header().Set("Set-Cookie", "plain="+text)
		w.Header().Set("Trailer", "X-Checksum")
		http.Redirect(w, req, "/next?token="+url.QueryEscape(text), http.StatusFound)
		w.Header().Set("X-Checksum", text)
		w.Header().Set(http.TrailerPrefix+"X-Late", text)
	})
	body, _ := io.ReadAll(resp.Body)
	shown := []string{string(body)}
	for _, h := range []http.Header{resp.Header, resp.Trailer} {
		for k, vs := range h {
			shown = append(shown, k)
			shown = append(shown, vs...)
			if k == "Location" {
				for _, v := range vs {
					if u, err := url.Parse(v); err == nil {
						shown = append(shown, u.Query().Get("token"))
					}
				}
			}
		}
	}
	return shown
}

func b64(enc *base64.Encoding) func(string) string {
	return func(s string) string { return enc.EncodeToString([]byte(s)) }
}
