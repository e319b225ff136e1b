package advtest_test

import (
	"strings"
	"unicode"
)

func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// alnum keeps the letters and digits of s, lower-cased.
func alnum(s string) string {
	var b strings.Builder
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// leaked reports a run of at least n letters and digits of the secret (or
// of its reverse) in masked, once everything else is dropped from both.
func leaked(masked, secret string, n int) string {
	text := alnum(masked)
	for _, s := range []string{alnum(secret), reverseString(alnum(secret))} {
		for i := 0; i+n <= len(s); i++ {
			if strings.Contains(text, s[i:i+n]) {
				return s[i : i+n]
			}
		}
	}
	return ""
}
