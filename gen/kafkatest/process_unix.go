//go:build unix

package kafkatest

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the JVM in a process group of its own, so that a signal
// reaches every thread and child it may have, and (on Linux) asks the
// kernel to kill it if the test binary dies first: `go test -timeout`
// exits without running t.Cleanup, and an orphaned broker would hold its
// ports and a gigabyte of memory.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

// signal sends SIGTERM (a clean shutdown) or SIGKILL to the process group.
func (p *process) signal(kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		p.cmd.Process.Signal(sig) // the group is gone; try the process
	}
}
