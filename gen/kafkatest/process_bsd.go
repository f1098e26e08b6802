//go:build unix && !linux

package kafkatest

import "syscall"

// setParentDeathSignal does nothing where the kernel has no parent-death
// signal: Close (from t.Cleanup) still stops the broker.
func setParentDeathSignal(*syscall.SysProcAttr) {}
