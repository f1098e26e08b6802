package kafkatest

import (
	"bytes"
	"io"
	"sync"
)

// watcher copies a process's output to a file and closes found the first
// time a line contains want. It keeps at most one partial line in memory.
type watcher struct {
	out   io.Writer
	want  []byte
	found chan struct{}

	mu   sync.Mutex
	line []byte // the unterminated end of the output so far
	seen bool
}

func newWatcher(out io.Writer, want string) *watcher {
	return &watcher{out: out, want: []byte(want), found: make(chan struct{})}
}

// maxLine bounds the partial line kept: a longer line (a stack trace
// without newlines) is scanned by its first maxLine bytes only.
const maxLine = 64 << 10

func (w *watcher) Write(p []byte) (int, error) {
	n, err := w.out.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen {
		return n, err
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if room := maxLine - len(w.line); room > 0 {
			w.line = append(w.line, chunk[:min(len(chunk), room)]...)
		}
		if i < 0 {
			break
		}
		if bytes.Contains(w.line, w.want) {
			w.seen = true
			w.line = nil
			close(w.found)
			break
		}
		w.line = w.line[:0]
		p = p[i+1:]
	}
	return n, err
}
