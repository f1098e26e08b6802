// Package magerun holds what avroctl's mage targets share: running commands
// with their output streamed, an embedded registry for the duration of a
// target, and the git revision a change is gated against. It is a package
// of its own because mage turns every exported function of an imported
// package into a target.
package magerun

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/magefile/mage/mg"
)

// Run runs name in the current folder, output streamed.
func Run(name string, args ...string) error { return RunEnv(".", nil, name, args...) }

// RunIn runs name in dir.
func RunIn(dir, name string, args ...string) error { return RunEnv(dir, nil, name, args...) }

// RunEnv runs name in dir with env added to the environment. A failure
// keeps the command's exit code, so `go run mage.go` exits as it did.
func RunEnv(dir string, env []string, name string, args ...string) error {
	if mg.Verbose() {
		fmt.Printf("+ (%s) %s %s %s\n", dir, strings.Join(env, " "), name, strings.Join(args, " "))
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return mg.Fatalf(exit.ExitCode(), "%s %s: exit %d", name, strings.Join(args, " "), exit.ExitCode())
	}
	return err
}

// Step prints what a step that may take a while is doing, so that a long
// first run (compiling avroctl, fetching modules) is never silent.
func Step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mage: "+format+"\n", args...)
}

// WithRegistry runs fn with a registry URL: REGISTRY_URL when set, else
// `avroctl registry serve` (the binary at avroctl) started for the duration
// on a free loopback port, with its data under .avroctl/registry
// (git-ignored, kept between runs).
func WithRegistry(avroctl string, fn func(url string) error) error {
	if url := os.Getenv("REGISTRY_URL"); url != "" {
		return fn(url)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(avroctl, "registry", "serve", "--listen", addr, "--data", ".avroctl/registry")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	}()
	url := "http://" + addr
	if err := WaitHTTP(url+"/subjects", 10*time.Second); err != nil {
		return fmt.Errorf("embedded registry did not start: %v\n%s", err, logs.String())
	}
	if mg.Verbose() {
		fmt.Println("embedded registry on", url)
	}
	return fn(url)
}

// WaitHTTP waits until url answers, for at most limit.
func WaitHTTP(url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// MergeBase is the commit to gate against: the merge-base with the target
// branch in a GitLab merge request, else with origin's default branch, else
// the previous commit; "" when there is no history to compare with.
func MergeBase() string {
	for _, ref := range []string{os.Getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"), "origin/main", "HEAD~1"} {
		if ref == "" {
			continue
		}
		if out, err := exec.Command("git", "merge-base", "HEAD", ref).Output(); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	return ""
}
