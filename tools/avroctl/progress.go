package main

import (
	"fmt"
	"io"
	"os"
)

// progress shows the advance of long work on one terminal line. It writes
// only when w is a terminal, so logs and pipes stay clean.
type progress struct {
	w      io.Writer
	active bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return &progress{}
	}
	fi, err := f.Stat()
	return &progress{w: w, active: err == nil && fi.Mode()&os.ModeCharDevice != 0}
}

// step shows "[done/total] what", replacing the previous line.
func (p *progress) step(done, total int, what string) {
	if p.active {
		fmt.Fprintf(p.w, "\r\x1b[K[%d/%d] %s", done, total, what)
	}
}

// clear removes the progress line before normal output.
func (p *progress) clear() {
	if p.active {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
