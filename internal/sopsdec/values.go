package sopsdec

import (
	"bytes"
	cryptoaes "crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/getsops/sops/v3"
)

// sops' aes.Cipher finds the four parts of an encrypted value with a
// regular expression, `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]`,
// whose backtracking was about a twentieth of a cold load, and makes an
// AES cipher and a GCM for every value. plainValue reads the one shape
// sops writes, where the parts can only be what that expression makes of
// them, and decrypts as aes.Cipher.Decrypt does, with the file's GCM made
// once; anything else goes to sops' cipher (watchedCipher.Decrypt).
// TestPlainValueMatchesSops compares the two on sops' own values and on
// malformed ones.

// encPrefix begins every value sops encrypts.
const encPrefix = "ENC[AES256_GCM,data:"

// splitValue returns the parts of an encrypted value when each separator
// stands in it once, in order, around non-empty parts, with one "]", at
// the end, and no line break (the expression's "." stops at one): then
// the expression's groups are those parts and no others. ok is false for
// any other text.
func splitValue(s string) (data, iv, tag, typ string, ok bool) {
	if !strings.HasPrefix(s, encPrefix) || strings.IndexByte(s, ']') != len(s)-1 || strings.IndexByte(s, '\n') >= 0 {
		return "", "", "", "", false
	}
	rest := s[len(encPrefix) : len(s)-1]
	for _, sep := range [...]string{",iv:", ",tag:", ",type:"} {
		if strings.Count(rest, sep) != 1 {
			return "", "", "", "", false
		}
	}
	data, rest, _ = strings.Cut(rest, ",iv:")
	iv, rest, ok1 := strings.Cut(rest, ",tag:")
	tag, typ, ok2 := strings.Cut(rest, ",type:")
	if !ok1 || !ok2 || data == "" || iv == "" || tag == "" || typ == "" {
		return "", "", "", "", false
	}
	return data, iv, tag, typ, true
}

// plainTypes are the value types plainValue converts as sops does; a
// value of another (bytes, which makes sops' cipher panic, or one sops
// does not know) goes to sops' cipher.
var plainTypes = map[string]bool{"str": true, "int": true, "float": true, "bool": true, "time": true, "comment": true}

// plainValue decrypts ciphertext as aes.Cipher.Decrypt does, or says
// (handled false) that sops' cipher must.
func (c *watchedCipher) plainValue(ciphertext string, key []byte, additionalData string) (v any, handled bool, err error) {
	data64, iv64, tag64, typ, ok := splitValue(ciphertext)
	if !ok || !plainTypes[typ] {
		return nil, false, nil
	}
	data, err := base64.StdEncoding.DecodeString(data64)
	if err != nil {
		return nil, true, err
	}
	iv, err := base64.StdEncoding.DecodeString(iv64)
	if err != nil {
		return nil, true, err
	}
	tag, err := base64.StdEncoding.DecodeString(tag64)
	if err != nil {
		return nil, true, err
	}
	gcm, err := c.gcmFor(key, len(iv))
	if err != nil {
		return nil, true, err
	}
	decrypted, err := gcm.Open(nil, iv, append(data, tag...), []byte(additionalData))
	if err != nil {
		return nil, true, err
	}
	s := string(decrypted)
	switch typ {
	case "str":
		return s, true, nil
	case "int":
		v, err = strconv.Atoi(s)
	case "float":
		v, err = strconv.ParseFloat(s, 64)
	case "bool":
		v, err = strconv.ParseBool(s)
	case "time":
		var t time.Time
		err = t.UnmarshalText(decrypted)
		v = t
	case "comment":
		v = sops.Comment{Value: s}
	}
	return v, true, err
}

// gcmFor returns an AES-GCM of key with the nonce size, made once per
// file (sops' cipher makes one per value).
func (c *watchedCipher) gcmFor(key []byte, nonceSize int) (cipher.AEAD, error) {
	if c.gcm != nil && c.gcmNonce == nonceSize && bytes.Equal(c.gcmKey, key) {
		return c.gcm, nil
	}
	block, err := cryptoaes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCMWithNonceSize(block, nonceSize)
	if err != nil {
		return nil, err
	}
	c.gcm, c.gcmKey, c.gcmNonce = gcm, bytes.Clone(key), nonceSize
	return gcm, nil
}
