//go:build !unix

package idl

import "os"

func openNonBlocking(name string) (*os.File, error) { return os.Open(name) }

func isLoop(err error) bool { return false }
