package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/release"
	"gitlab.com/acme/avroctl/gen/scaffold"
)

func init() { register(newInitCmd) }

type initOptions struct {
	scaffold.Options
}

func newInitCmd(s *streams) *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a contracts repository: avroctl.yaml, idl/, magefile, CI, README",
		Long: `init scaffolds an Avro contracts repository in DIR (default: the current
folder), which must not already have any of the files:

  avroctl.yaml          every key, commented
  idl/<package>.avdl    one example contract
  go.mod                the repository's module; pins avroctl with a tool directive
  magefile.go, mage.go  avroctl's shared mage targets (go run mage.go)
  .gitlab-ci.yml        includes avroctl's pipeline template
  .gitignore, README.md

The repository's module path comes from --module; without it, init asks when
stdin is a terminal, and otherwise uses the default example.com/<folder name>
(change it later in go.mod and avroctl.yaml). The generated Go module is
<module>/events. The pinned avroctl is this binary's version (--avroctl-version
sets another). --avroctl-dir writes a go.work that uses a local avroctl checkout
instead, which a development build of avroctl (version devel) needs.

The new repository passes 'go run mage.go' and 'go run mage.go test' at once.`,
		Example: `  # A new repository for the shipping domain
  avroctl init shipping-contracts --module gitlab.com/acme/shipping-contracts

  # Against a local avroctl checkout
  avroctl init --module gitlab.com/acme/shipping --avroctl-dir ../avroctl`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return initRun(s, &o, dir)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Module, "module", "", "Go module path of the repository (asked when stdin is a terminal; else example.com/<folder name>)")
	f.StringVar(&o.Namespace, "namespace", "", "Avro namespace of the example (default: from the module path, gitlab.com/acme/shipping -> com.acme.shipping)")
	f.StringVar(&o.AvroctlVersion, "avroctl-version", "", "avroctl version to pin (default: this binary's)")
	f.StringVar(&o.AvroctlDir, "avroctl-dir", "", "a local avroctl checkout to list in a go.work")
	f.StringVar(&o.CIProject, "ci-project", scaffold.DefaultCIProject, "GitLab project of avroctl's CI template")
	cmd.MarkFlagDirname("avroctl-dir")
	return cmd
}

func initRun(s *streams, o *initOptions, dir string) error {
	opts := o.Options
	if opts.Module == "" && isTerminal(s.In) {
		def, err := opts.Defaults(dir)
		if err != nil {
			return usageError{err}
		}
		fmt.Fprintf(s.Err, "Go module path of the repository [%s]: ", def.Module)
		line, err := bufio.NewReader(s.In).ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		opts.Module = strings.TrimSpace(line)
	}
	if opts.AvroctlVersion == "" {
		if v := version(); release.IsReleaseVersion(v) {
			opts.AvroctlVersion = v
		}
	}
	if opts.AvroctlDir != "" {
		abs, err := filepath.Abs(opts.AvroctlDir)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(abs, "tools", "avroctl")); err != nil {
			return usageErrorf("--avroctl-dir %s: not an avroctl checkout (no tools/avroctl)", opts.AvroctlDir)
		}
		opts.AvroctlDir = abs
	}
	defaulted := o.Module == "" && opts.Module == ""
	opts, err := opts.Defaults(dir)
	if err != nil {
		return usageError{err}
	}
	files, err := scaffold.Render(opts)
	if err != nil {
		return err
	}
	if err := scaffold.Write(dir, files); err != nil {
		return usageError{err}
	}
	for _, f := range files {
		fmt.Fprintf(s.Out, "wrote %s\n", filepath.ToSlash(filepath.Join(dir, f.Path)))
	}
	if defaulted {
		fmt.Fprintf(s.Err, "module %s (the default: no --module and no terminal to ask on); change it in go.mod and avroctl.yaml\n", opts.Module)
	}
	if inGit := exec.Command("git", "-C", dir, "rev-parse", "--git-dir"); inGit.Run() != nil {
		if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err == nil {
			fmt.Fprintf(s.Out, "initialised a git repository in %s\n", dir)
		} else {
			fmt.Fprintf(s.Err, "note: git init: %v: %s\n", err, strings.TrimSpace(string(out)))
		}
	}
	next := "  cd " + dir + "\n"
	switch {
	case opts.AvroctlDir != "":
		next += "  go run mage.go        # uses the avroctl checkout that go.work lists\n"
	case opts.AvroctlVersion == scaffold.DevelVersion:
		fmt.Fprintf(s.Err, "note: this avroctl is a development build, so go.mod pins no real version: list an avroctl checkout in a go.work (go work init . /path/to/avroctl), or pass --avroctl-version vX.Y.Z\n")
		next += "  go work init . /path/to/avroctl\n  go run mage.go\n"
	default:
		next += "  go mod tidy           # fetches avroctl " + opts.AvroctlVersion + " and mage (GOPRIVATE=gitlab.com/acme if the module is private)\n  go run mage.go\n"
	}
	fmt.Fprintf(s.Out, "\nNext:\n%s  git add -A && git commit -m 'contracts: initial'\n", next)
	return nil
}

// isTerminal reports whether r is an interactive terminal: init asks only
// there, so that a closed, piped or /dev/null stdin (a character device
// too, as CI jobs and `< /dev/null` give) takes the documented defaults.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
