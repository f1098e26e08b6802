// Package magetargets are the mage targets of an Avro contracts repository,
// shared instead of copied: a repository made by `avroctl init` imports them
// into its magefile.go,
//
//	import (
//		//mage:import
//		_ "gitlab.com/acme/avroctl/gen/magetargets"
//	)
//
// and `go run mage.go` runs the pipeline: compile the IDL, generate the Go
// module, lint, gate compatibility offline against git history, then test
// and register on a registry (REGISTRY_URL, or an embedded one).
//
// The targets run a pinned avroctl: the version the repository's go.mod
// requires (its `tool gitlab.com/acme/avroctl/tools/avroctl` directive; a
// go.work that lists an avroctl checkout overrides it). It is built once
// into .avroctl/bin and rebuilt only when the pin changes. AVROCTL names
// another binary instead.
//
// Environment:
//
//	AVROCTL                      an avroctl binary to use instead of the pinned one
//	REGISTRY_URL                 use this registry instead of the embedded one
//	REGISTRY_USERNAME/PASSWORD   basic auth for it (or REGISTRY_TOKEN for bearer)
package magetargets

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/magefile/mage/mg"

	"gitlab.com/acme/avroctl/gen/magetargets/magerun"
)

// ToolPackage is avroctl's main package, as a contracts repository's go.mod
// names it in its tool directive.
const ToolPackage = "gitlab.com/acme/avroctl/tools/avroctl"

// binary is where the pinned avroctl is built (git-ignored).
var binary = filepath.Join(".avroctl", "bin", "avroctl"+exeSuffix())

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// avroctl returns the avroctl to run. Mage runs a dependency once per
// invocation, so the build (a no-op when up to date) runs at most once.
func avroctl() string {
	if p := os.Getenv("AVROCTL"); p != "" {
		return p
	}
	mg.Deps(buildAvroctl)
	return binary
}

func buildAvroctl() error {
	if _, err := os.Stat(binary); err != nil {
		// The first build compiles avroctl and its dependencies: say so
		// rather than sit silent for half a minute.
		magerun.Step("building avroctl (%s, the version go.mod pins); the first build takes a while", ToolPackage)
	}
	return magerun.Run("go", "build", "-o", binary, ToolPackage)
}

func run(args ...string) error { return magerun.Run(avroctl(), args...) }

// All runs the pipeline: compile, generate, lint, the offline compatibility
// gate, then a compatibility test and registration on a registry
// (REGISTRY_URL, else an embedded one with its data under .avroctl/).
func All() error {
	mg.SerialDeps(Generate, Lint, Compat)
	return magerun.WithRegistry(avroctl(), func(url string) error {
		if err := run("registry", "test", "--url", url); err != nil {
			return err
		}
		return run("registry", "register", "--url", url)
	})
}

// Compile compiles idl/ into schemas/ (one .avsc per named type).
func Compile() error { return run("compile") }

// Generate compiles the IDL and generates the Go events module.
func Generate() error {
	mg.SerialDeps(Compile)
	return run("generate")
}

// Verify fails, naming the stale files, when the committed schemas/ or Go
// module are not what the IDL produces.
func Verify() error {
	if err := run("compile", "--check"); err != nil {
		return err
	}
	return run("generate", "--check")
}

// Lint checks idl/ against the rules avroctl.yaml selects.
func Lint() error { return run("lint") }

// Compat checks schemas/ offline against the merge-base with the default
// branch (or the previous commit) and, at a transitive level, every release tag.
func Compat() error {
	ref := magerun.MergeBase()
	if ref == "" {
		fmt.Println("compat: no earlier commit to compare against; skipped")
		return nil
	}
	return run("breaking", "--against", ref)
}

// Test generates, then vets and tests the generated Go module and any Go
// packages of the repository. (CI runs Verify first, which fails when the
// committed files are stale.)
func Test() error {
	mg.SerialDeps(Generate)
	if out, err := exec.Command("go", "list", "./...").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		if err := magerun.Run("go", "vet", "./..."); err != nil {
			return err
		}
		if err := magerun.Run("go", "test", "./..."); err != nil {
			return err
		}
	}
	dir, err := eventsDir()
	if err != nil {
		return err
	}
	// The generated module needs only the standard library; it is not part
	// of a go.work that lists this repository and avroctl.
	env := []string{"GOWORK=off"}
	magerun.Step("test: go vet and go test in %s", dir)
	if err := magerun.RunEnv(dir, env, "go", "vet", "./..."); err != nil {
		return err
	}
	return magerun.RunEnv(dir, env, "go", "test", "./...")
}

// Register registers schemas/ on REGISTRY_URL, or on the embedded registry.
func Register() error {
	mg.SerialDeps(Generate)
	return magerun.WithRegistry(avroctl(), func(url string) error {
		return run("registry", "register", "--url", url)
	})
}

// Release writes the changelog entry of the next events/vX.Y.Z, commits it
// and tags it. It refuses a dirty tree, a stale module, a version whose major
// does not match the module path, and one not above the tags and changelog.
func Release() error {
	mg.SerialDeps(Generate)
	return run("release", "--write", "--tag")
}

// Tags recreates missing release tags from the changelog, each at the
// commit that added its entry (a clone that did not fetch the tags).
func Tags() error { return run("release", "--restore-tags") }

// eventsDir is the generated module's folder (go.out in avroctl.yaml), as
// `avroctl generate` reports it.
func eventsDir() (string, error) {
	out, err := exec.Command(avroctl(), "generate", "--check", "-o", "json").Output()
	var res struct{ Out string }
	if jerr := json.Unmarshal(out, &res); jerr != nil || res.Out == "" {
		return "", fmt.Errorf("avroctl generate --check -o json: %v %v", err, jerr)
	}
	return res.Out, nil
}
