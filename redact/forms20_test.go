package redact

import (
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/hushflow/hushflow/internal/testkit"
)

// The forms issue 20 found leaking, each as its writer writes it, through
// String, JSON and a Writer cut at every byte.
var issue20Forms = []struct {
	name string
	enc  func(string) string
}{
	{"YAML single-quoted, quote doubled", func(s string) string { return "key: '" + strings.ReplaceAll(s, "'", "''") + "'" }},
	{"SQL literal, quote doubled", func(s string) string { return "INSERT INTO t VALUES ('" + strings.ReplaceAll(s, "'", "''") + "');" }},
	{"CSV field, quote doubled", func(s string) string { return `1,"` + strings.ReplaceAll(s, `"`, `""`) + `",x` }},
	{"Go %v of a []byte", func(s string) string { return fmt.Sprintf("body=%v", []byte(s)) }},
	{"Go % x", func(s string) string { return fmt.Sprintf("% x", s) }},
	{"Go % X", func(s string) string { return fmt.Sprintf("% X", s) }},
	{"xxd", func(s string) string { return xxd([]byte("header:" + s + "\x00trailer")) }},
	{"xxd, secret at a line start", func(s string) string { return xxd([]byte("ZYXWVUTSRQPONMLK" + s)) }},
	{"hexdump -C", func(s string) string { return hexdumpC([]byte("hdr:" + s + "\x00\x01tail-bytes")) }},
	{"hexdump -C, secret after the middle", func(s string) string { return hexdumpC([]byte("ZYXWVUTSRQ" + s)) }},
	{"base32", func(s string) string { return base32.StdEncoding.EncodeToString([]byte(s)) }},
	{"base32, unpadded, lower case", func(s string) string {
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s)))
	}},
	{"base32hex", func(s string) string { return base32.HexEncoding.EncodeToString([]byte(s)) }},
	{"base32hex, unpadded", func(s string) string {
		return base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(s))
	}},
	{"IIS %uXXXX", iisEscape},
}

var issue20Secrets = []string{
	"it's+p@ss&w0rd",
	`say "hi" now-9`,
	"Hunter2-Password-X",
	"pässwörd-Ünïcode-😀",
	"a-rather-long-secret-that-spans-several-lines-of-a-hex-dump-0123456789",
}

func TestIssue20Forms(t *testing.T) {
	t.Parallel()
	for _, secret := range issue20Secrets {
		r := newRedactor(t)
		r.Add(secret)
		for _, f := range issue20Forms {
			text := "before\n" + f.enc(secret) + "\nafter"
			outs := map[string]string{"String": r.String(text)}
			for _, cut := range []int{1, 7, len(text) / 2, len(text) - 3} {
				outs[fmt.Sprintf("Writer cut at %d", cut)] = writeInPieces(t, r, text, cut)
			}
			outs["Writer byte by byte"] = writeInPieces(t, r, text, seq1(len(text))...)
			for how, out := range outs {
				if leaked := shownPiece(out, secret, f.enc(secret)); leaked != "" {
					t.Errorf("%s, %s: %s shows %s:\n%s", testkit.Hide(secret, secret), f.name, how, leaked, testkit.Hide(out, secret))
				}
			}
		}
	}
}

// shownPiece names what of the secret out shows: the secret, its encoding
// (one line of it), or 8 bytes of the secret as they are, in hex (spaces
// removed) or as a byte list (a hex dump's text column, a line of a dump).
func shownPiece(out, secret, encoded string) string {
	if strings.Contains(out, secret) {
		return "the secret"
	}
	if !strings.Contains(encoded, "\n") && strings.Contains(out, encoded) {
		return "the encoding"
	}
	hexOut := strings.ToLower(strings.ReplaceAll(out, " ", ""))
	for i := 0; i+8 <= len(secret); i++ {
		p := secret[i : i+8]
		switch {
		case strings.Contains(out, p):
			return "8 bytes of the secret"
		case strings.Contains(hexOut, hex.EncodeToString([]byte(p))):
			return "8 bytes of the secret in hex"
		case strings.Contains(out, byteList(p)):
			return "8 bytes of the secret as a byte list"
		}
	}
	return ""
}

func seq1(n int) []int {
	cuts := make([]int, 0, n)
	for i := 1; i < n; i++ {
		cuts = append(cuts, i)
	}
	return cuts
}

// iisEscape writes every character as IIS's %uXXXX (UTF-16 code units).
func iisEscape(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%%u%04X", u)
	}
	return b.String()
}

// xxd writes data as xxd does: an offset, eight groups of two bytes, the
// bytes as text.
func xxd(data []byte) string {
	var b strings.Builder
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		fmt.Fprintf(&b, "%08x: ", off)
		for i := range 16 {
			if i < len(line) {
				fmt.Fprintf(&b, "%02x", line[i])
			} else {
				b.WriteString("  ")
			}
			if i%2 == 1 && i < 15 {
				b.WriteByte(' ')
			}
		}
		b.WriteString("  ")
		b.WriteString(printable(line))
		b.WriteByte('\n')
	}
	return b.String()
}

// hexdumpC writes data as hexdump -C does.
func hexdumpC(data []byte) string {
	var b strings.Builder
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		fmt.Fprintf(&b, "%08x  ", off)
		for i := range 16 {
			if i < len(line) {
				fmt.Fprintf(&b, "%02x ", line[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		b.WriteString(" |" + printable(line) + "|\n")
	}
	fmt.Fprintf(&b, "%08x\n", len(data))
	return b.String()
}

func printable(line []byte) string {
	out := make([]byte, len(line))
	for i, c := range line {
		out[i] = '.'
		if c >= 0x20 && c < 0x7f {
			out[i] = c
		}
	}
	return string(out)
}
