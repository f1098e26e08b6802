// Package config reads avroctl.yaml, the project's one configuration file.
//
// The file is versioned (`version: 1`) and decoded strictly: an unknown key
// is an error that names the key and its line, so a typo never silently
// falls back to a default. Paths in the file are relative to the file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"gitlab.com/acme/avroctl/gen/breaking/rules"
	"gitlab.com/acme/avroctl/gen/lint"
)

// FileName is the configuration file's conventional name.
const FileName = "avroctl.yaml"

// ErrMissingVersion is returned for a file without `version:`.
var ErrMissingVersion = errors.New("missing `version: 1`")

// Config is the whole configuration, with defaults applied.
type Config struct {
	Version int `yaml:"version"`
	// IDL is the folder of .avdl sources (default "idl").
	IDL string `yaml:"idl"`
	// ImportDirs are extra folders searched for imports given by bare name.
	ImportDirs []string `yaml:"import_dirs"`
	// Schemas is the folder of compiled .avsc files (default "schemas").
	Schemas  string   `yaml:"schemas"`
	Go       Go       `yaml:"go"`
	Registry Registry `yaml:"registry"`
	Release  Release  `yaml:"release"`
	Lint     Lint     `yaml:"lint"`
	Kafka    Kafka    `yaml:"kafka"`
	Breaking Breaking `yaml:"breaking"`

	// Dir is the folder the file was read from; paths above are relative to it.
	Dir string `yaml:"-"`
	// File is the file's path ("" for the defaults).
	File string `yaml:"-"`
}

// Go configures code generation.
type Go struct {
	// Out is the generated module's folder (default "events").
	Out string `yaml:"out"`
	// Module is the generated module's path.
	Module string `yaml:"module"`
	// Packages maps an Avro namespace to a package folder under Out. A
	// namespace that is not listed maps to its last segment.
	Packages map[string]string `yaml:"packages"`
}

// Registry configures subjects and the registry to talk to.
type Registry struct {
	// URL of a Confluent-API registry; empty means the embedded one.
	// REGISTRY_URL in the environment overrides it.
	URL string `yaml:"url"`
	// Strategy is the subject name strategy: topic, record or topic-record.
	Strategy string `yaml:"strategy"`
	// Compatibility is the level set on subjects before registering
	// (empty leaves the registry's setting alone).
	Compatibility string `yaml:"compatibility"`
	// Topics maps a record's full name to the topic it is published on; the
	// topic and topic-record strategies need it. Only listed types become
	// subjects of their own; the others are registered as references.
	Topics map[string]string `yaml:"topics"`
}

// Release configures `avroctl release`.
type Release struct {
	// TagPrefix is the prefix of the events module's tags (default "events/").
	TagPrefix string `yaml:"tag_prefix"`
	// Changelog is the changelog file (default "<go.out>/CHANGELOG.md").
	Changelog string `yaml:"changelog"`
}

// Kafka configures `avroctl kafka plan|apply|import`.
type Kafka struct {
	// State is the desired state file of topics, ACLs and subjects
	// (default "kafka-state.yaml"); see gen/kafkastate for its format.
	State string `yaml:"state"`
}

// Lint configures `avroctl lint`, with buf's keys. Rule IDs and category
// names are those `avroctl lint --list-rules` prints.
type Lint struct {
	// Use lists the rules and categories to run (default DEFAULT).
	Use []string `yaml:"use"`
	// Except removes rules or categories from Use.
	Except []string `yaml:"except"`
	// Ignore lists files or folders (relative to this file) no rule checks.
	Ignore []string `yaml:"ignore"`
	// IgnoreOnly maps a rule or category to files or folders it skips.
	IgnoreOnly map[string][]string `yaml:"ignore_only"`
}

// Breaking configures `avroctl breaking` with buf's keys. Rule IDs and
// category names (WIRE, WIRE_JSON, GO_API, REGISTRY) are those
// `avroctl breaking --list-rules` prints.
type Breaking struct {
	// Use lists the categories or rules to check (default WIRE).
	Use []string `yaml:"use"`
	// Except removes rules or categories from Use.
	Except []string `yaml:"except"`
	// Ignore silences findings, each with a reason (and an end date).
	Ignore []BreakingIgnore `yaml:"ignore"`
	// IgnoreUnstableNamespaces are glob patterns ("*.v1alpha*"): findings
	// of subjects in a matching namespace are skipped.
	IgnoreUnstableNamespaces []string `yaml:"ignore_unstable_namespaces"`
	// Resolver is "error" (default: RESOLVER_REJECTS fails the check) or
	// "warn" (it is reported only). `compat check` honours it too.
	Resolver string `yaml:"resolver"`
}

// BreakingIgnore is one audited ignore: a rule (or category) in a scope
// (path, type, field; all optional), why, and until when.
type BreakingIgnore struct {
	Rule string `yaml:"rule"`
	// Path is a file or folder relative to this file.
	Path string `yaml:"path"`
	// Type is a full name (a subject, or a type a finding is about).
	Type string `yaml:"type"`
	// Field is a field name (of Type, when set).
	Field  string `yaml:"field"`
	Reason string `yaml:"reason"`
	// Until is the last day it applies, YYYY-MM-DD; after it the ignore is
	// an IGNORE_EXPIRED finding.
	Until string `yaml:"until"`

	// Line and Col locate the entry in the file.
	Line int `yaml:"-"`
	Col  int `yaml:"-"`
}

// Error is a configuration error located in the file.
type Error struct {
	File      string
	Line, Col int
	Key       string
	Msg       string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// Default returns the configuration used when there is no file.
func Default(dir string) *Config {
	c := &Config{Version: 1, Dir: dir}
	c.applyDefaults()
	return c
}

// DefaultStrategy is the subject name strategy when the file names none:
// RecordNameStrategy, the one that needs no topic mapping (the CLI's
// --strategy default is the same, so a flag and a file never disagree).
const DefaultStrategy = "record"

// Load reads the file at path. A missing file gives the defaults for the
// file's folder, so a project works before it has a config file; but a
// file the user named (mustExist) must exist: a typo in --config would
// otherwise silently run on defaults.
func Load(path string, mustExist bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if mustExist {
			return nil, fmt.Errorf("%s: no such file (only the default %s may be absent): check the --config path, or run avroctl init to create one", path, FileName)
		}
		return Default(filepath.Dir(path)), nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and validates the file's content.
func Parse(filename string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(filename, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: filename, Msg: ErrMissingVersion.Error()}
	}
	doc := root.Content[0]
	if v := mappingValue(doc, "version"); v == nil {
		return nil, &Error{File: filename, Line: doc.Line, Col: doc.Column, Msg: ErrMissingVersion.Error()}
	} else if v.Value != "1" {
		return nil, &Error{File: filename, Line: v.Line, Col: v.Column, Key: "version",
			Msg: fmt.Sprintf("unknown version %q; this avroctl reads version 1", v.Value)}
	}
	if errs := unknownKeys(filename, doc, reflect.TypeOf(Config{}), ""); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, yamlError(filename, err)
	}
	c.Dir = filepath.Dir(filename)
	c.File = filename
	for i := range c.Breaking.Ignore {
		if n := nodeAt(doc, []string{"breaking", "ignore", strconv.Itoa(i)}); n != nil {
			c.Breaking.Ignore[i].Line, c.Breaking.Ignore[i].Col = n.Line, n.Column
		}
	}
	c.applyDefaults()
	if err := c.validate(filename, doc); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) applyDefaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.IDL, "idl")
	def(&c.Schemas, "schemas")
	def(&c.Go.Out, "events")
	def(&c.Registry.Strategy, DefaultStrategy)
	def(&c.Release.TagPrefix, "events/")
	def(&c.Kafka.State, "kafka-state.yaml")
	def(&c.Release.Changelog, filepath.Join(c.Go.Out, "CHANGELOG.md"))
}

var (
	modulePathRx = regexp.MustCompile(`^[a-z0-9.-]+(/[A-Za-z0-9._~-]+)+$`)
	packageDirRx = regexp.MustCompile(`^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$`)
	avroNameRx   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
)

// validate checks values the YAML decoder cannot, pointing at the key.
func (c *Config) validate(filename string, doc *yaml.Node) error {
	var errs []error
	at := func(path []string, format string, args ...any) {
		n := nodeAt(doc, path)
		e := &Error{File: filename, Key: strings.Join(path, "."), Msg: fmt.Sprintf(format, args...)}
		if n != nil {
			e.Line, e.Col = n.Line, n.Column
		}
		errs = append(errs, e)
	}
	if c.Go.Module != "" && !modulePathRx.MatchString(c.Go.Module) {
		at([]string{"go", "module"}, "%q is not a Go module path (for example gitlab.com/acme/shop/events)", c.Go.Module)
	}
	for _, ns := range sortedKeys(c.Go.Packages) {
		if !avroNameRx.MatchString(ns) {
			at([]string{"go", "packages", ns}, "%q is not an Avro namespace", ns)
		}
		if dir := c.Go.Packages[ns]; !packageDirRx.MatchString(dir) {
			at([]string{"go", "packages", ns}, "%q is not a package folder (lower case, for example orders)", dir)
		}
	}
	switch c.Registry.Strategy {
	case "topic", "record", "topic-record":
	default:
		at([]string{"registry", "strategy"}, "%q is not a subject name strategy; use topic, record or topic-record", c.Registry.Strategy)
	}
	switch c.Registry.Compatibility {
	case "", "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE":
	default:
		at([]string{"registry", "compatibility"}, "%q is not a compatibility level; use NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE", c.Registry.Compatibility)
	}
	for _, name := range sortedKeys(c.Registry.Topics) {
		if !avroNameRx.MatchString(name) || !strings.Contains(name, ".") {
			at([]string{"registry", "topics", name}, "%q is not a full Avro name (namespace.Name)", name)
		}
	}
	known := map[string]bool{}
	for _, id := range lint.IDs() {
		known[id] = true
	}
	for i, id := range c.Lint.Use {
		if !known[id] {
			at([]string{"lint", "use", fmt.Sprint(i)}, "unknown lint rule or category %q (see avroctl lint --list-rules)", id)
		}
	}
	for i, id := range c.Lint.Except {
		if !known[id] {
			at([]string{"lint", "except", fmt.Sprint(i)}, "unknown lint rule or category %q (see avroctl lint --list-rules)", id)
		}
	}
	for _, id := range sortedKeys(c.Lint.IgnoreOnly) {
		if !known[id] {
			at([]string{"lint", "ignore_only", id}, "unknown lint rule or category %q (see avroctl lint --list-rules)", id)
		}
	}
	c.validateBreaking(at)
	// Only a strategy the user wrote can need topics: the default needs none.
	if c.Registry.Strategy != "record" && len(c.Registry.Topics) == 0 {
		at([]string{"registry", "strategy"}, "the %s strategy needs registry.topics (record full name -> topic); add them, or use strategy: record", c.Registry.Strategy)
	}
	return errors.Join(errs...)
}

// validateBreaking checks the breaking section's names, patterns and
// ignores: an ignore without a reason is an error, as in the IDL markers.
func (c *Config) validateBreaking(at func(path []string, format string, args ...any)) {
	known := map[string]bool{}
	for _, id := range rules.IDs() {
		known[id] = true
	}
	b := c.Breaking
	for i, id := range b.Use {
		if !known[id] {
			at([]string{"breaking", "use", fmt.Sprint(i)}, "unknown breaking rule or category %q (see avroctl breaking --list-rules)", id)
		}
	}
	for i, id := range b.Except {
		if !known[id] {
			at([]string{"breaking", "except", fmt.Sprint(i)}, "unknown breaking rule or category %q (see avroctl breaking --list-rules)", id)
		}
	}
	for i, p := range b.IgnoreUnstableNamespaces {
		if _, err := path.Match(p, ""); err != nil {
			at([]string{"breaking", "ignore_unstable_namespaces", fmt.Sprint(i)}, "%q is not a glob pattern (for example \"*.v1alpha*\"): %v", p, err)
		}
	}
	if _, err := rules.ResolverLevel(b.Resolver); err != nil {
		at([]string{"breaking", "resolver"}, "%q: want warn (RESOLVER_REJECTS is reported only) or error (it fails the check)", b.Resolver)
	}
	for i, ig := range b.Ignore {
		entry := []string{"breaking", "ignore", fmt.Sprint(i)}
		switch {
		case ig.Rule == "":
			at(entry, "an ignore needs rule: a rule ID or category (see avroctl breaking --list-rules)")
		case !known[ig.Rule]:
			at(append(entry, "rule"), "unknown breaking rule or category %q (see avroctl breaking --list-rules)", ig.Rule)
		}
		if strings.TrimSpace(ig.Reason) == "" {
			at(entry, "an ignore needs reason: say why the change is accepted (it is printed with every report)")
		}
		if ig.Until != "" {
			if _, err := time.Parse(rules.DateLayout, ig.Until); err != nil {
				at(append(entry, "until"), "%q is not a date: write YYYY-MM-DD", ig.Until)
			}
		}
		if ig.Type != "" && !avroNameRx.MatchString(ig.Type) {
			at(append(entry, "type"), "%q is not a full Avro name (namespace.Name)", ig.Type)
		}
	}
}

// PackageFor returns the package folder for an Avro namespace.
func (c *Config) PackageFor(namespace string) string {
	if dir, ok := c.Go.Packages[namespace]; ok {
		return dir
	}
	if i := strings.LastIndexByte(namespace, '.'); i >= 0 {
		return namespace[i+1:]
	}
	return namespace
}

// Path resolves a path from the file against the file's folder.
func (c *Config) Path(p string) string {
	if filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// LintConfig returns the lint section with its paths resolved against the
// file's folder.
func (c *Config) LintConfig() lint.Config {
	paths := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = c.Path(p)
		}
		return out
	}
	lc := lint.Config{Use: c.Lint.Use, Except: c.Lint.Except, Ignore: paths(c.Lint.Ignore)}
	if len(c.Lint.IgnoreOnly) > 0 {
		lc.IgnoreOnly = map[string][]string{}
		for k, ps := range c.Lint.IgnoreOnly {
			lc.IgnoreOnly[k] = paths(ps)
		}
	}
	return lc
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mappingValue returns the value node of key in a mapping node.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// nodeAt follows a key path; for the last key it returns the key's value.
func nodeAt(n *yaml.Node, path []string) *yaml.Node {
	for _, k := range path {
		var next *yaml.Node
		if i, err := strconv.Atoi(k); err == nil && n.Kind == yaml.SequenceNode {
			if i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		} else {
			next = mappingValue(n, k)
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// yamlLineRx pulls "line N" out of go-yaml's messages.
var yamlLineRx = regexp.MustCompile(`line (\d+): `)

// yamlError turns a go-yaml error into located errors, one per problem.
func yamlError(filename string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs []error
		for _, msg := range te.Errors {
			errs = append(errs, locate(filename, msg))
		}
		return errors.Join(errs...)
	}
	return locate(filename, strings.TrimPrefix(err.Error(), "yaml: "))
}

func locate(filename, msg string) error {
	e := &Error{File: filename, Msg: msg}
	if m := yamlLineRx.FindStringSubmatchIndex(msg); m != nil {
		fmt.Sscanf(msg[m[2]:m[3]], "%d", &e.Line)
		e.Col = 1
		e.Msg = msg[:m[0]] + msg[m[1]:]
		e.Msg = strings.TrimPrefix(e.Msg, "unmarshal errors:\n  ")
	}
	return e
}

// unknownKeys reports every key of a mapping node that the struct type t
// does not have, at the key's own line and column, naming its parent and
// the valid keys (go-yaml's KnownFields says "field modul not found in type
// config.Go" at column 1). It descends into struct-typed fields.
func unknownKeys(filename string, n *yaml.Node, t reflect.Type, parent string) []error {
	if n == nil || n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct {
		return nil
	}
	fields := map[string]reflect.Type{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = t.Field(i).Type
		names = append(names, tag)
	}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			where := "at the top level"
			if parent != "" {
				where = "in " + parent
			}
			errs = append(errs, &Error{File: filename, Line: k.Line, Col: k.Column,
				Msg: fmt.Sprintf("unknown key %q %s; valid keys: %s", k.Value, where, strings.Join(names, ", "))})
			continue
		}
		path := k.Value
		if parent != "" {
			path = parent + "." + k.Value
		}
		if ft.Kind() == reflect.Slice && v.Kind == yaml.SequenceNode {
			for j, item := range v.Content {
				errs = append(errs, unknownKeys(filename, item, ft.Elem(), fmt.Sprintf("%s[%d]", path, j))...)
			}
			continue
		}
		errs = append(errs, unknownKeys(filename, v, ft, path)...)
	}
	return errs
}
