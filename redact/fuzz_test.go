package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzSecrets keeps the secrets the properties hold for: at or above the
// minimum length, not only white space (those are short by rule), and with no
// byte of the mask's own text (a mask could complete them; see the package
// documentation).
func fuzzSecrets(candidates ...string) []string {
	var out []string
	for _, s := range candidates {
		if len(s) >= DefaultMinLength && strings.TrimSpace(s) != "" && !holdsMaskByte(s) {
			out = append(out, s)
		}
	}
	return out
}

func holdsMaskByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(Mask, s[i]) >= 0 {
			return true
		}
	}
	return false
}

// encodings lists the whole encoded forms of a secret the output must not
// hold.
func encodings(s string) []string {
	goJSON, _ := json.Marshal(s)
	return []string{
		s,
		base64.StdEncoding.EncodeToString([]byte(s)),
		base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
		string(goJSON[1 : len(goJSON)-1]),
		url.QueryEscape(s),
		url.PathEscape(s),
	}
}

// FuzzJSON checks the property of JSON: for any document and any secrets at
// or above the minimum length, the output is valid JSON of the same shape
// (numbers may turn into the mask string), and no secret nor any of its
// encodings survives in any string, key or number; invalid documents fail.
func FuzzJSON(f *testing.F) {
	for _, doc := range jsonSeeds {
		f.Add([]byte(doc), "tok_abc123", "abab")
	}
	f.Add([]byte(`{"a":"x dG9rX2FiYzEyMw== y","b":"tok%5Fabc123","c":12345}`), "tok_abc123", "12345")
	f.Add([]byte(`["ababab","{\"k\":\"se\\\"cret\"}"]`), "abab", `se"cret`)
	f.Fuzz(func(t *testing.T, doc []byte, s1, s2 string) {
		secrets := fuzzSecrets(s1, s2)
		r := newRedactor(t)
		r.Add(secrets...)
		checkJSON(t, r, secrets, doc)
		if len(secrets) == 0 || !json.Valid(doc) {
			return
		}
		// The same document with the secrets put in: as a value, inside
		// text, as a key, in base64, and as serialized JSON in a string.
		s := secrets[len(secrets)-1]
		quote := func(v string) string { b, _ := json.Marshal(v); return string(b) }
		inner := quote(`{"k":` + quote("x"+s) + `}`)
		composite := `{"doc":` + string(doc) + `,"v":` + quote(s) + `,"t":` + quote("a "+s+" b") +
			`,` + quote(s) + `:1,"b":` + quote(base64.StdEncoding.EncodeToString([]byte("u:"+s))) +
			`,"j":` + inner
		if json.Valid([]byte(s)) {
			composite += `,"raw":` + s
		}
		checkJSON(t, r, secrets, []byte(composite+"}"))
	})
}

func checkJSON(t *testing.T, r *Redactor, secrets []string, doc []byte) {
	t.Helper()
	out, err := r.JSON(doc)
	if valid := json.Valid(doc); valid != (err == nil) {
		t.Fatalf("encoding/json says valid=%v, JSON returned %v", valid, err)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalidJSON) || out != nil {
			t.Fatalf("invalid input: %v, %d bytes out", err, len(out))
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Fatal("error message leaks a secret")
			}
		}
		return
	}
	if !json.Valid(out) {
		t.Fatal("output is not valid JSON")
	}
	if len(secrets) == 0 && !bytes.Contains(doc, []byte("ref+")) && !bytes.Equal(out, doc) {
		t.Fatal("output changed with nothing to mask")
	}
	var forbidden []string
	for _, s := range secrets {
		forbidden = append(forbidden, encodings(s)...)
	}
	inTokens, outTokens := tokens(t, doc), tokens(t, out)
	if len(inTokens) != len(outTokens) {
		t.Fatalf("%d tokens in, %d out", len(inTokens), len(outTokens))
	}
	for i, in := range inTokens {
		o := outTokens[i]
		switch x := in.(type) {
		case json.Delim, bool, nil:
			if o != in {
				t.Fatalf("token %d: structure changed", i)
			}
		case json.Number:
			if o != x && o != Mask {
				t.Fatalf("token %d: number changed to something else than the mask", i)
			}
		case string:
			if _, ok := o.(string); !ok {
				t.Fatalf("token %d: string became %T", i, o)
			}
		}
		text := ""
		switch x := o.(type) {
		case string:
			text = x
		case json.Number:
			text = string(x)
		}
		for k, enc := range forbidden {
			if strings.Contains(text, enc) {
				t.Fatalf("token %d: secret form %d survived", i, k)
			}
		}
	}
}

// tokens returns the token stream of a valid JSON document, numbers as
// json.Number.
func tokens(t *testing.T, doc []byte) []any {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out []any
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		out = append(out, tok)
	}
}

// FuzzWriter checks that a stream cut anywhere masks as String does, and
// leaks no secret.
func FuzzWriter(f *testing.F) {
	f.Add("password=hunter22 and hunter22hunter22\n", "hunter22", uint16(12), uint16(20))
	f.Add("ababab abab", "abab", uint16(3), uint16(5))
	f.Add("Basic dXNlcjpodW50ZXIyMg==\n", "hunter22", uint16(9), uint16(15))
	f.Add("a ref+vault://x/y#z b ref+echo://aa", "tok_abc123", uint16(4), uint16(30))
	f.Fuzz(func(t *testing.T, text, s1 string, cut1, cut2 uint16) {
		secrets := fuzzSecrets(s1)
		r := newRedactor(t)
		r.Add(secrets...)
		if len(secrets) > 0 {
			at := min(int(cut1)/2, len(text)) // put one in
			text = text[:at] + secrets[0] + text[at:]
		}
		a, b := min(int(cut1), len(text)), min(int(cut2), len(text))
		if a > b {
			a, b = b, a
		}
		var out bytes.Buffer
		w := r.Writer(&out)
		for _, piece := range []string{text[:a], text[a:b], text[b:]} {
			if _, err := w.Write([]byte(piece)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Fatal("secret leaked from the stream")
			}
		}
		// References are found anew in each held-back window, which can
		// mask more than String does; secrets are masked alike.
		if !strings.Contains(text, "ref+") && !isWholeValue(r, text) {
			if want := r.String(text); got != want {
				t.Fatalf("stream and String differ (%d and %d bytes)", len(got), len(want))
			}
		}
	})
}

func isWholeValue(r *Redactor, s string) bool {
	m := r.load()
	return m.isWhole(s)
}

// FuzzEncodedForms checks the promise of the package doc for the encodings
// of the leak matrix, and for two of them stacked: a secret at or above the
// minimum length, encoded, inside any text, is masked by String and by a
// Writer cut anywhere, and neither its text nor its encoding survives.
func FuzzEncodedForms(f *testing.F) {
	f.Add("it's+p@ss&w0rd", "user=", " done", uint8(2), uint8(0), uint16(7))
	f.Add("pässwörd-Ünïcode", "<a href=\"", "\">", uint8(5), uint8(33), uint16(30))
	f.Add(demoPEM, "key: |\n", "\n", uint8(29), uint8(0), uint16(100))
	f.Add("S3cr3t@Pa$$w0rd", "", "", uint8(18), uint8(35), uint16(3))
	f.Add("line-one\nline-two", "x", "y", uint8(15), uint8(4), uint16(9))
	f.Fuzz(func(t *testing.T, secret, before, after string, e1, e2 uint8, cut uint16) {
		secrets := fuzzSecrets(secret)
		if len(secrets) == 0 || len(secret) > 2048 || len(before)+len(after) > 4096 {
			return
		}
		if strings.Contains(secret, "\x00") {
			return // html/template writes NUL as U+FFFD: not the secret any more
		}
		// The encoding stands apart from the text around it: an escape
		// started before it or a digit after it ("\\" + "000\\u0020", "\\0" + "12")
		// would make other escapes of it.
		if strings.ContainsAny(before[max(len(before)-maxSeqLen, 0):], "\\&%'") || strings.IndexFunc(after, isHexOrSemicolon) == 0 {
			return
		}
		first := leakEncodings[int(e1)%len(leakEncodings)]
		if first.long && len(secret) < caseFoldFrom {
			return
		}
		if first.name == "template.JSEscapeString" && hasUnprintableAstral(secret) {
			return // written as \u and five hex digits, which JavaScript reads as another rune and a digit
		}
		encoded := first.enc(secret)
		// A second encoding from the escapings (stacked escapings are
		// promised three deep; base64 of base64 is not).
		if k := int(e2) % (len(leakEncodings) + 1); k < len(leakEncodings) && stackable(leakEncodings[k].name) && stackable(first.name) &&
			escapeLevels(first.name)+escapeLevels(leakEncodings[k].name) <= maxViewDepth {
			encoded = leakEncodings[k].enc(encoded)
		}
		r := newRedactor(t)
		r.Add(secret)
		text := before + encoded + after
		forbidden := []string{secret, encoded}
		got := r.String(text)
		for i, s := range forbidden {
			if strings.Contains(got, s) {
				t.Fatalf("String shows form %d of the secret", i)
			}
		}
		c := min(int(cut), len(text))
		streamed := writeInPieces(t, r, text, c)
		for i, s := range forbidden {
			if strings.Contains(streamed, s) {
				t.Fatalf("Writer cut at %d shows form %d of the secret", c, i)
			}
		}
	})
}

// escapeLevels is how many escapings an encoding of the leak matrix stacks.
func escapeLevels(name string) int {
	switch name {
	case "JSON in a JSON string", "html/template, URL query", "HTML-escaped URL query":
		return 2
	}
	return 1
}

// stackable reports whether an encoding of the leak matrix is an escaping
// (the package decodes those in any mixture) rather than a re-encoding
// (base64, base32, hex, a byte list, a dump: promised of the secret itself,
// not of another encoding of it), a case change or a normal form.
func stackable(name string) bool {
	for _, not := range []string{"base64", "base32", "hex", "HEX", "Go %v", "Go % x", "xxd", "case", "NFC", "NFD", "as given"} {
		if strings.Contains(name, not) {
			return false
		}
	}
	return true
}

// FuzzDecoders checks that decoding any text keeps every decoded byte mapped
// to bytes of the text, and that masking any text finds spans inside it.
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{`\u00e9\ud83d\ude00&#x2B;&amp;%41+'\''`, "AAAA\r\n  BBBB", `\\\\\"`, "&#99999999;", `\u{110000}`, "%%%"} {
		f.Add(s)
	}
	r, err := New()
	if err != nil {
		f.Fatal(err)
	}
	r.Add("secret-value", "&'+", "a\\b")
	f.Fuzz(func(t *testing.T, in string) {
		b := []byte(in)
		for di := range escapings {
			var v view
			if !escapings[di].decodeAll(b, &v) {
				continue
			}
			if len(v.from) != len(v.text) || len(v.to) != len(v.text) {
				t.Fatal("offsets and text differ in length")
			}
			for i := range v.text {
				if v.from[i] < 0 || v.from[i] > v.to[i] || int(v.to[i]) > len(b) || i > 0 && v.from[i] < v.from[i-1] {
					t.Fatalf("decoder %d: byte %d maps to [%d, %d) of %d", di, i, v.from[i], v.to[i], len(b))
				}
			}
		}
		m := r.load()
		prev := -1
		for _, s := range m.spans(b, nil) {
			if s.start <= prev || s.start >= s.end || s.end > len(b) {
				t.Fatalf("span [%d, %d) after %d in %d bytes", s.start, s.end, prev, len(b))
			}
			prev = s.end
		}
	})
}

func isHexOrSemicolon(r rune) bool {
	return r < utf8.RuneSelf && (isHexDigit(byte(r)) || r == ';' || r == '}')
}

// hasUnprintableAstral reports whether s holds a rune above U+FFFF that
// JSEscapeString escapes (it writes \u%04X, five or six digits for those).
func hasUnprintableAstral(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF && !unicode.IsPrint(r) })
}
