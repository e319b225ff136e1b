package shell

import (
	"strings"
	"testing"
)

// A typical shell action: a few lines with values in arguments, quotes and
// a here-document.
var benchParts = []string{
	"set -eu\ncd /srv/app\ngit fetch origin ",
	" && git checkout --detach ",
	"\necho \"deploying ",
	" to ${TARGET:-staging}\"\ncat > release.json <<EOF\n{\"tag\": \"",
	"\", \"by\": \"",
	"\"}\nEOF\n./deploy.sh --env=",
	" --notes ",
	"\n",
}

var benchValues = []string{"main", "release/v1.2.3", "v1.2.3", "v1.2.3", "ci-bot", "production", "fixes: don't break on $HOME or `x`"}

func BenchmarkQuoter(b *testing.B) {
	size := 0
	for _, p := range benchParts {
		size += len(p)
	}
	for _, v := range benchValues {
		size += len(v)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		q := NewQuoter()
		for i, p := range benchParts {
			q.Author(p)
			if i < len(benchValues) {
				if err := q.Value(benchValues[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := q.String(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainSubstitution is the baseline: the same command built by
// concatenation, as plain text substitution does.
func BenchmarkPlainSubstitution(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var s strings.Builder
		for i, p := range benchParts {
			s.WriteString(p)
			if i < len(benchValues) {
				s.WriteString(benchValues[i])
			}
		}
		_ = s.String()
	}
}

// BenchmarkValueLarge quotes a 1 MB value of quotes in a bare word.
func BenchmarkValueLarge(b *testing.B) {
	v := strings.Repeat(`'"`, 1<<19)
	b.SetBytes(int64(len(v)))
	b.ReportAllocs()
	for b.Loop() {
		q := NewQuoter()
		q.Author("printf '%s' ")
		if err := q.Value(v); err != nil {
			b.Fatal(err)
		}
		if _, err := q.String(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorLarge lexes 1 MB of author text (a long script without values).
func BenchmarkAuthorLarge(b *testing.B) {
	text := strings.Repeat("echo \"a $b\" 'c' | grep -v x >> out.log # note\n", 1<<20/48)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		q := NewQuoter()
		q.Author(text)
		if _, err := q.String(); err != nil {
			b.Fatal(err)
		}
	}
}
