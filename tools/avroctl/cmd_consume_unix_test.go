//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestConsumeInterrupt runs consume -f in a child process (this test
// binary calling Main), waits until it printed the record there is, then
// sends SIGINT: it must stop cleanly, exit 0 and print its count.
func TestConsumeInterrupt(t *testing.T) {
	if args := os.Getenv("AVROCTL_TEST_MAIN_ARGS"); args != "" {
		var a []string
		json.Unmarshal([]byte(args), &a)
		os.Exit(Main(a, os.Stdin, os.Stdout, os.Stderr))
	}
	e := startKcatEnv(t)
	e.produce(&kgo.Record{Topic: "orders", Partition: 0, Key: []byte("o-1"), Value: orderFrame(e.id, "o-1", 1, nil)})
	args, _ := json.Marshal(append([]string{"consume", "orders", "-f"}, e.conn...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestConsumeInterrupt$")
	cmd.Env = append(os.Environ(), "AVROCTL_TEST_MAIN_ARGS="+string(args))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, `{"id":"o-1","qty":1,"note":null}`) {
		t.Fatalf("first line %q: %v\n%s", line, err, errb.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGINT: %v\n%s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "1 record(s) read, 0 finding(s)") {
		t.Fatalf("stderr: %s", errb.String())
	}
}
