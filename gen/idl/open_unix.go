//go:build unix

package idl

import (
	"errors"
	"os"
	"syscall"
)

// openNonBlocking opens name for reading without blocking: opening a named
// pipe for reading otherwise waits for a writer, forever.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }
