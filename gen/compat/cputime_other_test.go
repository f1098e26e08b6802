//go:build !unix

package compat_test

func processCPU() (int64, bool) { return 0, false }
