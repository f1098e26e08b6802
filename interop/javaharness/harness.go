package javaharness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"
)

// CallTimeout bounds one request. The slowest legitimate request, a
// benchCompat round, takes well under a second.
var CallTimeout = 2 * time.Minute

// Harness is one running reference JVM. Its methods are safe for concurrent
// use; calls are serialised because the JVM answers in order.
type Harness struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *tailBuffer
	nextID int64
	closed bool
}

// Start starts the JVM on jar (see Build).
func Start(jar string) (*Harness, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("javaharness: java is not on PATH: %w", err)
	}
	// A bounded heap and the serial collector keep the JVM polite on a small
	// shared machine; the harness never holds much at once. The large stack
	// lets deeply nested schemas fail in Avro rather than in the JVM.
	cmd := exec.Command(java, "-Xmx512m", "-Xss16m", "-XX:+UseSerialGC", "-jar", jar)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	h := &Harness{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<20), stderr: &tailBuffer{max: 8 << 10}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("javaharness: start %s: %w", jar, err)
	}
	return h, nil
}

// Close ends the JVM by closing its stdin and waits for it to exit.
func (h *Harness) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	h.stdin.Close()
	return h.cmd.Wait()
}

// Error is an exception the reference raised while serving a request (an
// invalid schema, an undecodable datum, ...). It is a result, not a harness
// failure: tests compare it with avroctl rejecting the same input.
type Error struct {
	Op  string
	Msg string
}

func (e *Error) Error() string { return "java " + e.Op + ": " + e.Msg }

// Call sends one request (any value that marshals to a JSON object with an
// "op" member) and returns the raw JSON response. A response carrying
// "error" is returned as *Error.
func (h *Harness) Call(req any) (json.RawMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("javaharness: encode request: %w", err)
	}
	if len(body) == 0 || body[0] != '{' {
		return nil, errors.New("javaharness: request must be a JSON object")
	}
	var head struct {
		Op string `json:"op"`
	}
	json.Unmarshal(body, &head)

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("javaharness: harness is closed")
	}
	h.nextID++
	id := h.nextID
	// Splice the id in front of the caller's members.
	line := fmt.Appendf(nil, `{"id":%d`, id)
	if len(body) > 2 {
		line = append(line, ',')
	}
	line = append(line, body[1:]...)
	line = append(line, '\n')
	// A reference call that never answers (a loop in Avro on some input)
	// must fail the test that made it, not hang the suite: kill the JVM,
	// which ends the read below.
	timer := time.AfterFunc(CallTimeout, func() { h.cmd.Process.Kill() })
	defer timer.Stop()
	if _, err := h.stdin.Write(line); err != nil {
		return nil, h.died(err)
	}
	resp, err := h.stdout.ReadBytes('\n')
	if err != nil {
		if !timer.Stop() {
			err = fmt.Errorf("no answer within %v to %s", CallTimeout, tail(line, 300))
		}
		return nil, h.died(err)
	}
	var meta struct {
		ID    int64   `json:"id"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(resp, &meta); err != nil {
		return nil, fmt.Errorf("javaharness: bad response %q: %w", tail(resp, 200), err)
	}
	if meta.ID != id {
		return nil, fmt.Errorf("javaharness: response id %d, want %d (stream out of sync)", meta.ID, id)
	}
	if meta.Error != nil {
		return nil, &Error{Op: head.Op, Msg: *meta.Error}
	}
	return json.RawMessage(bytes.TrimSpace(resp)), nil
}

// died turns an I/O error on the pipes into an error that shows what the
// JVM printed before it went away.
func (h *Harness) died(err error) error {
	h.closed = true
	h.stdin.Close()
	h.cmd.Wait()
	return fmt.Errorf("javaharness: JVM stopped (%v); stderr:\n%s", err, h.stderr.String())
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
