package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

func TestJSONKeepsEverythingButMaskedText(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	secrets := []string{"tok_abc123", "31337"}
	r.Add(secrets...)
	tests := []struct{ name, in, want string }{
		{
			"order, white space, duplicates and escapes kept",
			"{ \"z\" : 1 ,\n\t\"a\":\"\\u0041\\/b\", \"z\":[ true,false,null ] }",
			"{ \"z\" : 1 ,\n\t\"a\":\"\\u0041\\/b\", \"z\":[ true,false,null ] }",
		},
		{
			"string masked",
			`{"auth":"Bearer tok_abc123","n":1}`,
			`{"auth":"Bearer ` + Mask + `","n":1}`,
		},
		{
			"secret written with escapes",
			`["Bearer tok_\u0061bc123"]`,
			`["Bearer ` + Mask + `"]`,
		},
		{
			"escapes of a masked string rewritten",
			`"a\tb \u0041 tok_abc123 \"q\""`,
			`"a\tb A ` + Mask + ` \"q\""`,
		},
		{
			"key masked",
			`{"tok_abc123":{"x":"y"}}`,
			`{"` + Mask + `":{"x":"y"}}`,
		},
		{
			"number masked becomes a string",
			`{"port":31337,"other":-31337.5e1,"ok":3133}`,
			`{"port":"` + Mask + `","other":"` + Mask + `","ok":3133}`,
		},
		{
			"reference masked",
			`{"db":"ref+awsssm:///prod/db/password","other":"not-a-ref"}`,
			`{"db":"` + Mask + `","other":"not-a-ref"}`,
		},
		{
			"serialized JSON inside a string",
			`{"body":"{\"token\":\"tok_abc123\"}"}`,
			`{"body":"{\"token\":\"` + Mask + `\"}"}`,
		},
		{"scalar document", ` "tok_abc123" `, ` "` + Mask + `" `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := r.JSON([]byte(tt.in))
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("JSON =\n%s\nwant\n%s", testkit.Hide(string(got), secrets...), testkit.Hide(tt.want, secrets...))
			}
			if !json.Valid(got) {
				t.Error("output is not valid JSON")
			}
		})
	}
}

func TestJSONKeysThatCollideKeepTheirValues(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	secrets := []string{"key-one-secret", "key-two-secret"}
	r.Add(secrets...)
	in := `{"key-one-secret":1,"key-two-secret":2,"••••••":3,"x":{"key-one-secret":4}}`
	want := `{"••••••":1,"••••••#2":2,"••••••#3":3,"x":{"••••••":4}}`
	got, err := r.JSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("JSON = %s, want %s", testkit.Hide(string(got), secrets...), want)
	}
	var decoded map[string]any
	if err := json.Unmarshal(got, &decoded); err != nil || len(decoded) != 4 {
		t.Errorf("decoded %d keys (%v), want 4", len(decoded), err)
	}
}

func TestJSONSurrogates(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	r.Add("pass😀word")
	got, err := r.JSON([]byte(`["pass\ud83d\ude00word","\ud800 lone","\ud83d\u0041"]`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `["` + Mask + `","\ud800 lone","\ud83d\u0041"]`; string(got) != want {
		t.Errorf("JSON = %s, want %s", testkit.Hide(string(got), "pass😀word"), want)
	}
}

func TestJSONReturnsACopy(t *testing.T) {
	t.Parallel()
	in := []byte(`{"a":"b"}`)
	out, err := newRedactor(t).JSON(in)
	if err != nil {
		t.Fatal(err)
	}
	out[2] = 'X'
	if string(in) != `{"a":"b"}` {
		t.Error("JSON returned its input, not a copy")
	}
}

func TestJSONFailsClosedOnInvalidInput(t *testing.T) {
	t.Parallel()
	const secret = "tok_abc123"
	r := newRedactor(t)
	r.Add(secret)
	invalid := []string{
		``, ` `, `{`, `}`, `[`, `[1,]`, `{"a":}`, `{"a" 1}`, `{"a":1,}`, `{1:2}`, `{"a":1 "b":2}`,
		`"tok_abc123`, "\"tok_abc123\x01\"", `"\q"`, `"\u12"`, `"\u12zz"`, `"\`,
		`01`, `1.`, `.5`, `1e`, `1e+`, `-`, `--1`, `+1`, `0x10`, `NaN`, `Infinity`,
		`tru`, `nul`, `fals`, `True`, `'tok_abc123'`,
		`{} {}`, `[1] x`, `"tok_abc123" "tok_abc123"`, `{"token":"tok_abc123"`,
		`{"token":"tok_abc123",}`, `["tok_abc123" "x"]`,
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	}
	for _, in := range invalid {
		out, err := r.JSON([]byte(in))
		if !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("JSON(%.40q) = %v, want ErrInvalidJSON", testkit.Hide(in, secret), err)
			continue
		}
		if out != nil {
			t.Errorf("JSON(%.40q) returned output with its error", testkit.Hide(in, secret))
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "abc123") {
			t.Errorf("error message leaks the secret")
		}
		if json.Valid([]byte(in)) {
			t.Errorf("encoding/json accepts %.40q", testkit.Hide(in, secret))
		}
	}
	// The deepest nesting accepted is the same as encoding/json's.
	deep := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if _, err := r.JSON([]byte(deep)); err != nil || !json.Valid([]byte(deep)) {
		t.Errorf("nesting of %d: %v", maxDepth, err)
	}
}

func TestJSONAgreesWithEncodingJSONOnValidity(t *testing.T) {
	t.Parallel()
	r := newRedactor(t)
	for _, in := range jsonSeeds {
		_, err := r.JSON([]byte(in))
		if valid := json.Valid([]byte(in)); valid != (err == nil) {
			t.Errorf("JSON(%q): error %v, encoding/json says valid=%v", in, err, valid)
		}
	}
}

// jsonSeeds are the fuzz seeds and the validity cases.
var jsonSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0.0e+0`, `1E9`, `true`, `null`,
	`{"a":[1,2,{"b":"c"}],"d":"e\u00e9\n"}`,
	`{"token":"Bearer tok_abc123","nested":{"k":["x","tok_abc123"]}}`,
	`{"tok_abc123":1,"x-tok_abc123":2}`,
	`["ref+vault://secret/data/api#token","not-a-ref"]`,
	`"\ud83d\ude00\ud800"`, "\"\xff\xfe\"", `[1,]`, `{"a":1}x`, "\"\x7f\"", `"\/"`,
	" \t\r\n[ 1 , 2 ]\n",
}

func TestJSONOutputOfALargeDocumentDecodesAlike(t *testing.T) {
	t.Parallel()
	doc, secrets := jobRecord(200_000, 10)
	r := newRedactor(t)
	r.Add(secrets...)
	out, err := r.JSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	var viaJSON, viaValue any
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&viaJSON); err != nil {
		t.Fatal(err)
	}
	var in any
	dec = json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	viaValue = r.Value(in)
	a, _ := json.Marshal(viaJSON)
	b, _ := json.Marshal(viaValue)
	if !bytes.Equal(a, b) {
		t.Error("JSON and Value mask the same document differently")
	}
	testkit.AssertNoLeak(t, "output", string(out), secrets...)
	if bytes.Equal(out, doc) {
		t.Error("nothing was masked in a record holding secrets")
	}
}
