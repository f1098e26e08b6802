package examples_test

import (
	"bytes"
	"context"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	twmb "github.com/twmb/avro"

	"gitlab.com/acme/avroctl/events/v2/loyalty"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/gen/config"
	"gitlab.com/acme/avroctl/gen/golang/runtime/serde"
)

// datumsPerPair is how many random values each (type, version) pair
// carries in each direction. With 64, every symbol of a five-symbol enum
// is drawn with near certainty, so an enum symbol an old version lacks is
// always among them.
const datumsPerPair = 64

// TestHistoryCompatibility replays the git history of every event schema
// against the generated types of today, through the embedded registry and
// an independent Avro implementation (twmb/avro) on the other side:
//
//   - new consumer reads old events: each historical version V is
//     registered, twmb/avro writes random data with V, and the codec of
//     today's type decodes it (defaults for the fields V lacks);
//   - old consumer reads new events: the codec encodes today's values, and
//     twmb/avro reads them with reader schema V (the writer schema comes
//     from the registry, by the frame's id), an enum symbol V lacks reading
//     as V's enum default.
//
// The expected values come from project, which applies the specification's
// resolution rules to the random datum, not from either implementation.
func TestHistoryCompatibility(t *testing.T) {
	env := loadHistoryEnv(t)
	var total historyCounts
	for _, run := range []func(*testing.T, *historyEnv) historyCounts{
		checkHistory[payments.PaymentValidated],
		checkHistory[orders.OrderCreated],
		checkHistory[orders.OrderUpdated],
		checkHistory[orders.OrderCancelled],
		checkHistory[loyalty.LoyaltyPointsAdded],
	} {
		total.add(run(t, env))
	}
	t.Logf("new consumer reads old events: %d (type, version) pairs, %d values, %d fields filled from defaults",
		total.newReadsOld, total.newReadsOld*datumsPerPair, total.old.defaultedFields)
	t.Logf("old consumer reads new events: %d (type, version) pairs, %d values, %d fields filled from defaults, %d enum symbols read as the old default",
		total.oldReadsNew, total.oldReadsNew*datumsPerPair, total.new.defaultedFields, total.new.unknownSymbols)
}

// historyEnv is what every type's check shares: the repository, the
// configured subjects and the folder of .avsc files.
type historyEnv struct {
	cfg        *config.Config
	schemasDir string
	strategy   serde.SubjectNameStrategy
}

type historyCounts struct {
	newReadsOld, oldReadsNew int
	old, new                 resolution
}

func (c *historyCounts) add(o historyCounts) {
	c.newReadsOld += o.newReadsOld
	c.oldReadsNew += o.oldReadsNew
	c.old.defaultedFields += o.old.defaultedFields
	c.old.unknownSymbols += o.old.unknownSymbols
	c.new.defaultedFields += o.new.defaultedFields
	c.new.unknownSymbols += o.new.unknownSymbols
}

func loadHistoryEnv(t *testing.T) *historyEnv {
	t.Helper()
	cfgPath := filepath.Join("..", config.FileName)
	if _, err := os.Stat(cfgPath); err != nil {
		t.Skipf("no %s next to the examples module (%v): the history test runs inside the avroctl repository", config.FileName, err)
	}
	cfg, err := config.Load(cfgPath, true)
	if err != nil {
		t.Fatal(err)
	}
	strategy, err := serde.ParseSubjectNameStrategy(cfg.Registry.Strategy)
	if err != nil {
		t.Fatalf("%s: registry.strategy: %v", cfgPath, err)
	}
	dir := filepath.Join(cfg.Dir, cfg.Schemas)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the history test reads schema versions from git history")
	}
	if out, err := exec.Command("git", "-C", dir, "rev-parse", "--is-inside-work-tree").Output(); err != nil || strings.TrimSpace(string(out)) != "true" {
		t.Skipf("%s is not in a git checkout: the history test reads schema versions from git history", dir)
	}
	if out, err := exec.Command("git", "-C", dir, "rev-parse", "--is-shallow-repository").Output(); err == nil && strings.TrimSpace(string(out)) == "true" {
		t.Logf("shallow clone: only the schema versions it holds are checked (git fetch --unshallow for all of them)")
	}
	return &historyEnv{cfg: cfg, schemasDir: dir, strategy: strategy}
}

// schemaVersion is one distinct content of a schema file.
type schemaVersion struct {
	label string // short commit id, or "worktree" for uncommitted content
	data  []byte
}

// history returns the distinct contents of the .avsc file of fullName,
// oldest first, from every commit that touched it (no tags needed: a CI
// clone may have none) and then the working tree.
func (e *historyEnv) history(t *testing.T, fullName string) []schemaVersion {
	t.Helper()
	file := fullName + ".avsc"
	out, err := exec.Command("git", "-C", e.schemasDir, "log", "--format=%H", "--", file).Output()
	if err != nil {
		t.Fatalf("git log %s: %v", file, err)
	}
	commits := strings.Fields(string(out))
	if len(commits) == 0 {
		t.Skipf("%s has no git history (shallow or fresh checkout?)", filepath.Join(e.schemasDir, file))
	}
	var versions []schemaVersion
	seen := func(data []byte) bool {
		for _, v := range versions {
			if bytes.Equal(v.data, data) {
				return true
			}
		}
		return false
	}
	for i := len(commits) - 1; i >= 0; i-- {
		// "<rev>:./<file>" is relative to -C's folder. A commit that
		// deleted the file has no content there: skip it.
		data, err := exec.Command("git", "-C", e.schemasDir, "show", commits[i]+":./"+file).Output()
		if err != nil || seen(data) {
			continue
		}
		versions = append(versions, schemaVersion{label: commits[i][:7], data: data})
	}
	if data, err := os.ReadFile(filepath.Join(e.schemasDir, file)); err == nil && !seen(data) {
		versions = append(versions, schemaVersion{label: "worktree", data: data})
	}
	return versions
}

// parsedVersion is a schema version parsed by both sides.
type parsedVersion struct {
	schemaVersion
	node *avroNode
	twmb *twmb.Schema
	id   int // registry id
}

// checkHistory runs both directions for the generated type T over every
// version of its schema. Each (type, version, direction) draws from its own
// seeded generator, so a failure reproduces alone.
func checkHistory[T any, P serde.Record[T]](t *testing.T, env *historyEnv) (counts historyCounts) {
	todayJSON := P(new(T)).AvroSchema()
	today, err := parseAvroNode([]byte(todayJSON))
	if err != nil {
		t.Fatalf("today's schema: %v", err)
	}
	todayTwmb, err := twmb.Parse(todayJSON)
	if err != nil {
		t.Fatalf("twmb/avro rejects today's schema of %s: %v", today.fullName, err)
	}
	t.Run(today.fullName[strings.LastIndex(today.fullName, ".")+1:], func(t *testing.T) {
		ctx := context.Background()
		topic := env.cfg.Registry.Topics[today.fullName]
		if topic == "" && env.strategy != serde.RecordName {
			t.Fatalf("%s: registry.topics has no topic for %s", config.FileName, today.fullName)
		}
		reg, _ := startRegistry(t)
		sd := serde.New(reg)
		consumer, err := serde.NewCodec[T, P](sd, serde.CodecOptions{Topic: topic, Strategy: env.strategy})
		if err != nil {
			t.Fatal(err)
		}
		producer, err := serde.NewCodec[T, P](sd, serde.CodecOptions{Topic: topic, Strategy: env.strategy, AutoRegister: true})
		if err != nil {
			t.Fatal(err)
		}

		// Register the versions in the order they were released, as the
		// registry saw them.
		var versions []parsedVersion
		for _, v := range env.history(t, today.fullName) {
			p := parsedVersion{schemaVersion: v}
			if p.node, err = parseAvroNode(v.data); err != nil {
				t.Fatalf("%s at %s: %v", today.fullName, v.label, err)
			}
			if p.twmb, err = twmb.Parse(string(v.data)); err != nil {
				t.Fatalf("twmb/avro rejects %s at %s: %v", today.fullName, v.label, err)
			}
			if p.id, err = reg.RegisterSchema(ctx, consumer.Subject(), serde.Schema{Schema: string(v.data)}); err != nil {
				t.Fatalf("register %s at %s under %s: %v", today.fullName, v.label, consumer.Subject(), err)
			}
			versions = append(versions, p)
		}

		for _, v := range versions {
			t.Run("new-reads-"+v.label, func(t *testing.T) {
				r := seeded(today.fullName, v.label, "new-reads-old")
				for i := range datumsPerPair {
					datum, err := randomDatum(v.node, r)
					if err != nil {
						t.Fatal(err)
					}
					body, err := v.twmb.Encode(datum)
					if err != nil {
						t.Fatalf("value %d: twmb/avro encode: %v", i, err)
					}
					var got T
					if err := consumer.Decode(ctx, append(serde.AppendHeader(nil, v.id), body...), &got); err != nil {
						t.Fatalf("value %d: today's %s cannot read version %s: %v", i, today.fullName, v.label, err)
					}
					written, err := normGeneric(v.node, datum)
					if err != nil {
						t.Fatal(err)
					}
					want, err := project(v.node, today, written, &counts.old)
					if err != nil {
						t.Fatal(err)
					}
					gotNorm, err := normGo(today, reflect.ValueOf(got))
					if err != nil {
						t.Fatal(err)
					}
					if d := diffNorm(today.fullName, gotNorm, want); d != "" {
						t.Fatalf("value %d written with version %s: %s", i, v.label, d)
					}
				}
				counts.newReadsOld++
			})
		}

		for _, v := range versions {
			t.Run("old-reads-"+v.label, func(t *testing.T) {
				r := seeded(today.fullName, v.label, "old-reads-new")
				lacksSymbols := enumsLackSymbols(today, v.node, map[*avroNode]bool{})
				var res resolution
				readers := map[int]*resolvedReader{}
				for i := range datumsPerPair {
					frame, datum := encodeToday[T, P](t, ctx, producer, today, todayTwmb, r)
					id, body, err := serde.ParseHeader(frame)
					if err != nil {
						t.Fatal(err)
					}
					rd := readers[id]
					if rd == nil {
						rd = oldReader(t, ctx, sd, id, v)
						readers[id] = rd
					}
					var out any
					rest, err := rd.resolved.Decode(body, &out)
					if err != nil {
						t.Fatalf("value %d: version %s cannot read today's encoding: %v", i, v.label, err)
					}
					if len(rest) != 0 {
						t.Fatalf("value %d: %d bytes left after the record", i, len(rest))
					}
					gotNorm, err := normGeneric(v.node, out)
					if err != nil {
						t.Fatal(err)
					}
					want, err := project(rd.writer, v.node, datum, &res)
					if err != nil {
						t.Fatal(err)
					}
					if d := diffNorm(today.fullName, gotNorm, want); d != "" {
						t.Fatalf("value %d read with version %s: %s", i, v.label, d)
					}
				}
				if lacksSymbols && res.unknownSymbols == 0 {
					t.Errorf("version %s lacks enum symbols of today's schema, but none of %d values carried one", v.label, datumsPerPair)
				}
				counts.new.defaultedFields += res.defaultedFields
				counts.new.unknownSymbols += res.unknownSymbols
				counts.oldReadsNew++
			})
		}
	})
	return counts
}

// resolvedReader is how an old consumer reads one writer schema id.
type resolvedReader struct {
	writer   *avroNode
	resolved *twmb.Schema
}

// oldReader does what an old consumer does on a new schema id: fetch the
// writer schema from the registry and resolve it against its own, v.
func oldReader(t *testing.T, ctx context.Context, sd *serde.Serde, id int, v parsedVersion) *resolvedReader {
	t.Helper()
	writerJSON, err := sd.WriterSchema(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	writer, err := parseAvroNode([]byte(writerJSON))
	if err != nil {
		t.Fatal(err)
	}
	writerTwmb, err := twmb.Parse(writerJSON)
	if err != nil {
		t.Fatalf("twmb/avro rejects the registered writer schema %d: %v", id, err)
	}
	resolved, err := twmb.Resolve(writerTwmb, v.twmb)
	if err != nil {
		t.Fatalf("twmb/avro cannot resolve writer schema %d against version %s: %v", id, v.label, err)
	}
	return &resolvedReader{writer: writer, resolved: resolved}
}

// encodeToday builds a random value of today's generated type, checks that
// it holds the random datum, and frames it with the codec. The Go value is
// obtained by decoding twmb/avro's encoding of the datum with the generated
// code: that also checks that the two agree on today's schema.
func encodeToday[T any, P serde.Record[T]](t *testing.T, ctx context.Context, c *serde.Codec[T, P], today *avroNode, todayTwmb *twmb.Schema, r *rand.Rand) ([]byte, any) {
	t.Helper()
	datum, err := randomDatum(today, r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := todayTwmb.Encode(datum)
	if err != nil {
		t.Fatalf("twmb/avro encode: %v", err)
	}
	var v T
	if err := P(&v).UnmarshalAvro(b); err != nil {
		t.Fatalf("today's %s cannot read twmb/avro's encoding of its own schema: %v", today.fullName, err)
	}
	want, err := normGeneric(today, datum)
	if err != nil {
		t.Fatal(err)
	}
	got, err := normGo(today, reflect.ValueOf(v))
	if err != nil {
		t.Fatal(err)
	}
	if d := diffNorm(today.fullName, got, want); d != "" {
		t.Fatalf("generated value differs from the datum: %s", d)
	}
	frame, err := c.Encode(ctx, &v)
	if err != nil {
		t.Fatalf("encode today's %s: %v", today.fullName, err)
	}
	return frame, want
}

// enumsLackSymbols reports whether some enum of w has a symbol the enum of
// the same name in r lacks.
func enumsLackSymbols(w, r *avroNode, seen map[*avroNode]bool) bool {
	if seen[w] {
		return false
	}
	seen[w] = true
	switch w.kind {
	case "enum":
		if r.kind != "enum" {
			return false
		}
		for _, s := range w.symbols {
			if !contains(r.symbols, s) {
				return true
			}
		}
	case "record":
		if r.kind != "record" {
			return false
		}
		for _, wf := range w.fields {
			if rf := r.field(wf.name); rf != nil && enumsLackSymbols(wf.typ, rf.typ, seen) {
				return true
			}
		}
	case "union":
		for _, wb := range w.branches {
			for _, rb := range r.branches {
				if wb.kind == rb.kind && wb.fullName == rb.fullName && enumsLackSymbols(wb, rb, seen) {
					return true
				}
			}
		}
	case "array":
		return r.kind == "array" && enumsLackSymbols(w.items, r.items, seen)
	case "map":
		return r.kind == "map" && enumsLackSymbols(w.values, r.values, seen)
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// seeded returns a generator seeded from the names of what it is for.
func seeded(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}
