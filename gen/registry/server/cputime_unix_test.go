//go:build unix

package server

import "syscall"

// processCPU returns the CPU time of the whole process (all threads: the
// server's, the client's and the garbage collector's): on a shared machine,
// wall time mostly measures the scheduler and the disk.
func processCPU() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
