//go:build !unix

package kafkatest

import (
	"os"
	"os/exec"
)

func setProcAttr(*exec.Cmd) {}

// signal has no clean shutdown where there are no signals: it kills.
func (p *process) signal(bool) { p.cmd.Process.Signal(os.Kill) }
