package loader

import (
	"errors"
	"io"

	"github.com/getsops/sops/v3/logging"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// Decryption itself lives in internal/sopsdec, shared with sops://
// references; this file only hands the loader's keys to it.

func init() {
	// sops logs through package-level logrus loggers that write to stderr.
	// sopsdec silences those it links; this silences the rest the loader's
	// binary links (vals' sops provider), which have all registered their
	// loggers by now (imports initialise first).
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
}

// loadKeys returns the keys a load decrypts with: only the identities
// handed in, when there are any, otherwise the environment's, as the sops
// program would use them.
func loadKeys(identities []string) (sopsdec.Keys, error) {
	if len(identities) == 0 {
		return sopsdec.EnvironmentKeys(), nil
	}
	return sopsdec.AgeKeys(identities...)
}

// sopsFileError turns a decryption error into the file's error, with the
// key path and line sopsdec located it at.
func sopsFileError(p string, err error) error {
	fe := &FileError{Path: p, Err: err}
	var de *sopsdec.Error
	if errors.As(err, &de) {
		fe.Key, fe.Line, fe.Err = de.Key, de.Line, de.Err
	}
	return fe
}
