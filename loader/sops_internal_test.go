package loader

import (
	"io"
	"testing"

	"github.com/getsops/sops/v3/logging"
)

func TestSopsLoggersAreSilenced(t *testing.T) {
	t.Parallel()
	if len(logging.Loggers) == 0 {
		t.Fatal("no sops logger registered: the test would prove nothing")
	}
	for name, l := range logging.Loggers {
		if l.Out != io.Discard {
			t.Errorf("sops logger %s writes to %T, want io.Discard", name, l.Out)
		}
	}
}
