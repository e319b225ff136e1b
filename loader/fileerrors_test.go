package loader_test

import (
	"errors"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
)

// FileErrors flattens what a load joined (the load joins its files'
// errors; a file joins its own) in order, each *FileError once.
func TestFileErrorsFlatInOrder(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("actions: [broken\n")},
		"b.yaml": {Data: []byte("actions:\n  deploy: {cmd: x}\n  deploy: {cmd: y}\ntasks:\n  t: {}\n  t: {}\n")},
		"c.yaml": {Data: []byte("actions:\n  build:\n    cmd: \"{{ input.x \"\n")},
		"d.yaml": {Data: []byte("actions:\n  fine: {cmd: ok}\n")},
	}
	_, err := loader.Load(t.Context(), fsys)
	if err == nil {
		t.Fatal("the load succeeded")
	}
	type place struct {
		path, key string
		line      int
	}
	want := []place{{"a.yaml", "", 1}, {"b.yaml", "actions.deploy", 3}, {"b.yaml", "tasks.t", 6}, {"c.yaml", "actions.build.cmd", 3}}
	for _, e := range []error{err, errors.Join(err, err), fmt.Errorf("wrapped: %w", errors.Join(err, fmt.Errorf("again: %w", err)))} {
		var got []place
		for _, fe := range loader.FileErrors(e) {
			got = append(got, place{fe.Path, fe.Key, fe.Line})
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("FileErrors =\n %v\nwant\n %v", got, want)
		}
	}
	if got := loader.FileErrors(errors.New("not a load error")); got != nil {
		t.Errorf("FileErrors of an error without *FileError = %v", got)
	}
}
