package sopsdec

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// A data key never prints, whatever the verb, alone or inside a Plaintext.
func TestDataKeyWithheld(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	dk := DataKey{key: key}
	pt := &Plaintext{Key: dk}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range []any{dk, &dk, pt, *pt, []DataKey{dk}} {
			out := fmt.Sprintf(verb, v)
			for _, form := range []string{string(key), hex.EncodeToString(key), strings.ToUpper(hex.EncodeToString(key)), fmt.Sprint(key), "48 49 50"} {
				if strings.Contains(out, form) {
					t.Errorf("Sprintf(%q, %T) = %q: shows the key", verb, v, out)
				}
			}
		}
	}
}
