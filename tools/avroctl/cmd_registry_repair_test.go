package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// damagedRegistry writes a 100-subject registry in a new directory and
// flips one bit inside record 51 of its log; it returns the directory and
// the damaged log's bytes.
func damagedRegistry(t *testing.T) (string, []byte) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 100; i++ {
		err := st.Update(func(tx *store.Tx) error {
			return tx.Append(store.Event{Op: store.OpRegister, Subject: fmt.Sprintf("s%03d", i), Version: 1, ID: i,
				Schema: &store.Schema{ID: i, Text: fmt.Sprintf(`{"type":"fixed","name":"f%d","size":16}`, i)}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	path := filepath.Join(dir, store.LogFile)
	data, _ := os.ReadFile(path)
	off := len("avroctl-registry-log v1\n")
	for i := 1; i < 51; i++ {
		off += 8 + int(binary.LittleEndian.Uint32(data[off:]))
	}
	data[off+100] ^= 0x01 // inside the schema text of record 51
	os.WriteFile(path, data, 0o644)
	return dir, data
}

// TestServeRefusesDamage: serve stops on damage in the middle of the log,
// naming the record and the repair command, and changes nothing.
func TestServeRefusesDamage(t *testing.T) {
	dir, data := damagedRegistry(t)
	code, _, stderr := runRegistryCLI(t, "registry", "serve", "--listen", "127.0.0.1:0", "--data", dir)
	if code != exitUsage || !strings.Contains(stderr, "record 51 is damaged") || !strings.Contains(stderr, "avroctl registry repair --data "+dir) {
		t.Errorf("serve: exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, store.LogFile)); !bytes.Equal(got, data) {
		t.Error("serve changed the damaged log")
	}
}

func TestRegistryRepairCommand(t *testing.T) {
	dir, data := damagedRegistry(t)
	code, out, stderr := runRegistryCLI(t, "registry", "repair", "--data", dir, "--dry-run")
	if code != exitFindings || !strings.Contains(out, `damaged  record 51, bytes `) || !strings.Contains(out, `"s051" version 1, id 51`) ||
		!strings.Contains(out, "a repair would keep 99 of 99 intact records (dry run: nothing written)") {
		t.Errorf("dry run: exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(dir + ".repaired"); !os.IsNotExist(err) {
		t.Error("the dry run wrote a copy")
	}

	code, out, stderr = runRegistryCLI(t, "registry", "repair", "--data", dir, "-o", "json")
	var rep store.RepairReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitFindings || rep.Kept != 99 || len(rep.Damaged) != 1 ||
		rep.Damaged[0].Record != 51 || rep.Written != filepath.Join(dir+".repaired", store.LogFile) {
		t.Errorf("repair -o json: exit %d, %v\n%s%s", code, err, out, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, store.LogFile)); !bytes.Equal(got, data) {
		t.Error("repair changed the original")
	}
	code, out, _ = runRegistryCLI(t, "registry", "repair", "--data", dir+".repaired")
	if code != exitOK || !strings.Contains(out, "the log is intact") {
		t.Errorf("repair of the repaired copy: exit %d\n%s", code, out)
	}
	code, _, stderr = runRegistryCLI(t, "registry", "repair", "--data", dir, "--in-place", "--dry-run")
	if code != exitUsage {
		t.Errorf("--in-place --dry-run: exit %d %s", code, stderr)
	}
	if code, out, _ := runRegistryCLI(t, "registry", "repair", "--help"); code != exitOK || !strings.Contains(out, "Examples") {
		t.Errorf("repair --help: exit %d\n%s", code, out)
	}
}

// TestServeRefusesEmptiedLog: a deleted log in a used directory stops
// serve, which names the flag that starts it anyway.
func TestServeRefusesEmptiedLog(t *testing.T) {
	dir, _ := damagedRegistry(t)
	os.Remove(filepath.Join(dir, store.LogFile))
	code, _, stderr := runRegistryCLI(t, "registry", "serve", "--listen", "127.0.0.1:0", "--data", dir)
	if code != exitUsage || !strings.Contains(stderr, "--allow-empty-log") || !strings.Contains(stderr, "ids continue above 1001") {
		t.Errorf("serve: exit %d\n%s", code, stderr)
	}
}

// TestServeAllowEmptyLog: with the flag, a used directory whose log was
// deleted starts empty, says so, and new ids continue above the old ones.
func TestServeAllowEmptyLog(t *testing.T) {
	dir, _ := damagedRegistry(t)
	os.Remove(filepath.Join(dir, store.LogFile))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	s := &streams{In: strings.NewReader(""), Out: io.Discard, Err: pw}
	done := make(chan error, 1)
	go func() {
		done <- registryServeRun(ctx, s, "127.0.0.1:0", dir, server.Options{}, true)
		pw.Close()
	}()
	r := bufio.NewReader(pr)
	var said strings.Builder
	var u string
	for u == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("%v after %q", err, said.String())
		}
		said.WriteString(line)
		if _, rest, ok := strings.Cut(line, "listening on "); ok {
			u, _, _ = strings.Cut(rest, " ")
		}
	}
	go io.Copy(io.Discard, pr)
	if !strings.Contains(said.String(), "started with an empty log (--allow-empty-log)") || !strings.Contains(said.String(), "ids up to 1001 stay used") {
		t.Errorf("serve said:\n%s", said.String())
	}
	resp, err := http.Post(u+"/subjects/x/versions", server.ContentType, strings.NewReader(`{"schema":"\"int\""}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `{"id":1002}` {
		t.Errorf("first registration after the loss: %s, want id 1002", b)
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
