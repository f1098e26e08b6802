package javaharness

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// AvroVersion is the reference version pinned in ../java/pom.xml.
const AvroVersion = "1.12.2"

// JavaDir returns the directory of the Maven project. It is found from this
// source file, so it works from any test's working directory.
func JavaDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("javaharness: cannot locate own source file")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "java")
	if _, err := os.Stat(filepath.Join(dir, "pom.xml")); err != nil {
		return "", fmt.Errorf("javaharness: Maven project not found: %w", err)
	}
	return dir, nil
}

// JarPath returns where `mvn package` puts the runnable jar.
func JarPath(javaDir string) string {
	return filepath.Join(javaDir, "target", "harness.jar")
}

// Build makes sure the jar exists and is newer than pom.xml and every file
// under src/, running `mvn -q -B package` otherwise, and returns its path.
//
// Maven runs offline (-o) when the local repository already holds the Avro
// artifacts, so a warm ~/.m2 needs no network; if the offline build fails it
// is retried online once. Concurrent test binaries (go test runs packages in
// parallel) serialise on a lock directory so that two Maven builds never
// write the same target/ at once.
func Build(javaDir string) (string, error) {
	jar := JarPath(javaDir)
	if fresh, err := jarIsFresh(javaDir, jar); err != nil {
		return "", err
	} else if fresh {
		return jar, nil
	}
	unlock, err := lock(filepath.Join(javaDir, ".build.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	// Another process may have built it while we waited for the lock.
	if fresh, err := jarIsFresh(javaDir, jar); err != nil {
		return "", err
	} else if fresh {
		return jar, nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", fmt.Errorf("javaharness: %s is missing or stale and mvn is not on PATH: %w", jar, err)
	}
	var out []byte
	if m2Warm() {
		out, err = runMaven(mvn, javaDir, "-o")
	}
	if !m2Warm() || err != nil {
		out, err = runMaven(mvn, javaDir)
	}
	if err != nil {
		return "", fmt.Errorf("javaharness: mvn -q -B package in %s: %v\n%s", javaDir, err, out)
	}
	return jar, nil
}

func runMaven(mvn, dir string, extra ...string) ([]byte, error) {
	args := append([]string{"-q", "-B"}, extra...)
	args = append(args, "package")
	cmd := exec.Command(mvn, args...)
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

// m2Warm reports whether the local Maven repository already has the
// reference artifacts, so an offline build can succeed.
func m2Warm() bool {
	home, err := os.UserHomeDir()
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(home, ".m2", "repository", "org", "apache", "avro", "avro-idl", AvroVersion))
	return err == nil
}

// jarIsFresh reports whether jar exists and is newer than every input.
func jarIsFresh(javaDir, jar string) (bool, error) {
	st, err := os.Stat(jar)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	built := st.ModTime()
	pom, err := os.Stat(filepath.Join(javaDir, "pom.xml"))
	if err != nil {
		return false, err
	}
	newer := pom.ModTime().After(built)
	err = filepath.WalkDir(filepath.Join(javaDir, "src"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().After(built) {
			newer = true
		}
		return nil
	})
	return !newer, err
}

// lock takes an inter-process lock by creating a directory (atomic on every
// OS). A lock older than staleLock is assumed to belong to a killed process.
func lock(path string) (unlock func(), err error) {
	const staleLock = 5 * time.Minute
	deadline := time.Now().Add(2 * staleLock)
	for {
		err := os.Mkdir(path, 0o755)
		if err == nil {
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("javaharness: lock: %w", err)
		}
		if st, err := os.Stat(path); err == nil && time.Since(st.ModTime()) > staleLock {
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("javaharness: timed out waiting for build lock %s", path)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tail returns the last n bytes of b, for error messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}
