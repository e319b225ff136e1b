package loader_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
)

// A nil option is an error, not a panic, and every bad option is named at
// once, each wrapping ErrInvalidOption (as in secrets and redact).
func TestOptionsReportEveryBadOne(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(tinyActions)}}
	opts := []loader.Option{
		loader.WithInclude("**/*.yaml"),
		nil,
		loader.WithLimits(loader.Limits{MaxFiles: 3, MaxDepth: -1}),
		loader.WithInclude("[a-"),
		loader.WithExclude("{a,", "[b-"),
	}
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("Load panicked on a nil option")
			}
		}()
		_, err = loader.Load(t.Context(), fsys, opts...)
	}()
	if !errors.Is(err, loader.ErrInvalidOption) {
		t.Fatalf("err = %v, want ErrInvalidOption", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("err is not joined: %v", err)
	}
	var n int
	for _, e := range joined.Unwrap() {
		if !errors.Is(e, loader.ErrInvalidOption) || !strings.HasPrefix(e.Error(), "loader: invalid option: ") {
			t.Errorf("%q does not wrap ErrInvalidOption or start with loader: invalid option", e)
		}
		n++
	}
	for _, says := range []string{"option 1 is nil", "MaxFileSize", "MaxTotalSize", "MaxDepth", "MaxNodes", `WithInclude: "[a-"`, `WithExclude: "{a,"`, `WithExclude: "[b-"`} {
		if !strings.Contains(err.Error(), says) {
			t.Errorf("the error does not say %q:\n%v", says, err)
		}
	}
	if n != 8 {
		t.Errorf("%d errors joined, want 8 (one a bad option or field)", n)
	}
	if _, err := loader.NewReloader(t.Context(), fsys, nil); !errors.Is(err, loader.ErrInvalidOption) {
		t.Errorf("NewReloader with a nil option: %v, want ErrInvalidOption", err)
	}
}
