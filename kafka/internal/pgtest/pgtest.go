// Package pgtest starts a throwaway PostgreSQL server for tests: initdb in
// a temp directory, then pg_ctl start on a free 127.0.0.1 port, stopped
// and removed by t.Cleanup. It uses the server binaries of Debian's
// postgresql package (/usr/lib/postgresql/<version>/bin) or those on the
// PATH. PostgreSQL refuses to run as root, so as root it runs them as the
// postgres user (runuser -u postgres).
package pgtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// EnvRequire, when "1", turns a skip for missing PostgreSQL binaries into
// a test failure. CI sets it.
const EnvRequire = "AVROCTL_REQUIRE_POSTGRES"

// Start starts a server and returns its URL, e.g.
// postgres://postgres@127.0.0.1:54321/postgres?sslmode=disable.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(err)
		}
		t.Skip(err.Error() + " (" + EnvRequire + "=1 makes this a failure)")
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		t.Fatal(err)
	}
	// The postgres user must reach the directory; the mode is only for
	// the test's own temp dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("pgtest: running as root needs the postgres user (created by Debian's postgresql package): %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		argv := append(append(asUser[:len(asUser):len(asUser)], filepath.Join(bin, name)), args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out.Bytes())
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("pgtest: %v", err)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "postgres.log")
	// fsync off: the data is thrown away; -w waits until the server
	// accepts connections.
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -F -c max_connections=200", port, dir)
	if err := run("pg_ctl", "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "120", "start"); err != nil {
		log, _ := os.ReadFile(logFile)
		os.RemoveAll(dir)
		t.Fatalf("pgtest: %v\n%s", err, log)
	}
	t.Cleanup(func() {
		if err := run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
		if t.Failed() {
			log, _ := os.ReadFile(logFile)
			t.Logf("pgtest: server log:\n%s", log)
		}
		os.RemoveAll(dir)
	})
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

// binDir finds the directory of initdb and pg_ctl.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("pgtest: PostgreSQL server binaries not found; install them (apt-get install postgresql) to run the PostgreSQL tests")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
