package parsers

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"testing"

	goccyparser "github.com/goccy/go-yaml/parser"
	yamlv3 "go.yaml.in/yaml/v3"
	yamlv4 "go.yaml.in/yaml/v4"

	"github.com/hushflow/hushflow/internal/benchws"
)

// parsers parse every document of a file into the library's own tree and
// return how many documents they read.
var parsers = []struct {
	name  string
	parse func([]byte) (int, error)
}{
	{"yaml.v3", func(data []byte) (int, error) {
		dec := yamlv3.NewDecoder(bytes.NewReader(data))
		return eachDocument(func() error { var doc yamlv3.Node; return dec.Decode(&doc) })
	}},
	{"yaml.v4", func(data []byte) (int, error) {
		dec := yamlv4.NewDecoder(bytes.NewReader(data))
		return eachDocument(func() error { var doc yamlv4.Node; return dec.Decode(&doc) })
	}},
	{"goccy", func(data []byte) (int, error) {
		f, err := goccyparser.ParseBytes(data, goccyparser.ParseComments)
		if err != nil {
			return 0, err
		}
		return len(f.Docs), nil
	}},
}

// eachDocument calls decode until the input ends, and returns how many
// documents it read.
func eachDocument(decode func() error) (int, error) {
	for n := 0; ; n++ {
		if err := decode(); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
}

// workspace returns the files of BenchmarkLoad's workspace, in path order.
func workspace(tb testing.TB) [][]byte {
	ws, err := benchws.Generate(benchws.Spec{Files: 50, Encrypted: 10})
	if err != nil {
		tb.Fatal(err)
	}
	var files [][]byte
	for _, p := range slices.Sorted(maps.Keys(ws.Files)) {
		files = append(files, ws.Files[p])
	}
	return files
}

// TestParsersAgree: every parser reads the same number of documents in
// every file, so that the benchmarks compare the same work.
func TestParsersAgree(t *testing.T) {
	for i, data := range workspace(t) {
		want := -1
		for _, p := range parsers {
			n, err := p.parse(data)
			if err != nil {
				t.Fatalf("file %d: %s: %v", i, p.name, err)
			}
			if want >= 0 && n != want {
				t.Errorf("file %d: %s reads %d documents, want %d", i, p.name, n, want)
			}
			want = n
		}
	}
}

func BenchmarkParse(b *testing.B) {
	files := workspace(b)
	size := 0
	for _, f := range files {
		size += len(f)
	}
	for _, p := range parsers {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, data := range files {
					if _, err := p.parse(data); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
