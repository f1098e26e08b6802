//go:build !unix

package server

func processCPU() (int64, bool) { return 0, false }
