package testkit

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestCaptureStderrSeesFD2(t *testing.T) {
	got := CaptureStderr(t, func() {
		fmt.Fprint(os.Stderr, "via os.Stderr;")
		syscall.Write(2, []byte("via fd 2"))
	})
	if got != "via os.Stderr;via fd 2" {
		t.Errorf("captured %q", got)
	}
}

func TestHide(t *testing.T) {
	t.Parallel()
	if got := Hide("a S3CRET b", "S3CRET"); got != "a [secret #0] b" {
		t.Errorf("Hide = %q", got)
	}
}

type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestAssertNoLeak(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	AssertNoLeak(r, "x", "has S3CRET", "S3CRET")
	if !r.failed {
		t.Error("a leak was not reported")
	}
	r = &recorder{TB: t}
	AssertNoLeak(r, "x", "clean", "S3CRET", "")
	if r.failed {
		t.Error("clean text was reported")
	}
}

func TestSecretsAreStable(t *testing.T) {
	t.Parallel()
	small, large, other := Secrets(5, 7), Secrets(50, 7), Secrets(5, 8)
	for i, s := range small {
		if large[i] != s {
			t.Errorf("secret %d differs between n=5 and n=50", i)
		}
		if other[i] == s {
			t.Errorf("secret %d is the same with another seed", i)
		}
	}
	if len(large) != 50 || len(large[0]) != 40 || len(large[1]) != 20 || len(large[2]) != 44 {
		t.Errorf("lengths %d, %d, %d, %d", len(large), len(large[0]), len(large[1]), len(large[2]))
	}
}
