package redact

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// byteList writes s as Go's %v writes a []byte, without the brackets:
// "104 117 110".
func byteList(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(int(s[i])))
	}
	return b.String()
}

// spacedHex writes s in hex with a space after every group bytes, the first
// group align bytes short: fmt's % x is (1, 0), xxd's columns (2, 0) and
// (2, 1).
func spacedHex(s string, group, align int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && (i+align)%group == 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte{s[i]}))
	}
	return b.String()
}

// TestDerivationsWriteTheForms checks that each derivation, which a
// pattern keeps instead of its text, writes exactly the text the encoders
// of the standard library (and the writers above) give, for secrets of
// every length and byte.
func TestDerivationsWriteTheForms(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(20, 21))
	for round := range 2000 {
		b := make([]byte, rng.IntN(70))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		v := string(b)
		want := map[derivation]string{
			asIs:         v,
			hexOf:        hex.EncodeToString(b),
			byteListOf:   byteList(v),
			spacedHexOf:  spacedHex(v, 1, 0),
			xxdOf:        spacedHex(v, 2, 0),
			xxdShiftedOf: spacedHex(v, 2, 1),
		}
		for align := range 3 {
			want[base64CoreOf+derivation(align)], _ = base64Core(v, base64.RawStdEncoding, align)
		}
		for i, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding} {
			want[base32StdOf+derivation(i)], _ = base32Core(v, enc, 0)
		}
		for d, w := range want {
			if got := string(d.appendText([]byte("x"), v)); got != "x"+w {
				t.Fatalf("round %d, %d bytes: derivation %d writes %d bytes, want %d", round, len(v), d, len(got)-1, len(w))
			}
		}
	}
}
