package registry

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// axonOpsModule is the third-party registry, pinned in go.mod (a tool
// requirement) and built from the module cache with its own go.sum.
const axonOpsModule = "github.com/axonops/axonops-schema-registry"

var (
	binDir string

	axonOnce sync.Once
	axonBin  string
	axonErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "avroctl-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startEmbedded runs avroctl's registry in memory on 127.0.0.1:0.
func startEmbedded(tb testing.TB) string {
	tb.Helper()
	return startEmbeddedWith(tb, "")
}

// startEmbeddedWith runs it on dataDir ("" for memory).
func startEmbeddedWith(tb testing.TB, dataDir string) string {
	st, err := store.Open(dataDir)
	if err != nil {
		tb.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		srv.Close()
		st.Close()
	})
	return srv.URL()
}

// buildAxonOps builds the pinned AxonOps binary once per test run.
func buildAxonOps() (string, error) {
	axonOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", axonOpsModule).Output()
		if err != nil {
			axonErr = fmt.Errorf("locate %s (run go mod download): %v", axonOpsModule, err)
			return
		}
		modDir := strings.TrimSpace(string(out))
		if modDir == "" {
			axonErr = fmt.Errorf("%s is not in the module cache: run go mod download", axonOpsModule)
			return
		}
		bin := filepath.Join(binDir, "axonops-schema-registry")
		// Built inside its own module so that its own go.sum pins every
		// dependency exactly as its release does.
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/schema-registry")
		cmd.Dir = modDir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			axonErr = fmt.Errorf("build AxonOps: %v\n%s", err, out)
			return
		}
		axonBin = bin
	})
	return axonBin, axonErr
}

// freePort asks the kernel for a free port on 127.0.0.1. AxonOps takes a
// port number, not a listener, so there is a small window in which another
// process could take it; startAxonOps retries then.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startAxonOps runs AxonOps Schema Registry v0.2.1 with in-memory storage
// on 127.0.0.1 and returns its URL. It skips the test when the binary
// cannot be built (no module cache, no network).
func startAxonOps(tb testing.TB) string {
	tb.Helper()
	bin, err := buildAxonOps()
	if err != nil {
		tb.Skipf("AxonOps unavailable: %v", err)
	}
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		dir := tb.TempDir()
		cfg := filepath.Join(dir, "config.yaml")
		os.WriteFile(cfg, []byte(fmt.Sprintf(`server:
  host: "127.0.0.1"
  port: %d
storage:
  type: memory
compatibility:
  default_level: BACKWARD
logging:
  level: warn
  format: text
`, port)), 0o644)
		logf, _ := os.Create(filepath.Join(dir, "axonops.log"))
		cmd := exec.Command(bin, "-config", cfg)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		tb.Cleanup(func() {
			cmd.Process.Kill()
			<-exited
			logf.Close()
		})
		u := fmt.Sprintf("http://127.0.0.1:%d", port)
		for i := 0; i < 300; i++ {
			select {
			case <-exited:
				i = 300
				continue
			default:
			}
			if resp, err := http.Get(u + "/subjects"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return u
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Kill()
		log, _ := os.ReadFile(filepath.Join(dir, "axonops.log"))
		tb.Logf("AxonOps did not start on port %d (attempt %d):\n%s", port, attempt+1, log)
	}
	tb.Fatal("AxonOps did not start")
	return ""
}
