package redact

import (
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// A '|' in the secret, in hexdump -C's and hex.Dump's text column (which
// '|' delimits), does not stop the dump from being recognised: its hex and
// its text column are masked, in String and in a Writer cut anywhere.
func TestHexDumpOfSecretWithPipe(t *testing.T) {
	t.Parallel()
	secrets := []string{
		"abcdefghij|klmnopqrst",
		"semi;colon|pipe&Secret",
		"|abcdefghijklmnopqrst",
		"abcdefghijklmnopqrs|",
		"||||pipes-all-over||||-and-more-than-a-line|",
	}
	dumps := []struct {
		name string
		dump func([]byte) string
	}{
		{"hex.Dump", hex.Dump},
		{"hexdump -C", hexdumpC},
	}
	for _, secret := range secrets {
		r := newRedactor(t)
		r.Add(secret)
		for _, d := range dumps {
			for _, data := range []string{secret + "tail", "0123456|" + secret + "|tail|", "ZYXWVUTSRQ" + secret} {
				text := "before\n" + d.dump([]byte(data)) + "after"
				outs := map[string]string{"String": r.String(text)}
				outs["Writer byte by byte"] = writeInPieces(t, r, text, seq1(len(text))...)
				for _, cut := range []int{1, 7, len(text) / 2, len(text) - 3} {
					outs[fmt.Sprintf("Writer cut at %d", cut)] = writeInPieces(t, r, text, cut)
				}
				for how, out := range outs {
					if leaked := shownPiece(out, secret, hex.EncodeToString([]byte(secret))); leaked != "" {
						t.Errorf("%s of %s: %s shows %s:\n%s", d.name, testkit.Hide(data, secret), how, leaked, testkit.Hide(out, secret))
					}
				}
			}
		}
	}
}
