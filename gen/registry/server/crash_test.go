package server

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// The crash test runs the server in a child process (this test binary,
// re-executed with crashHelperEnv set), registers schemas from several
// goroutines, SIGKILLs the child mid-stream, restarts it on the same data
// directory and checks that every acknowledged registration is there,
// unchanged.

const crashHelperEnv = "AVROCTL_REGISTRY_CRASH_HELPER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashHelperEnv); dir != "" {
		runCrashHelper(dir)
		return
	}
	os.Exit(m.Run())
}

// runCrashHelper serves the registry on 127.0.0.1:0 over dir/data and
// writes its URL to dir/url, then runs until killed.
func runCrashHelper(dir string) {
	// A low compaction threshold makes the log get rewritten during the
	// test, so some kills land in or around a compaction.
	st, err := store.OpenWith(filepath.Join(dir, "data"), store.Options{CompactMinBytes: 8 << 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	srv := New(st, Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	tmp := filepath.Join(dir, "url.tmp")
	os.WriteFile(tmp, []byte(srv.URL()), 0o644)
	os.Rename(tmp, filepath.Join(dir, "url"))
	select {}
}

// startChild starts the helper and waits for its URL.
func startChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	os.Remove(filepath.Join(dir, "url"))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for i := 0; i < 1000; i++ {
		if b, err := os.ReadFile(filepath.Join(dir, "url")); err == nil {
			return cmd, string(b)
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the registry child did not start")
	return nil, ""
}

type ack struct {
	subject string
	version int
	id      int
	schema  string
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	var acked []ack
	var seq atomic.Int64
	const rounds, workers, perRound = 4, 8, 60
	for round := 1; round <= rounds; round++ {
		cmd, u := startChild(t, dir)
		if round == 1 {
			expect(t, u, "PUT", "/config", `{"compatibility":"NONE"}`, 200, `{"compatibility":"NONE"}`)
		}
		// Everything acknowledged before this crash must have survived
		// the earlier ones.
		verifyAcks(t, u, acked)

		var mu sync.Mutex
		var wg sync.WaitGroup
		var count atomic.Int64
		killed := make(chan struct{})
		var once sync.Once
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				subject := fmt.Sprintf("crash-%d-value", w)
				for {
					select {
					case <-killed:
						return
					default:
					}
					sc := fmt.Sprintf(`{"type":"record","name":"R%d","fields":[{"name":"f","type":"long"}]}`, seq.Add(1))
					status, got, err := tryCall(u, "POST", "/subjects/"+subject+"/versions", body(sc))
					if err != nil || status != 200 {
						return // the server died under us: not acknowledged
					}
					var r registerResponse
					if json.Unmarshal([]byte(got), &r) != nil || r.ID == 0 {
						t.Errorf("bad reply %s", got)
						return
					}
					// The version is read back in the same session; a kill
					// between the two calls just leaves it unverified.
					status, got, err = tryCall(u, "POST", "/subjects/"+subject, body(sc))
					if err != nil || status != 200 {
						mu.Lock()
						acked = append(acked, ack{subject: subject, id: r.ID, schema: sc})
						mu.Unlock()
						return
					}
					var v subjectVersionResponse
					json.Unmarshal([]byte(got), &v)
					mu.Lock()
					acked = append(acked, ack{subject: subject, version: v.Version, id: r.ID, schema: sc})
					mu.Unlock()
					if count.Add(1) >= perRound {
						once.Do(func() {
							// Kill mid-stream: the other workers have requests in flight.
							cmd.Process.Signal(syscall.SIGKILL)
							close(killed)
						})
					}
				}
			}()
		}
		wg.Wait()
		once.Do(func() { cmd.Process.Signal(syscall.SIGKILL); close(killed) })
		cmd.Wait()
		closeIdle()
	}
	_, u := startChild(t, dir)
	verifyAcks(t, u, acked)
	t.Logf("%d rounds, %d acknowledged registrations verified", rounds, len(acked))
}

// verifyAcks checks every acknowledged registration on the server at u.
func verifyAcks(t *testing.T, u string, acked []ack) {
	t.Helper()
	ids := map[int]string{}
	for _, a := range acked {
		if prev, ok := ids[a.id]; ok && prev != a.schema {
			t.Fatalf("id %d acknowledged for two schemas", a.id)
		}
		ids[a.id] = a.schema
		status, got := call(t, u, "GET", fmt.Sprintf("/schemas/ids/%d/schema", a.id), "")
		if status != 200 || got != a.schema {
			t.Errorf("acknowledged id %d: got %d %s, want %s", a.id, status, got, a.schema)
		}
		if a.version == 0 {
			continue
		}
		status, got = call(t, u, "GET", fmt.Sprintf("/subjects/%s/versions/%d", a.subject, a.version), "")
		if status != 200 || !strings.Contains(got, fmt.Sprintf(`"id":%d,`, a.id)) {
			t.Errorf("acknowledged %s version %d id %d: got %d %s", a.subject, a.version, a.id, status, got)
		}
	}
}
