package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/idl"
)

func TestNamespaceFor(t *testing.T) {
	for module, want := range map[string]string{
		"gitlab.com/acme/shipping":         "com.acme.shipping",
		"github.com/Acme-Corp/ship-events": "com.acmecorp.shipevents",
		"example.com/contracts":            "com.example.contracts",
		"corp.example.org/team/orders/v2":  "org.example.corp.team.orders",
		"gitlab.com/acme/2fast":            "com.acme.n2fast",
	} {
		if got := namespaceFor(module); got != want {
			t.Errorf("namespaceFor(%q) = %q, want %q", module, got, want)
		}
	}
}

func TestDefaults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Shipping Contracts")
	o, err := Options{}.Defaults(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Module != "example.com/shipping-contracts" || o.Namespace != "com.example.shippingcontracts" || o.AvroctlVersion != DevelVersion {
		t.Errorf("defaults = %+v", o)
	}
	if _, err := (Options{Module: "not a path"}).Defaults(dir); err == nil || !strings.Contains(err.Error(), "is not a Go module path") {
		t.Errorf("bad module: %v", err)
	}
	if _, err := (Options{Module: "x.io/a", Namespace: "Com.Acme"}).Defaults(dir); err == nil || !strings.Contains(err.Error(), "not an Avro namespace") {
		t.Errorf("bad namespace: %v", err)
	}
}

// TestRenderIsValid: the files are what avroctl and Go accept: the config
// parses with the module in it, the example IDL compiles, go.mod pins avroctl.
func TestRenderIsValid(t *testing.T) {
	o, err := Options{Module: "gitlab.com/acme/shipping", AvroctlVersion: "v0.4.0"}.Defaults(".")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var names []string
	for _, f := range files {
		got[f.Path] = string(f.Data)
		names = append(names, f.Path)
	}
	if want := ".gitignore .gitlab-ci.yml README.md avroctl.yaml go.mod idl/shipping.avdl mage.go magefile.go"; strings.Join(names, " ") != want {
		t.Errorf("files = %v, want %s", names, want)
	}
	c, err := config.Parse("avroctl.yaml", []byte(got["avroctl.yaml"]))
	if err != nil {
		t.Fatalf("avroctl.yaml: %v", err)
	}
	if c.Go.Module != "gitlab.com/acme/shipping/events" || c.Registry.Strategy != "record" {
		t.Errorf("config = %+v", c)
	}
	dir := t.TempDir()
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	f, err := idl.Compile(filepath.Join(dir, "idl", "shipping.avdl"), idl.Options{})
	if err != nil {
		t.Fatalf("example IDL: %v", err)
	}
	if len(f.NamedSchemas) != 2 || f.NamedSchemas[1].Names().FullName() != "com.acme.shipping.SomethingHappened" {
		t.Errorf("example types: %v", f.NamedSchemas)
	}
	for _, want := range []string{"tool gitlab.com/acme/avroctl/tools/avroctl", "gitlab.com/acme/avroctl v0.4.0", "github.com/magefile/mage " + MageVersion} {
		if !strings.Contains(got["go.mod"], want) {
			t.Errorf("go.mod lacks %q:\n%s", want, got["go.mod"])
		}
	}
	if !strings.Contains(got[".gitlab-ci.yml"], "ref: v0.4.0") || !strings.Contains(got[".gitlab-ci.yml"], "file: ci/templates/avroctl.gitlab-ci.yml") {
		t.Errorf(".gitlab-ci.yml:\n%s", got[".gitlab-ci.yml"])
	}
	if _, err := os.Stat(filepath.Join("..", "..", "ci", "templates", "avroctl.gitlab-ci.yml")); err != nil {
		t.Errorf("the included template is not in this repository: %v", err)
	}
	if !strings.Contains(got["magefile.go"], "//mage:import\n\t\"gitlab.com/acme/avroctl/gen/magetargets\"") {
		t.Errorf("magefile.go does not import the shared targets:\n%s", got["magefile.go"])
	}
}

// TestDevelBuildPinsNothing: a development build has no version a go.mod
// can require; go.work provides avroctl.
func TestDevelBuildPinsNothing(t *testing.T) {
	o, _ := Options{Module: "x.io/c", AvroctlDir: "/src/avroctl"}.Defaults(".")
	files, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		switch f.Path {
		case "go.mod":
			if strings.Contains(string(f.Data), "gitlab.com/acme/avroctl v") {
				t.Errorf("go.mod requires a version of avroctl:\n%s", f.Data)
			}
		case "go.work":
			if !strings.Contains(string(f.Data), "\t.\n\t/src/avroctl\n") {
				t.Errorf("go.work:\n%s", f.Data)
			}
		}
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("mine"), 0o644)
	err := Write(dir, []File{{Path: "README.md", Data: []byte("x"), Mode: 0o644}, {Path: "idl/a.avdl", Data: []byte("x"), Mode: 0o644}})
	if err == nil || !strings.Contains(err.Error(), "already has README.md") {
		t.Fatalf("err = %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(data) != "mine" {
		t.Error("README.md was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "idl")); err == nil {
		t.Error("a refused init wrote files")
	}
}

// TestMageVersionMatchesAvroctl: a new repository requires the mage
// avroctl's own go.mod requires (the shared targets are built with it).
func TestMageVersionMatchesAvroctl(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "github.com/magefile/mage "+MageVersion+"\n") {
		t.Errorf("go.mod does not require mage %s", MageVersion)
	}
}

// TestGoVersionMatchesAvroctl: a new repository's go line is avroctl's own,
// in go.mod and in go.work. With a lower one, the workspace that
// --avroctl-dir writes failed at once ("module ... requires go >= 1.26.0,
// but go.work lists go 1.24.0").
func TestGoVersionMatchesAvroctl(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\ngo "+GoVersion+"\n") {
		t.Errorf("avroctl's go.mod does not declare go %s; set scaffold.GoVersion to its go line", GoVersion)
	}
	o, _ := Options{Module: "x.io/c", AvroctlDir: "/src/avroctl"}.Defaults(".")
	files, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if f.Path == "go.mod" || f.Path == "go.work" {
			seen++
			if !strings.Contains(string(f.Data), "\ngo "+GoVersion+"\n") {
				t.Errorf("%s has no go %s line:\n%s", f.Path, GoVersion, f.Data)
			}
		}
	}
	if seen != 2 {
		t.Errorf("rendered %d of go.mod and go.work, want 2", seen)
	}
}

// TestWorkspaceWithPinnedVersion: with a release pinned, go.work also
// replaces that version, or the go command would fetch its go.mod.
func TestWorkspaceWithPinnedVersion(t *testing.T) {
	o, _ := Options{Module: "x.io/c", AvroctlDir: "/src/avroctl", AvroctlVersion: "v0.9.0"}.Defaults(".")
	files, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == "go.work" && !strings.Contains(string(f.Data), "replace gitlab.com/acme/avroctl v0.9.0 => /src/avroctl\n") {
			t.Errorf("go.work:\n%s", f.Data)
		}
	}
}
