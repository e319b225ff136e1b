package sopsdec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
)

// TestPlainValueMatchesSops compares watchedCipher, which reads the shape
// sops writes itself (plainValue), with sops' own cipher, on values sops
// encrypted (every type) and on every way one can be malformed or
// tampered with: the same value, or an error on both sides.
func TestPlainValueMatchesSops(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	otherKey := []byte("fedcba9876543210fedcba9876543210")
	const ad = "secrets:DB:"
	enc := func(v any) string {
		s, err := aes.NewCipher().Encrypt(v, key, ad)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	when, err := time.Parse(time.RFC3339, "2024-05-06T07:08:09Z")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{
		"str": enc("plain-value-1"), "int": enc(42), "float": enc(2.5), "bool": enc(true),
		"time": enc(when), "comment": enc(sops.Comment{Value: " a comment"}), // (sops cannot encrypt bytes: its stash panics; "str as bytes" below)
		"unicode": enc("grüße ✓"), "empty": "",
	}
	s := values["str"]
	if _, _, _, _, ok := splitValue(s); !ok {
		t.Fatalf("sops' own value is not read directly")
	}
	retype := func(v, typ string) string { return v[:strings.LastIndex(v, ",type:")] + ",type:" + typ + "]" }
	cases := map[string]string{
		"str as int":          retype(s, "int"),
		"str as float":        retype(s, "float"),
		"str as bool":         retype(s, "bool"),
		"str as time":         retype(s, "time"),
		"str as bytes":        retype(s, "bytes"),
		"str as unknown type": retype(s, "xyz"),
		"int as str":          retype(values["int"], "str"),
		"text after":          s + "x",
		"text after a line":   s + "\nx",
		"line break inside":   strings.Replace(s, ",iv:", "\n,iv:", 1),
		"two ivs":             strings.Replace(s, ",tag:", ",iv:AAAA,tag:", 1),
		"iv in data":          strings.Replace(s, "data:", "data:QUFB,iv:QUFB", 1),
		"bracket inside":      strings.Replace(s, ",tag:", "],tag:", 1),
		"no data":             strings.Replace(s, s[len(encPrefix):strings.Index(s, ",iv:")], "", 1),
		"no type":             retype(s, ""),
		"parts out of order":  strings.Replace(strings.Replace(s, ",iv:", ",XX:", 1), ",tag:", ",iv:", 1),
		"bad base64 data":     strings.Replace(s, "data:", "data:!", 1),
		"bad base64 iv":       strings.Replace(s, ",iv:", ",iv:!", 1),
		"bad base64 tag":      strings.Replace(s, ",tag:", ",tag:!", 1),
		"tampered data":       strings.Replace(s, "data:", "data:AAAA", 1),
		"lower case prefix":   strings.Replace(s, "ENC[AES256_GCM", "enc[AES256_GCM", 1),
		"other algorithm":     strings.Replace(s, "AES256_GCM", "AES128_GCM", 1),
		"short iv":            strings.Replace(s, ",iv:", ",iv:AAAA,x:", 1),
	}
	for name, v := range values {
		cases[name] = v
		if got, err := (&watchedCipher{Cipher: aes.NewCipher()}).Decrypt(v, key, ad); err != nil {
			t.Errorf("%s: sops' own value does not decrypt: %v", name, err)
		} else if name == "time" && !got.(time.Time).Equal(when) {
			t.Errorf("time: %v", got)
		}
	}
	for name, ct := range cases {
		for _, k := range [][]byte{key, otherKey, key[:16], nil} {
			for _, a := range []string{ad, "secrets:OTHER:"} {
				want, wantErr := sopsDecrypt(ct, k, a)
				got, gotErr := (&watchedCipher{Cipher: aes.NewCipher()}).Decrypt(ct, k, a)
				if !reflect.DeepEqual(got, want) || (gotErr == nil) != (wantErr == nil) {
					t.Errorf("%s (key of %d bytes, %s): got (%v, %v), sops gives (%v, %v)", name, len(k), a, got, gotErr, want, wantErr)
				}
			}
		}
	}
	// One watchedCipher decrypts a whole file: its GCM, made for the first
	// value, must not serve another key.
	c := &watchedCipher{Cipher: aes.NewCipher()}
	if v, err := c.Decrypt(s, key, ad); err != nil || v != "plain-value-1" {
		t.Fatalf("first value: %v, %v", v, err)
	}
	if _, err := c.Decrypt(s, otherKey, ad); err == nil {
		t.Error("the cipher's GCM decrypted with another key")
	}
}

// sopsDecrypt is sops' own cipher, a panic (type:bytes) taken as an error.
func sopsDecrypt(ct string, key []byte, ad string) (v any, err error) {
	defer func() {
		if recover() != nil {
			v, err = nil, errors.New("panic")
		}
	}()
	return aes.NewCipher().Decrypt(ct, key, ad)
}
