package advtest_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestExploreSlowFilters(t *testing.T) {
	e, _ := engineWith(t)
	const limit = 16 << 20
	inputs := map[string]string{
		"dots":  strings.Repeat("a.", limit),
		"www":   strings.Repeat("www.a ", limit),
		"tags":  strings.Repeat("<a <b <c ", limit),
		"words": strings.Repeat("ab ", limit),
		"nl":    strings.Repeat("\n", limit),
		"amp":   strings.Repeat("&<>'\"", limit),
		"uni":   strings.Repeat("ǅé\u0301ß", limit),
		"space": strings.Repeat(" \t", limit),
		"at":    strings.Repeat("a@b.c ", limit),
		"http":  strings.Repeat("http://", limit),
		"pct":   strings.Repeat("%", limit),
	}
	for _, f := range []string{
		"urlize", "urlizetrunc:5", "striptags", "removetags:'a,b'", "wordwrap:1", "truncatewords:100000", "linebreaks", "linenumbers", "title", "capfirst",
		"escapejs", "iriencode", "phone2numeric", "make_list", "wordcount", "split:' '", "cut:'a'",
		"title", "slugify", "striptags", "spaceless", "wordcount", "truncate(length=100000)", "urlencode", "urlencode_strict", "escape", "escape_xml",
		"linebreaksbr", "indent", "upper", "lower", "capitalize", "split(pat=' ') | length", "split(pat='') | length", "trim", "addslashes",
		"replace(from='a', to='bb')", "trim_start_matches(pat='a')", "json_encode", "as_str", "reverse",
	} {
		for name, in := range inputs {
			tmpl := "{{ input.s | " + f + " }}"
			// the largest input that passes the work-factor check: try halving.
			s := in
			var took time.Duration
			var err error
			for len(s) > 0 {
				start := time.Now()
				_, err = e.Render(context.Background(), tmpl, map[string]any{"input": map[string]any{"s": s}})
				took = time.Since(start)
				if err == nil || !strings.Contains(err.Error(), "over the limit") {
					break
				}
				s = s[:len(s)/2]
			}
			if took > 300*time.Millisecond {
				t.Logf("%-28s %-6s %8d bytes: %v (err %v)", f, name, len(s), took, err)
			}
		}
	}
}
