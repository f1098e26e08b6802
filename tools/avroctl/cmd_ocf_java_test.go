package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/avrotools"
	"gitlab.com/acme/avroctl/gen/ocf"
)

// avroTools returns the avro-tools jar (and zstd-jni) of gen/avrotools,
// which fetches them once with Maven. The test skips when this machine
// cannot run avro-tools, and fails instead when AVROCTL_REQUIRE_JAVA=1 (as
// in interop/ and CI).
func avroTools(t *testing.T) avrotools.Jars {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("AVROCTL_REQUIRE_JAVA") == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if testing.Short() {
		skip("-short: avro-tools starts a JVM per call")
	}
	jars, err := avrotools.Find(t.Context(), t.Logf)
	if errors.Is(err, avrotools.ErrUnavailable) {
		skip("skipped the differential test against avro-tools: " + err.Error())
	} else if err != nil {
		t.Fatal(err)
	}
	return jars
}

// runAvroTools runs avro-tools with zstd-jni on the class path when it
// could be had: the avro-tools jar bundles snappy, xz and bzip2 but not
// zstd-jni, which its zstandard codec needs.
func runAvroTools(t *testing.T, jars avrotools.Jars, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("java", append([]string{"-cp", jars.Classpath(), "org.apache.avro.tool.Main"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("avro-tools %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// javaLevel adds Java's default --level of codecs with levels: avro-tools
// passes its own default, -1, which xz refuses.
func javaLevel(codec string, args ...string) []string {
	if _, _, def, ok := ocf.LevelRange(codec); ok {
		return append([]string{args[0], "--level", fmt.Sprint(def)}, args[1:]...)
	}
	return args
}

// Files written by Java's DataFileWriter (avro-tools fromjson, every codec)
// read with avroctl, and avroctl's (every codec, many blocks) read by Java's
// DataFileReader (avro-tools tojson), print the same lines.
func TestOCFMatchesAvroTools(t *testing.T) {
	jar := avroTools(t)
	dir := t.TempDir()
	avsc := filepath.Join(dir, "order.avsc")
	os.WriteFile(avsc, []byte(dltOrderV1), 0o644)
	var b strings.Builder
	for i := range 3000 { // > 64 KB: Java writes several blocks
		note := "null"
		if i%3 == 0 {
			note = fmt.Sprintf(`{"string":"note é ✓ %d \"q\""}`, i)
		}
		fmt.Fprintf(&b, `{"id":"order-%06d","qty":%d,"note":%s}`+"\n", i, i*7919-10000000, note)
	}
	lines := b.String()
	in := filepath.Join(dir, "in.jsonl")
	os.WriteFile(in, []byte(lines), 0o644)

	codecs := ocf.Codecs
	if jar.ZstdJNI == "" {
		t.Log("zstd-jni could not be fetched: zstandard is not compared (mvn dependency:get -Dartifact=com.github.luben:zstd-jni:" + avrotools.ZstdJNIVersion + ")")
		codecs = slices.DeleteFunc(slices.Clone(codecs), func(c string) bool { return c == ocf.CodecZstandard })
	}
	for _, codec := range codecs {
		javaFile := filepath.Join(dir, "java-"+codec+".avro")
		os.WriteFile(javaFile, runAvroTools(t, jar, javaLevel(codec, "fromjson", "--codec", codec, "--schema-file", avsc, in)...), 0o644)
		if code, got, errs := runAvroctl(t, "ocf", "tojson", javaFile); code != 0 || got != lines {
			t.Errorf("avroctl reading Java's %s file: exit %d %s (%d bytes, want %d)", codec, code, errs, len(got), len(lines))
		}
		if code, got, _ := runAvroctl(t, "ocf", "count", "-o", "json", javaFile); code != 0 || !strings.HasPrefix(got, `{"blocks":`) || !strings.Contains(got, `"count":3000}`) || strings.HasPrefix(got, `{"blocks":1,`) {
			t.Errorf("count of Java's %s file: %d %s", codec, code, got)
		}
	}

	for _, codec := range codecs {
		ours := filepath.Join(dir, "ours-"+codec+".avro")
		if code, _, errs := runAvroctl(t, "ocf", "fromjson", "--schema", avsc, "--codec", codec, "--sync-interval", "4000", in, ours); code != 0 {
			t.Fatal(errs)
		}
		if got := string(runAvroTools(t, jar, "tojson", ours)); got != lines {
			t.Errorf("Java reading avroctl's %s file: %d bytes, want %d\n%.300s", codec, len(got), len(lines), got)
		}
	}
}
