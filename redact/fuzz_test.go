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
