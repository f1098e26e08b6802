package kafkatest

import "os/exec"

// process is a started JVM and its fate.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and its output is copied
	err  error         // cmd.Wait's result, valid after done
}

// launch starts cmd in its own process group (see setProcAttr) and reaps
// it in the background.
func launch(cmd *exec.Cmd) (*process, error) {
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
