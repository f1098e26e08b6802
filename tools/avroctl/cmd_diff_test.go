package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

const diffOrderV1 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}`
const diffOrderV2 = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"qty","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`

func TestDiffFolders(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeFile(t, a, "com.acme.Order.avsc", diffOrderV1)
	writeFile(t, b, "com.acme.Order.avsc", diffOrderV2)

	if code, out, errOut := runAvroctl(t, "diff", a, a); code != 0 || !strings.Contains(out, "no changes") {
		t.Errorf("same folder: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := runAvroctl(t, "diff", a, b)
	if code != 1 || !strings.Contains(out, "FIELD_RETYPED") || !strings.Contains(out, "field qty retyped: int → long") ||
		!strings.Contains(out, "field note added: string? = null") || !strings.Contains(out, "BACKWARD compatible") {
		t.Errorf("text: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runAvroctl(t, "diff", a, b, "-o", "json")
	var rep struct {
		Changed bool
		Types   []struct {
			Name    string
			Changes []struct{ Kind, Field string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || !rep.Changed || len(rep.Types) != 1 || len(rep.Types[0].Changes) != 2 {
		t.Errorf("json: exit %d, err %v\n%s", code, err, out)
	}
	code, out, _ = runAvroctl(t, "diff", a, filepath.Join(b, "com.acme.Order.avsc"), "-o", "markdown")
	if code != 1 || !strings.Contains(out, "| FIELD_RETYPED | `qty` | `int` | `long` |") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
}

func TestDiffInputErrors(t *testing.T) {
	a := t.TempDir()
	writeFile(t, a, "bad.avsc", `{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}`)
	code, _, errOut := runAvroctl(t, "diff", a, a)
	if code != 2 || !strings.Contains(errOut, "bad.avsc:1:") {
		t.Errorf("bad schema: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runAvroctl(t, "diff", a); code != 2 {
		t.Errorf("one argument: exit %d, want 2", code)
	}
	if code, _, _ := runAvroctl(t, "diff", a, a, "-o", "yaml"); code != 2 {
		t.Errorf("-o yaml: exit %d, want 2", code)
	}
	if code, _, errOut := runAvroctl(t, "diff", "registry:orders-value", a); code != 2 || !strings.Contains(errOut, "SUBJECT@VERSION") {
		t.Errorf("registry without version: exit %d, stderr %q", code, errOut)
	}
}

func TestDiffGitRefs(t *testing.T) {
	setGitEnv(t)
	r := newGitRepo(t)
	r.write("schemas/com.acme.Order.avsc", diffOrderV1)
	r.write("idl/order.avdl", "@namespace(\"com.acme\") protocol P { record Order { string id; int qty; } }\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "v1")
	r.git("tag", "events/v1.0.0")
	r.write("schemas/com.acme.Order.avsc", diffOrderV2)
	r.write("idl/order.avdl", "@namespace(\"com.acme\") protocol P { record Order { string id; long qty; } }\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "v2")
	t.Chdir(r.dir)

	// A release tag: its schemas/ folder, against the working tree's.
	code, out, errOut := runAvroctl(t, "diff", "events/v1.0.0", "schemas")
	if code != 1 || !strings.Contains(out, "field qty retyped: int → long") || !strings.Contains(out, "field note added") {
		t.Errorf("tag vs folder: exit %d\n%s%s", code, out, errOut)
	}
	// REV:path, IDL at a revision compiled without a checkout.
	code, out, errOut = runAvroctl(t, "diff", "HEAD~1:idl", "HEAD:idl/order.avdl")
	if code != 1 || !strings.Contains(out, "field qty retyped: int → long") || strings.Contains(out, "note") {
		t.Errorf("idl at revisions: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runAvroctl(t, "diff", "HEAD", "schemas"); code != 0 {
		t.Errorf("HEAD vs tree: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = runAvroctl(t, "diff", "events/v9.9.9", "schemas")
	if code != 2 || !strings.Contains(errOut, "events/v9.9.9") {
		t.Errorf("unknown tag: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat("schemas"); err != nil {
		t.Fatal(err)
	}
}

// TestDiffRegistry: registry:SUBJECT@VERSION against the embedded registry.
func TestDiffRegistry(t *testing.T) {
	url := startRegistry(t)
	cl, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{diffOrderV1, diffOrderV2} {
		if _, err := cl.CreateSchema(context.Background(), "orders-value", sr.Schema{Schema: text}); err != nil {
			t.Fatal(err)
		}
	}
	b := t.TempDir()
	writeFile(t, b, "com.acme.Order.avsc", diffOrderV2)
	code, out, errOut := runAvroctl(t, "diff", "registry:orders-value@1", "registry:orders-value@latest", "--url", url, "-o", "markdown")
	if code != 1 || !strings.Contains(out, "| FIELD_RETYPED | `qty` | `int` | `long` |") {
		t.Errorf("versions 1 and latest: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runAvroctl(t, "diff", "registry:orders-value@2", b, "--url", url); code != 0 {
		t.Errorf("version 2 vs folder: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runAvroctl(t, "diff", "registry:orders-value@7", b, "--url", url); code != 2 || !strings.Contains(errOut, "orders-value") {
		t.Errorf("missing version: exit %d, stderr %q", code, errOut)
	}
}
