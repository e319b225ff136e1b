package sopsdec

import (
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// A data key never prints, whatever the verb: alone, inside a Plaintext,
// inside Keys (an unexported field, where fmt calls no method), inside any
// struct that holds it unexported, or through slog.
func TestDataKeyWithheld(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	dk := newDataKey([32]byte{}, key)
	pt := &Plaintext{Key: dk}
	keys := Keys{}.Knowing(dk)
	holder := struct{ dk DataKey }{dk}
	values := []any{dk, &dk, pt, *pt, []DataKey{dk}, keys, &keys, holder}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range values {
			outputs = append(outputs, fmt.Sprintf(verb, v))
		}
	}
	var logged strings.Builder
	logger := slog.New(slog.NewTextHandler(&logged, nil))
	for _, v := range values {
		logger.Info("keys", "value", v)
	}
	outputs = append(outputs, logged.String())
	forms := []string{string(key), hex.EncodeToString(key), strings.ToUpper(hex.EncodeToString(key)), fmt.Sprint(key)[1:20], "0x30, 0x31"}
	for _, out := range outputs {
		for _, form := range forms {
			if strings.Contains(out, form) {
				t.Errorf("%q shows the key", out)
			}
		}
	}
}
