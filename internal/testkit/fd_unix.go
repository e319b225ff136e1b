//go:build unix

package testkit

import (
	"os"
	"syscall"
)

// redirectFD2 points fd 2 (and os.Stderr, which is fd 2) at f and returns
// how to point it back.
func redirectFD2(f *os.File) (func(), error) {
	saved, err := syscall.Dup(2)
	if err != nil {
		return nil, err
	}
	if err := syscall.Dup2(int(f.Fd()), 2); err != nil {
		syscall.Close(saved)
		return nil, err
	}
	return func() {
		syscall.Dup2(saved, 2)
		syscall.Close(saved)
	}, nil
}
