package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

func startRegistry(t *testing.T) string {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		srv.Close()
		st.Close()
	})
	return srv.URL()
}

func runRegistryCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const regMoney = `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"}]}`

func writeSchemas(t *testing.T, dir, orderExtra string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "com.acme.Money.avsc"), []byte(regMoney), 0o644)
	os.WriteFile(filepath.Join(dir, "com.acme.Order.avsc"), []byte(`{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},`+orderExtra+`
  {"name":"total","type":`+regMoney+`}]}`), 0o644)
}

func TestRegistryCommands(t *testing.T) {
	u := startRegistry(t)
	dir := t.TempDir()
	schemas := filepath.Join(dir, "schemas")
	writeSchemas(t, schemas, "")
	set := []string{"--url", u, "--schemas", schemas, "--strategy", "topic", "--topic", "orders=com.acme.Order"}

	code, out, stderr := runRegistryCLI(t, append([]string{"registry", "register", "--dry-run"}, set...)...)
	if code != 0 || !strings.Contains(out, "new-subject  orders-value (com.acme.Order)") || !strings.Contains(out, "2 would change") {
		t.Fatalf("dry run: %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = runRegistryCLI(t, append([]string{"registry", "register"}, set...)...)
	if code != 0 || !strings.Contains(out, "references com.acme.Money -> com.acme.Money version 1") {
		t.Fatalf("register: %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runRegistryCLI(t, append([]string{"registry", "register", "-o", "json"}, set...)...)
	if code != 0 || strings.Count(out, `"action": "unchanged"`) != 2 {
		t.Fatalf("re-register: %d\n%s", code, out)
	}

	// An incompatible change: test exits 1 and points at the file.
	writeSchemas(t, schemas, `{"name":"note","type":"string"},`)
	code, out, _ = runRegistryCLI(t, append([]string{"registry", "test"}, set...)...)
	if code != 1 || !strings.Contains(out, "orders-value: INCOMPATIBLE") || !strings.Contains(out, "com.acme.Order.avsc:2:") {
		t.Fatalf("test: %d\n%s", code, out)
	}
	writeSchemas(t, schemas, `{"name":"note","type":"string","default":""},`)
	if code, out, _ = runRegistryCLI(t, append([]string{"registry", "test", "-o", "json"}, set...)...); code != 0 || !strings.Contains(out, `"compatible": true`) {
		t.Fatalf("test compatible: %d\n%s", code, out)
	}

	if code, out, _ = runRegistryCLI(t, "registry", "config", "set", "--url", u, "new-value", "full"); code != 0 || out != "new-value: FULL\n" {
		t.Errorf("config set: %d %q", code, out)
	}
	if code, out, _ = runRegistryCLI(t, "registry", "config", "get", "--url", u, "orders-value"); code != 0 || !strings.Contains(out, "BACKWARD (inherited") {
		t.Errorf("config get: %d %q", code, out)
	}
	if code, out, _ = runRegistryCLI(t, "registry", "subjects", "--url", u, "-o", "json"); code != 0 || !strings.Contains(out, `"orders-value"`) {
		t.Errorf("subjects: %d %q", code, out)
	}
	if code, out, _ = runRegistryCLI(t, "registry", "versions", "--url", u, "orders-value"); code != 0 || out != "1\n" {
		t.Errorf("versions: %d %q", code, out)
	}
	dl := filepath.Join(dir, "dl")
	if code, out, _ = runRegistryCLI(t, "registry", "download", "--url", u, "com.acme.*", "--dir", dl); code != 0 || !strings.Contains(out, "com.acme.Money: version 1") {
		t.Errorf("download: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dl, "com.acme.Money.avsc")); err != nil {
		t.Error(err)
	}
	if code, out, _ = runRegistryCLI(t, "registry", "delete", "--url", u, "orders-value", "--permanent"); code != 0 || !strings.Contains(out, "permanently deleted versions [1]") {
		t.Errorf("delete: %d %q", code, out)
	}
	// Errors: usage is exit 2, with a message.
	if code, _, stderr = runRegistryCLI(t, "registry", "versions", "--url", u, "nope"); code != 2 || !strings.Contains(stderr, "Subject 'nope' not found") {
		t.Errorf("versions of a missing subject: %d %q", code, stderr)
	}
	if code, _, stderr = runRegistryCLI(t, "registry", "register", "--url", u, "--schemas", schemas, "--strategy", "sideways"); code != 2 || !strings.Contains(stderr, "--strategy") {
		t.Errorf("bad strategy: %d %q", code, stderr)
	}
	if code, _, _ = runRegistryCLI(t, "registry", "subjects", "--url", u, "-o", "yaml"); code != 2 {
		t.Errorf("bad -o: %d", code)
	}
}

func TestRegistryHelp(t *testing.T) {
	for _, sub := range []string{"serve", "register", "test", "config", "download", "subjects", "versions", "delete"} {
		code, out, _ := runRegistryCLI(t, "registry", sub, "--help")
		if code != 0 || !strings.Contains(out, "Example") && !strings.Contains(out, "Examples") {
			t.Errorf("registry %s --help: %d\n%s", sub, code, out)
		}
	}
}

// TestRegistryServe runs the serve command until its context ends.
func TestRegistryServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	s := &streams{In: strings.NewReader(""), Out: io.Discard, Err: pw}
	done := make(chan error, 1)
	data := filepath.Join(t.TempDir(), "data")
	go func() {
		done <- registryServeRun(ctx, s, "127.0.0.1:0", data, server.Options{BasicAuth: "ci:secret"}, false)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	_, rest, ok := strings.Cut(line, "listening on ")
	if !ok {
		t.Fatalf("first line: %q", line)
	}
	u, _, _ := strings.Cut(rest, " ")
	code, _, stderr := runRegistryCLI(t, "registry", "subjects", "--url", u)
	if code != 2 || !strings.Contains(stderr, "Unauthorized") {
		t.Errorf("without credentials: %d %q", code, stderr)
	}
	t.Setenv("REGISTRY_PASSWORD", "secret")
	if code, out, stderr := runRegistryCLI(t, "registry", "subjects", "--url", u, "--username", "ci"); code != 0 || out != "" {
		t.Errorf("with credentials: %d %q %q", code, out, stderr)
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, store.LogFile)); err != nil {
		t.Errorf("no log in the data directory: %v", err)
	}
}

// TestRegistryServeCredentials: serve takes its basic auth from a file or
// the environment; --basic-auth (visible in the process list) still works
// with a warning that does not echo the secret; an empty user or password
// is refused.
func TestRegistryServeCredentials(t *testing.T) {
	resolve := func(env map[string]string, args ...string) (string, string, error) {
		t.Helper()
		var errb bytes.Buffer
		cmd := newRegistryServeCmd(&streams{In: strings.NewReader(""), Out: io.Discard, Err: &errb})
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		file, _ := cmd.Flags().GetString(regFlagAuthFile)
		flagValue, _ := cmd.Flags().GetString(regFlagBasicAuth)
		auth, err := serveBasicAuth(cmd, &errb, flagValue, file, func(k string) string { return env[k] })
		return auth, errb.String(), err
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "auth")
	os.WriteFile(good, []byte("ci:s3cret:with-colon\n"), 0o600)
	empty := filepath.Join(dir, "empty-password")
	os.WriteFile(empty, []byte("ci:\n"), 0o600)

	if auth, stderr, err := resolve(nil, "--"+regFlagAuthFile, good); err != nil || auth != "ci:s3cret:with-colon" || stderr != "" {
		t.Errorf("from a file: %q %q %v", auth, stderr, err)
	}
	env := map[string]string{envServeBasicAuth: "ci:fromenv"}
	if auth, _, err := resolve(env); err != nil || auth != "ci:fromenv" {
		t.Errorf("from the environment: %q %v", auth, err)
	}
	if auth, _, err := resolve(env, "--"+regFlagAuthFile, good); err != nil || auth != "ci:s3cret:with-colon" {
		t.Errorf("the file wins over the environment: %q %v", auth, err)
	}
	if auth, _, err := resolve(nil); err != nil || auth != "" {
		t.Errorf("nothing given: %q %v", auth, err)
	}
	auth, stderr, err := resolve(nil, "--"+regFlagBasicAuth, "ci:s3cret")
	if err != nil || auth != "ci:s3cret" || !strings.Contains(stderr, "deprecated") || strings.Contains(stderr, "s3cret") {
		t.Errorf("deprecated flag: %q %q %v", auth, stderr, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--" + regFlagAuthFile, empty}, "password is empty"},
		{nil, []string{"--" + regFlagBasicAuth, ":s3cret"}, "user is empty"},
		{nil, []string{"--" + regFlagBasicAuth, "s3cret"}, "want user:password"},
		{map[string]string{envServeBasicAuth: "ci:"}, nil, "password is empty"},
		{nil, []string{"--" + regFlagAuthFile, filepath.Join(dir, "missing")}, "no such file"},
		{nil, []string{"--" + regFlagAuthFile, good, "--" + regFlagBasicAuth, "a:b"}, "give one of them"},
	} {
		_, stderr, err := resolve(tc.env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error()+stderr, "s3cret") {
			t.Errorf("%v %v: %v (stderr %q), want an error with %q and no secret", tc.env, tc.args, err, stderr, tc.want)
		}
	}
	// Through the command line: a usage error, exit 2, before serving.
	code, _, stderr := runRegistryCLI(t, "registry", "serve", "--data", "", "--listen", "127.0.0.1:0", "--"+regFlagBasicAuth, ":s3cret")
	if code != 2 || !strings.Contains(stderr, "user is empty") || strings.Contains(stderr, "s3cret") {
		t.Errorf("serve with an empty user: %d %q", code, stderr)
	}
}
