package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func complete(t *testing.T, args ...string) string {
	t.Helper()
	_, out, _ := runAvroctl(t, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	return out
}

func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"breaking", "--level", ""}, "FULL_TRANSITIVE\n"},
		{[]string{"compat", "check", "--level", "FU"}, "FULL\nFULL_TRANSITIVE\n"},
		{[]string{"registry", "register", "--strategy", ""}, "record\ntopic\ntopic-record\n"},
		{[]string{"registry", "subjects", "-o", ""}, "text\njson\n"},
		{[]string{"lint", "--error-format", ""}, "junit\ngitlab-code-quality\n"},
		{[]string{"idl", ""}, "avdl\n:8\n"},
		{[]string{"compat", "check", "--reader", ""}, "avsc\navdl\n:8\n"},
		{[]string{"lint", ""}, "avdl\navsc\n:8\n"},
		{[]string{"generate", "--schemas", ""}, ":16\n"},
		{[]string{"release", ""}, ":4\n"},
	} {
		if got := complete(t, tc.args...); !strings.Contains(got, tc.want) {
			t.Errorf("complete %q = %q, want it to contain %q", tc.args, got, tc.want)
		}
	}
}

func TestCompletionOfSubjects(t *testing.T) {
	u := startRegistry(t)
	schemas := filepath.Join(t.TempDir(), "schemas")
	writeSchemas(t, schemas, "")
	if code, _, errOut := runAvroctl(t, "registry", "register", "--url", u, "--schemas", schemas, "--strategy", "record"); code != 0 {
		t.Fatal(errOut)
	}
	for _, args := range [][]string{{"registry", "versions", "--url", u, "com.acme.O"}, {"registry", "delete", "--url", u, "com.acme.O"}} {
		if got := complete(t, args...); !strings.HasPrefix(got, "com.acme.Order\n:4") {
			t.Errorf("complete %q = %q", args, got)
		}
	}
	if got := complete(t, "registry", "config", "set", "--url", u, ""); !strings.Contains(got, "FULL_TRANSITIVE\n") || !strings.Contains(got, "com.acme.Order\n") {
		t.Errorf("config set, first argument: %q", got)
	}
	if got := complete(t, "registry", "config", "set", "--url", u, "com.acme.Order", ""); !strings.Contains(got, "FULL_TRANSITIVE\n") || strings.Contains(got, "com.acme") {
		t.Errorf("config set, second argument: %q", got)
	}
	if got := complete(t, "registry", "versions", "--url", u, "com.acme.Order", ""); strings.Contains(got, "com.acme") {
		t.Errorf("a second argument was completed: %q", got)
	}
	// No registry there: nothing, quickly.
	if got := complete(t, "registry", "versions", "--url", "http://127.0.0.1:1", ""); got != ":4\n" {
		t.Errorf("no registry: %q", got)
	}
	// generate --from-registry: every argument is a subject, each once.
	if got := complete(t, "generate", "--from-registry", "--registry-url", u, "com.acme.O"); !strings.HasPrefix(got, "com.acme.Order\n:4") {
		t.Errorf("generate --from-registry: %q", got)
	}
	if got := complete(t, "generate", "--from-registry", "--registry-url", u, "com.acme.Order@1", "com.acme.O"); strings.Contains(got, "com.acme.Order\n") {
		t.Errorf("generate --from-registry, subject already given: %q", got)
	}
	if got := complete(t, "generate", "--registry-url", u, "com.acme.O"); got != ":4\n" {
		t.Errorf("generate without --from-registry completed %q", got)
	}
}

// TestServerHelpOmitsClientFlags: serve and compact run a registry; the
// connection flags of the client commands are not theirs.
func TestServerHelpOmitsClientFlags(t *testing.T) {
	for _, c := range []string{"serve", "compact"} {
		_, out, _ := runAvroctl(t, "registry", c, "--help")
		if strings.Contains(out, "--username") || strings.Contains(out, "--url") || !strings.Contains(out, "--config") {
			t.Errorf("registry %s --help:\n%s", c, out)
		}
	}
	code, _, errOut := runAvroctl(t, "registry", "compact", "--data", t.TempDir(), "--url", "http://x", "--timeout", "1s")
	if code != 2 || !strings.Contains(errOut, "registry compact: --timeout, --url: a client's connection flags") {
		t.Errorf("compact --url: exit %d, %q", code, errOut)
	}
	if _, out, _ := runAvroctl(t, "registry", "test", "--help"); !strings.Contains(out, "--url") {
		t.Errorf("registry test --help lost --url:\n%s", out)
	}
}

// TestDefaultsPrintedOnce: a flag whose help says its default has no
// default value of its own for cobra to print again.
func TestDefaultsPrintedOnce(t *testing.T) {
	for _, v := range []string{"REGISTRY_USERNAME", "REGISTRY_CERT_FILE", "REGISTRY_KEY_FILE", "REGISTRY_CA_FILE", "REGISTRY_TOKEN"} {
		t.Setenv(v, "from-env")
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			zero := f.DefValue == "" || f.DefValue == "false" || f.DefValue == "[]" || f.DefValue == "0"
			if strings.Contains(f.Usage, "default") && !zero {
				t.Errorf("%s --%s: help says %q and cobra adds (default %q)", c.CommandPath(), f.Name, f.Usage, f.DefValue)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&streams{}))
}
