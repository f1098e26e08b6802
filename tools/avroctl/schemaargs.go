package main

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/diff"
	"gitlab.com/acme/avroctl/gen/idl"
	"gitlab.com/acme/avroctl/gen/schema"
)

// schemaArgHelp says what loadSchemaArg takes, for the commands' help.
const schemaArgHelp = `SCHEMA is one of:
  FILE.avsc or -            a schema file, or stdin
  FILE.avdl                 IDL: its "schema T;", else every named type it
                            defines or imports
  registry:SUBJECT@VERSION  a version (a number or "latest") of a subject in
                            the Schema Registry at --url (references written in)
and any of them may end in #NAME to pick the named type NAME (a full name, or
a short name that only one type has) defined in it, nested ones included.`

// schemaSource is one schema named on the command line, with the label its
// output carries.
type schemaSource struct {
	label  string
	schema schema.Schema
}

// loadSchemaArg reads the schemas that one argument names (schemaArgHelp).
// Every failure is an input error (exit 2) that names the argument.
func loadSchemaArg(ctx context.Context, s *streams, arg string, client func() (*sr.Client, error)) ([]schemaSource, error) {
	spec, pick := arg, ""
	// A path that exists is taken whole, even with a '#' in its name.
	if _, err := os.Stat(arg); err != nil {
		if i := strings.LastIndexByte(arg, '#'); i >= 0 {
			spec, pick = arg[:i], arg[i+1:]
			if pick == "" {
				return nil, usageErrorf("%s: write a type name after '#'", arg)
			}
		}
	}
	var srcs []schemaSource
	switch {
	case strings.HasPrefix(spec, "registry:"):
		sch, err := registrySchema(ctx, spec, client)
		if err != nil {
			return nil, err
		}
		srcs = []schemaSource{{spec, sch}}
	case strings.HasSuffix(spec, ".avdl"):
		f, err := idl.Compile(spec, idl.Options{})
		if err != nil {
			return nil, usageError{err}
		}
		switch {
		case f.MainSchema != nil && pick == "":
			srcs = []schemaSource{{spec, f.MainSchema}}
		case len(f.NamedSchemas) == 0 && pick == "":
			return nil, usageErrorf("%s: defines no named type and no \"schema T;\": nothing to print", spec)
		default:
			for _, n := range f.NamedSchemas {
				srcs = append(srcs, schemaSource{spec + "#" + n.Names().FullName(), n})
			}
		}
	default:
		sch, err := readSchemaArgFile(s, spec)
		if err != nil {
			return nil, err
		}
		srcs = []schemaSource{{spec, sch}}
	}
	if pick == "" {
		return srcs, nil
	}
	set := diff.Set{}
	for _, src := range srcs {
		set.Add(src.schema)
	}
	n, err := pickNamed(set, pick)
	if err != nil {
		return nil, usageErrorf("%s: %v", arg, err)
	}
	return []schemaSource{{spec + "#" + n.Names().FullName(), n}}, nil
}

// registrySchema parses the schema that spec, registry:SUBJECT@VERSION,
// names, with its references written in.
func registrySchema(ctx context.Context, spec string, client func() (*sr.Client, error)) (schema.Schema, error) {
	ref := strings.TrimPrefix(spec, "registry:")
	i := strings.LastIndexByte(ref, '@')
	if i <= 0 {
		return nil, usageErrorf("%s: write registry:SUBJECT@VERSION (VERSION a number or \"latest\")", spec)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	text, _, err := subjectSchema(ctx, "registry", ref[:i], ref[i+1:], client)
	if err != nil {
		return nil, err
	}
	sch, err := schema.Parse([]byte(text), schema.ParseOptions{Filename: spec})
	if err != nil {
		return nil, usageError{err}
	}
	return sch, nil
}

// pickNamed finds name among set's types: a full name, or a short name only
// one of them has.
func pickNamed(set diff.Set, name string) (schema.NamedSchema, error) {
	if n, ok := set[name]; ok {
		return n, nil
	}
	var short, all []string
	for full, n := range set {
		all = append(all, full)
		if n.Names().Name == name {
			short = append(short, full)
		}
	}
	sort.Strings(all)
	sort.Strings(short)
	switch len(short) {
	case 1:
		return set[short[0]], nil
	case 0:
		if len(all) > 12 {
			all = append(all[:12], "…")
		}
		return nil, errors.New("no type " + name + " in it; it defines " + strings.Join(all, ", "))
	}
	return nil, errors.New("more than one type is named " + name + ": write one of " + strings.Join(short, ", "))
}

// schemaArgs completes SCHEMA arguments: files of the given extensions
// (registry:SUBJECT@VERSION is typed by hand).
func schemaArgs() cobra.CompletionFunc { return fileArgs("avsc", "avdl") }
