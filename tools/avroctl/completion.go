package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/compat/report"
	"gitlab.com/acme/avroctl/gen/registry"
)

// Completion is wired by flag name over the whole command tree, so that a
// flag means the same values everywhere it appears and a new command gets
// completion by reusing a name. A command's own completion is kept.

// flagValues are the fixed values of flags, by name.
var flagValues = map[string]func() []string{
	"level":        compat.AllLevelStrings,
	"strategy":     func() []string { return []string{"record", "topic", "topic-record"} },
	"output":       func() []string { return []string{"text", "json"} },
	"error-format": report.AllFormatStrings,
}

// flagFiles are flags that take a file (with these extensions) or a folder.
var flagFiles = map[string][]string{
	"reader": {"avsc", "avdl"}, "writer": {"avsc", "avdl"}, "previous": {"avsc", "avdl"},
	"config":  {"yaml", "yml"},
	"schemas": nil, "idl": nil, "out": nil, "import-dir": nil, "data": nil, "dir": nil, "avroctl-dir": nil,
}

// argCompletions complete positional arguments, by command path; commands
// that take none complete nothing rather than file names.
var argCompletions = map[string]cobra.CompletionFunc{
	"avroctl idl":                 fileArgs("avdl"),
	"avroctl idl2schemata":        fileArgs("avdl"),
	"avroctl compat check":        fileArgs("avsc", "avdl"),
	"avroctl diff":                fileArgs("avsc", "avdl"),
	"avroctl init":                dirArgs,
	"avroctl registry versions":   subjectArgs(1),
	"avroctl registry delete":     subjectArgs(1),
	"avroctl registry download":   subjectArgs(1),
	"avroctl registry config get": subjectArgs(1),
	"avroctl registry config set": subjectThenLevel,
}

// serverCommands run a registry rather than talk to one: the client
// connection flags their parent defines do not apply, so help omits them.
var serverCommands = map[string]bool{"avroctl registry serve": true, "avroctl registry compact": true}

// addCompletions wires completion into every command under root.
func addCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalNonPersistentFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) { completeFlag(c, f) })
		}
		if c.ValidArgsFunction == nil {
			if fn, ok := argCompletions[c.CommandPath()]; ok {
				c.ValidArgsFunction = fn
			} else if c.Runnable() && !c.HasSubCommands() {
				c.ValidArgsFunction = noArgs
			}
		}
		if serverCommands[c.CommandPath()] {
			hideInheritedFlags(c)
			refuseInheritedFlags(c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func completeFlag(c *cobra.Command, f *pflag.Flag) {
	if _, has := c.GetFlagCompletionFunc(f.Name); has {
		return
	}
	if values, ok := flagValues[f.Name]; ok {
		c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(values(), cobra.ShellCompDirectiveNoFileComp))
		return
	}
	if exts, ok := flagFiles[f.Name]; ok {
		if exts == nil {
			c.RegisterFlagCompletionFunc(f.Name, dirArgs)
		} else {
			c.RegisterFlagCompletionFunc(f.Name, fileArgs(exts...))
		}
	}
}

func fileArgs(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

func dirArgs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

func noArgs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// subjectArgs completes the first n arguments with the registry's subjects,
// asked with the command's connection flags (and the REGISTRY_* variables),
// within two seconds: a registry that does not answer completes nothing.
func subjectArgs(n int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) >= n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		o := registry.ClientOptionsFromEnv(nil)
		for name, dst := range map[string]*string{regFlagURL: &o.URL, regFlagUsername: &o.Username, regFlagCert: &o.CertFile, regFlagKey: &o.KeyFile, regFlagCA: &o.CAFile} {
			if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
				*dst = f.Value.String()
			}
		}
		if o.Token == "" {
			o.Token = os.Getenv(registry.EnvToken)
		}
		return registrySubjects(o, nil, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// registrySubjects lists the registry's subjects that start with prefix,
// leaving out those in skip, within two seconds: a registry that does not
// answer completes nothing. Completion runs outside Execute's context.
func registrySubjects(o registry.ClientOptions, skip map[string]bool, prefix string) []string {
	o.Timeout = 2 * time.Second
	cl, err := registry.NewClient(o)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	subjects, err := registry.Subjects(ctx, cl, false)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range subjects {
		if !skip[s] && strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// subjectThenLevel completes `config set [SUBJECT] LEVEL`: a level always
// fits, a subject only first.
func subjectThenLevel(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, l := range compat.AllLevelStrings() {
		if strings.HasPrefix(l, toComplete) {
			out = append(out, l)
		}
	}
	if len(args) == 0 {
		subjects, _ := subjectArgs(1)(cmd, args, toComplete)
		out = append(out, subjects...)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// refuseInheritedFlags makes a client connection flag given to a server
// command a usage error, instead of silently ignored.
func refuseInheritedFlags(c *cobra.Command) {
	next := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		var used []string
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
			if f.Changed && f.Name != "config" {
				used = append(used, "--"+f.Name)
			}
		})
		if len(used) > 0 {
			return usageErrorf("%s: %s: a client's connection flags; %s runs a registry and does not take them (see %s --help)",
				strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" "), strings.Join(used, ", "), cmd.Name(), cmd.CommandPath())
		}
		if next != nil {
			return next(cmd, args)
		}
		return nil
	}
}

// hideInheritedFlags leaves out of c's help the flags its parents define,
// except --config, for the time help is printed.
func hideInheritedFlags(c *cobra.Command) {
	help := c.HelpFunc()
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		var hidden []*pflag.Flag
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "config" && !f.Hidden {
				f.Hidden = true
				hidden = append(hidden, f)
			}
		})
		defer func() {
			for _, f := range hidden {
				f.Hidden = false
			}
		}()
		help(cmd, args)
	})
}
