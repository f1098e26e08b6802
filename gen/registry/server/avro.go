package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/schematext"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
)

// Checker decides whether newSchema may follow previous (oldest first) at
// level, returning Confluent's verbose messages when it may not.
type Checker interface {
	Check(level string, newSchema schema.Schema, previous []compat.Previous) (ok bool, messages []string)
}

// defaultChecker is gen/compat, which reproduces Confluent's verdicts and
// messages.
type defaultChecker struct{}

func (defaultChecker) Check(level string, newSchema schema.Schema, previous []compat.Previous) (bool, []string) {
	lv, err := compat.ParseLevel(level)
	if err != nil {
		return false, []string{err.Error()}
	}
	if lv == compat.None || len(previous) == 0 {
		return true, nil
	}
	var res compat.Result
	if prepared := preparedOf(previous); prepared != nil {
		res = compat.CheckLevelPrepared(lv, compat.Prepare(newSchema), prepared)
	} else {
		olds := make([]schema.Schema, len(previous))
		for i, p := range previous {
			olds[i] = p.Schema
		}
		res = compat.CheckLevel(lv, newSchema, olds)
	}
	if res.Compatible && res.Err == nil {
		return true, nil
	}
	msgs := compat.ConfluentMessages(lv, newSchema, previous)
	if res.Err != nil {
		msgs = append(msgs, res.Err.Error())
	}
	// Confluent's registry adds the level as the last line.
	msgs = append(msgs, fmt.Sprintf("{compatibility: '%s'}", level))
	return false, msgs
}

// preparedOf returns the prepared previous versions when every one has
// them (previousVersions prepares them for transitive levels), else nil.
func preparedOf(previous []compat.Previous) []*compat.Prepared {
	out := make([]*compat.Prepared, len(previous))
	for i, p := range previous {
		if p.Prepared == nil {
			return nil
		}
		out[i] = p.Prepared
	}
	return out
}

// validLevel returns the canonical spelling of a compatibility level.
func validLevel(s string) (string, bool) {
	up := strings.ToUpper(strings.TrimSpace(s))
	for _, l := range compat.AllLevelStrings() {
		if up == l {
			return l, true
		}
	}
	return "", false
}

// parsedSchema is a request's schema after parsing: the model, the text the
// registry stores and prints, and the identity equal schemas share.
type parsedSchema struct {
	schema schema.Schema
	text   string
	refs   []store.Reference
	key    string
	// cacheKey identifies the request this is the parse of, when it can
	// be cached (no references).
	cacheKey  cacheKey
	cacheable bool
}

// resolveRefs loads the referenced schemas (and theirs, depth first) into
// names, so that the referring schema can name their types. It runs under
// the store lock.
func (s *Server) resolveRefs(st *store.State, refs []store.Reference, names *schema.Names, seen map[int]bool, depth int) error {
	if depth > 32 {
		return errorf(CodeInvalidSchema, "Schema references nest more than 32 deep")
	}
	for _, ref := range refs {
		sub := st.Subjects[ref.Subject]
		if sub == nil {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q: subject %q not found", ref.Name, ref.Subject)
		}
		var v *store.Version
		if ref.Version == -1 {
			v = latestLive(sub)
		} else if i := sub.Find(ref.Version); i >= 0 {
			v = &sub.Versions[i]
		}
		if v == nil {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q: version %d of subject %q not found", ref.Name, ref.Version, ref.Subject)
		}
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		sc := st.Schemas[v.ID]
		if err := s.resolveRefs(st, sc.References, names, seen, depth+1); err != nil {
			return err
		}
		if _, err := schema.Parse([]byte(sc.Text), schema.ParseOptions{Filename: ref.Subject, Names: names}); err != nil {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q (%s version %d): %v", ref.Name, ref.Subject, v.Version, err)
		}
		if names.Lookup(ref.Name) == nil {
			return errorf(CodeInvalidSchema, "Invalid schema: reference %q is not defined by %s version %d", ref.Name, ref.Subject, v.Version)
		}
	}
	return nil
}

// parseRequest parses a request's schema with its references resolved from
// st.
func (s *Server) parseRequest(st *store.State, req *registerRequest) (*parsedSchema, error) {
	if req.SchemaType != "" && !strings.EqualFold(req.SchemaType, "AVRO") {
		return nil, errorf(CodeInvalidSchema, "Invalid schema type %s: this registry serves AVRO only", req.SchemaType)
	}
	if strings.TrimSpace(req.Schema) == "" {
		return nil, errorf(CodeInvalidSchema, "Empty schema")
	}
	names := schema.NewNames()
	if err := s.resolveRefs(st, req.References, names, map[int]bool{}, 0); err != nil {
		return nil, err
	}
	refTypes := names.All()
	sc, err := schema.Parse([]byte(req.Schema), schema.ParseOptions{Filename: "schema", Names: names})
	if err != nil {
		return nil, errorf(CodeInvalidSchema, "Invalid schema %s, details: %v", req.Schema, err)
	}
	var text string
	if req.normalize {
		// Confluent's normalize=true: the schema is rewritten in its
		// normalized form (full names, fixed key order, sorted properties)
		// and that form is what is stored and compared.
		refs := make([]schema.Schema, len(refTypes))
		for i, t := range refTypes {
			refs[i] = t
		}
		nsc, ntext, err := schema.NormalizedSchema(sc, refs...)
		if err != nil {
			return nil, errorf(CodeInvalidSchema, "Invalid schema %s, details: normalizing: %v", req.Schema, err)
		}
		sc, text = nsc, string(ntext)
	} else if text, err = schematext.Text(sc, refTypes); err != nil {
		return nil, err
	}
	refs := append([]store.Reference(nil), req.References...)
	return &parsedSchema{schema: sc, text: text, refs: refs, key: store.SchemaKey("", text, refs)}, nil
}

// schemaByID returns the parsed schema registered under id, from the cache
// when possible. It runs under the store lock.
func (s *Server) schemaByID(st *store.State, id int) (schema.Schema, error) {
	s.parsedMu.Lock()
	sc, ok := s.parsed[id]
	s.parsedMu.Unlock()
	if ok {
		return sc, nil
	}
	rec := st.Schemas[id]
	if rec == nil {
		return nil, fmt.Errorf("schema id %d missing from the store", id)
	}
	names := schema.NewNames()
	if err := s.resolveRefs(st, rec.References, names, map[int]bool{}, 0); err != nil {
		return nil, err
	}
	sc, err := schema.Parse([]byte(rec.Text), schema.ParseOptions{Filename: fmt.Sprintf("id %d", id), Names: names})
	if err != nil {
		return nil, fmt.Errorf("stored schema %d no longer parses: %w", id, err)
	}
	s.parsedMu.Lock()
	s.parsed[id] = sc
	s.parsedMu.Unlock()
	return sc, nil
}

// preparedByID returns the schema registered under id readied for
// repeated compatibility checks, computed once. It runs under the store
// lock.
func (s *Server) preparedByID(st *store.State, id int) (*compat.Prepared, error) {
	s.parsedMu.Lock()
	p, ok := s.prepared[id]
	s.parsedMu.Unlock()
	if ok {
		return p, nil
	}
	sc, err := s.schemaByID(st, id)
	if err != nil {
		return nil, err
	}
	p = compat.Prepare(sc)
	s.parsedMu.Lock()
	if q, ok := s.prepared[id]; ok {
		p = q // a concurrent check prepared it first
	} else {
		s.prepared[id] = p
	}
	s.parsedMu.Unlock()
	return p, nil
}

// latestLive returns the highest version that is not soft-deleted, or nil.
func latestLive(sub *store.Subject) *store.Version {
	for i := len(sub.Versions) - 1; i >= 0; i-- {
		if !sub.Versions[i].Deleted {
			return &sub.Versions[i]
		}
	}
	return nil
}

// previousVersions returns the subject's live versions that a check at
// level looks at, oldest first, ready for a compatibility check: all of them
// for a transitive level, the latest only for the others (as Confluent
// fetches them). Parsing a long history on every registration would make
// registering into a subject cost time proportional to its length.
func (s *Server) previousVersions(st *store.State, sub *store.Subject, level string) ([]compat.Previous, error) {
	if sub == nil || level == "NONE" {
		return nil, nil
	}
	versions := sub.Versions
	if !strings.HasSuffix(level, "_TRANSITIVE") {
		for i := len(versions) - 1; i >= 0; i-- {
			if !versions[i].Deleted {
				versions = versions[i : i+1]
				break
			}
		}
	}
	// A transitive check against a long history uses each version's
	// fingerprints (computed once per schema, then cached) to skip what
	// the new schema shares with it; one version alone is cheaper checked
	// as is.
	transitive := len(versions) > 1
	var prev []compat.Previous
	for _, v := range versions {
		if v.Deleted {
			continue
		}
		p := compat.Previous{Version: v.Version, Text: st.Schemas[v.ID].Text}
		var err error
		if transitive {
			if p.Prepared, err = s.preparedByID(st, v.ID); err == nil {
				p.Schema = p.Prepared.Schema
			}
		} else {
			p.Schema, err = s.schemaByID(st, v.ID)
		}
		if err != nil {
			return nil, err
		}
		prev = append(prev, p)
	}
	return prev, nil
}

// normalizeRefs is what ?normalize=true does to references in Confluent
// (AvroSchema.normalize: sorted, duplicates dropped), so that the same
// references listed in another order give the same identity. The schema
// text itself is already normalized to Java's Schema.toString().
func normalizeRefs(refs []store.Reference) []store.Reference {
	out := append([]store.Reference(nil), refs...)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Version < b.Version
	})
	return slices.Compact(out)
}
