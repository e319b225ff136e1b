package advtest_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/redact"
)

// TestHexDumpOfSecretWithPipe: redact's doc lists "the columns of a hex dump
// as xxd and hexdump -C write them". A secret holding '|' (the delimiter of
// hexdump -C's and hex.Dump's text column) is masked in neither the hex
// columns nor the text column: the whole dump passes unmasked. The same
// dump of a secret without '|' is masked.
func TestHexDumpOfSecretWithPipe(t *testing.T) {
	for _, s := range []string{"abcdefghij|klmnopqrst", "semi;colon|pipe&Secret", "|abcdefghijklmnopqrst"} {
		r, err := redact.New()
		if err != nil {
			t.Fatal(err)
		}
		r.Add(s)
		dump := hex.Dump([]byte(s + "tail"))
		masked := r.String(dump)
		if !strings.Contains(masked, redact.Mask) {
			t.Errorf("secret %q: the dump is not masked:\n%s", s, masked)
		}
	}
}
