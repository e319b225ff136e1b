package render

import (
	"strings"
	"testing"

	"github.com/flosch/pongo2/v6"
)

// FuzzRewrite checks the scanner against pongo2's lexer and parser: every
// template pongo2 accepts is still accepted once rewritten, and every token's
// position in the rewrite maps back to where it was written.
func FuzzRewrite(f *testing.F) {
	for _, seed := range []string{
		"a {{ x }} b", "{{ 'r' | vals | upper }}", "{% filter vals %}x{% endfilter %}", "{{- x -}}",
		`{{ "}}" }}{{ '{{' }}`, `{{ "a\"b" }}`, "{# {{ x }} #}", "{% verbatim %}{{ x }}{% endverbatim %}{{ y }}",
		"{% verbatim %}{% endverbatim %}", "{% if a|vals %}{{ b|default:c }}{% endif %}", "{{ x %}", "{{ a ; b }}",
		"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1) }}", "{{ 1abc }}", "{{ a.0.b[c](d) }}", "x\n  {{ y|vals }}\n{{ z }}",
		"{% comment %}{{ a) }}{% endcomment %}", "{{ (a) }}", "{{ vals }}", "{{ x|vals.y }}", "{{ x|vals(1) }}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 2048 || strings.IndexByte(src, 0x01) >= 0 {
			return
		}
		tags := scanTags(src)
		if hangsPongo2(tags) >= 0 {
			return // the engine refuses these before pongo2 sees them
		}
		set, err := newTemplateSet()
		if err != nil {
			t.Fatal(err)
		}
		if !parses(set, src) {
			return
		}
		p, err := planRewrite(src, tags)
		if err != nil {
			return // reserved names and vals with an argument are refused on purpose
		}
		rewritten := p.apply(src)
		if !parses(set, rewritten) {
			t.Errorf("pongo2 accepts the template but not its rewrite")
		}
		lines, rlines := newLineIndex(src), newLineIndex(rewritten)
		for _, tag := range tags {
			for _, tok := range tag.toks {
				shift := 0
				for _, e := range p.edits {
					if e.off <= tok.off {
						shift += len(e.text)
					}
				}
				wantLine, wantCol := lines.position(tok.off)
				line, col := p.original(rlines.position(tok.off + shift))
				if line != wantLine || col != wantCol {
					t.Errorf("token at %d:%d maps back to %d:%d", wantLine, wantCol, line, col)
				}
			}
		}
	})
}

// parses reports whether pongo2 parses src; a panic of pongo2's parser
// counts as not parsing.
func parses(set *pongo2.TemplateSet, src string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := set.FromString(src)
	return err == nil
}
