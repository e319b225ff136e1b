package redact

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
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

// A text whose first line is cut as the end of an xxd line is (four hex
// digits, two spaces, 16 bytes of text, a line break at index 22) has no
// byte before that group to look at: masking it does not panic, with or
// without secrets.
func TestXxdLineAtTextStart(t *testing.T) {
	t.Parallel()
	text := "beef  0123456789abcdef\n00000010: 6162 6364  abcd\n"
	for _, secrets := range [][]string{nil, {"somesecretvalue"}} {
		r := newRedactor(t)
		r.Add(secrets...)
		if got := r.String(text); got != text {
			t.Errorf("%d secrets: String changed a text without secrets (%d bytes to %d)", len(secrets), len(text), len(got))
		}
		quoted, _ := json.Marshal(text)
		if _, err := r.JSON(quoted); err != nil {
			t.Errorf("%d secrets: JSON: %v", len(secrets), err)
		}
		if got := writeInPieces(t, r, text, 5); got != text {
			t.Errorf("%d secrets: Writer changed a text without secrets (%d bytes to %d)", len(secrets), len(text), len(got))
		}
	}
}

// A secret that a hex dump shows within one line, with bytes its text
// column prints as dots, is found in the hex columns as they are; its text
// column (the printable bytes of the secret among the dots) is masked too,
// though no line join is part of the match: the dump's view is built around
// every join, whatever the secrets' runs (its widening covers the text
// column of a match near a join, not only of one across it).
func TestHexDumpTextColumnOfSecretInOneLine(t *testing.T) {
	t.Parallel()
	const secret = "pä$$wörd!x"
	filler := "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	r := newRedactor(t)
	r.Add(secret)
	dumps := []struct {
		name string
		dump func([]byte) string
	}{{"xxd", xxd}, {"hexdump -C", hexdumpC}, {"hex.Dump", hex.Dump}}
	shown := printable([]byte(secret)) // "p..$$w..rd!x"
	for _, d := range dumps {
		for at := 16; at+len(secret) <= 32; at++ { // inside the middle line
			data := filler[:at] + secret + filler[at:48-len(secret)]
			text := "dump:\n" + d.dump([]byte(data)) + "end\n"
			outs := map[string]string{"String": r.String(text)}
			outs["Writer byte by byte"] = writeInPieces(t, r, text, seq1(len(text))...)
			for how, out := range outs {
				if strings.Contains(out, shown) {
					t.Errorf("%s, secret at %d: %s shows the secret's text column", d.name, at, how)
				}
			}
		}
	}
}
