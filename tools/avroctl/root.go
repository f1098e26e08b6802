package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"gitlab.com/acme/avroctl/gen/config"
)

// Exit codes, as documented in the README.
const (
	exitOK       = 0 // success
	exitFindings = 1 // the tool worked and found problems (incompatible, lint)
	exitUsage    = 2 // bad usage or bad input
)

// errFindings is returned by a command that ran fine but has findings to
// report (already printed). It maps to exit code 1.
var errFindings = errors.New("findings reported")

// usageError marks errors caused by the user's input or flags (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf returns an error that exits with code 2.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// streams are the IO a command may use; tests substitute buffers.
type streams struct {
	In  io.Reader
	Out io.Writer // results (findings, JSON)
	Err io.Writer // diagnostics and progress
}

// commandFactories is filled by init functions in the cmd_*.go files, so
// each command group lives in its own file and root.go needs no edits.
var commandFactories []func(*streams) *cobra.Command

func register(f func(*streams) *cobra.Command) { commandFactories = append(commandFactories, f) }

// newRootCmd builds the command tree.
func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "avroctl",
		Short: "Avro contracts from IDL to production: compile, generate, check, register, release",
		Long: `avroctl compiles Avro IDL to schemas, generates typed Go event types,
checks compatibility offline and against a Schema Registry, registers
schemas and versions the generated events module. No JVM required.

Exit codes: 0 ok, 1 findings (incompatible, lint), 2 usage or input error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.PersistentFlags().StringVar(&configPath, "config", config.FileName, "the project's configuration file")
	for _, f := range commandFactories {
		root.AddCommand(f(s))
	}
	addCompletions(root)
	return root
}

// Main runs avroctl with args and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{In: stdin, Out: stdout, Err: stderr}
	root := newRootCmd(s)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	code := exitCode(err, s.Err)
	if code == exitUsage && wantsJSON(cmd) {
		writeJSONError(s.Out, err, code)
	}
	return code
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errFindings) {
		return exitFindings
	}
	fmt.Fprintln(stderr, "avroctl:", err)
	return exitUsage
}

// version is avroctl's module version from the build info: vX.Y.Z when
// installed with `go install .../tools/avroctl@vX.Y.Z`, a pseudo-version
// (with +dirty for uncommitted changes) when built in a clone.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionFrom(nil)
	}
	return versionFrom(bi)
}

func versionFrom(bi *debug.BuildInfo) string {
	if bi == nil {
		return "devel (no build info)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified == "true" {
			rev += "+dirty"
		}
		return "devel " + rev
	}
	return "devel (built without version control information: go build -buildvcs=true in a clone, or go install gitlab.com/acme/avroctl/tools/avroctl@vX.Y.Z)"
}

// cobraArgs wraps a cobra positional-args validator so that its failure is a
// usage error (exit 2).
func cobraArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			// "avroctl: idl: accepts ...", as exitCode prefixes every error.
			name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return usageError{fmt.Errorf("%s: %w\nRun '%s --help' for usage.", name, err, cmd.CommandPath())}
		}
		return nil
	}
}

// configPath is the --config flag shared by every command.
var configPath = config.FileName

// loadConfig reads avroctl.yaml (defaults when it does not exist; a file
// named with --config must exist); a bad file is a usage error.
func loadConfig() (*config.Config, error) {
	c, err := config.Load(configPath, configPath != config.FileName)
	if err != nil {
		return nil, usageError{err}
	}
	return c, nil
}
