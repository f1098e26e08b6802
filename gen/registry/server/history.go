package server

import (
	"slices"
	"sync"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/compat"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// maxHistories bounds how many subjects keep a cross-version index: past
// it, an arbitrary one is dropped (and rebuilt if its subject registers
// again), so the cache holds at most this many indexes, each proportional
// to what its subject stores.
const maxHistories = 1024

// subjectHistory is a subject's cross-version index (compat.History) of
// the live versions listed in live, exactly those, oldest first. The
// index answers for a set of versions, so it is keyed by the exact list
// of (version, ID) pairs it covers: any delete (soft or hard), import or
// re-registration that changes the list changes the key and the index is
// rebuilt, or extended when the new list is the old one plus versions
// appended after it (the common case: a registration). The level is not
// part of the key; the index serves every level.
type subjectHistory struct {
	mu   sync.Mutex // held while the index is extended or read
	live []store.Version
	h    *compat.History
}

// historyCache maps subject names to their indexes.
type historyCache struct {
	mu   sync.Mutex
	m    map[string]*subjectHistory
	refs map[string]*refVersions
	// proven counts the checks the indexes proved, for tests.
	proven atomic.Int64
}

func (c *historyCache) entry(subject string) *subjectHistory {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*subjectHistory{}
	}
	e := c.m[subject]
	if e == nil {
		if len(c.m) >= maxHistories {
			for k := range c.m {
				delete(c.m, k)
				break
			}
		}
		e = &subjectHistory{}
		c.m[subject] = e
	}
	return e
}

// provenCompatible reports that ps's schema, registered into subject,
// passes a check at level (transitive) against live, the subject's live
// versions oldest first, as the default checker would find: the subject's
// index proves it without visiting each version. False means not proven
// (check as usual). It runs under the store lock: the index covers exactly
// live, which is the state's.
func (s *Server) provenCompatible(st *store.State, subject string, lv compat.Level, live []store.Version, ps *parsedSchema) (bool, error) {
	if _, ok := s.checker.(defaultChecker); !ok || !lv.Transitive() || len(live) == 0 {
		return false, nil
	}
	e := s.histories.entry(subject)
	e.mu.Lock()
	defer e.mu.Unlock()
	from := len(e.live)
	if e.h == nil || len(e.live) > len(live) || !slices.Equal(e.live, live[:len(e.live)]) {
		e.h, e.live, from = compat.NewHistory(), nil, 0
	}
	for _, v := range live[from:] {
		p, err := s.preparedByID(st, v.ID)
		if err != nil {
			// Leave the index as it was (it covers e.live, still).
			return false, err
		}
		e.h.Add(p)
		e.live = append(e.live, v)
	}
	if !e.h.Proves(lv, compat.Prepare(ps.schema)) {
		return false, nil
	}
	s.histories.proven.Add(1)
	return true, nil
}

// refVersions is a subject's versions (the exact list, deleted flags
// included) and the positions among them of those stored with references,
// the only ones equivalentVersion compares by parsed schema. Scanning a
// long history for them on every registration cost more than the rest of
// the registration; the list is extended when the subject's versions are
// the cached ones plus appended versions, and rebuilt on any other change.
type refVersions struct {
	mu       sync.Mutex
	versions []store.Version
	withRefs []int
}

// refCandidates returns the positions in sub.Versions, ascending, of the
// versions whose schema was stored with references (a superset check:
// equivalentVersion still reads each one's record). It runs under the
// store lock.
func (s *Server) refCandidates(st *store.State, sub *store.Subject) []int {
	c := &s.histories
	c.mu.Lock()
	if c.refs == nil {
		c.refs = map[string]*refVersions{}
	}
	e := c.refs[sub.Name]
	if e == nil {
		if len(c.refs) >= maxHistories {
			for k := range c.refs {
				delete(c.refs, k)
				break
			}
		}
		e = &refVersions{}
		c.refs[sub.Name] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	from := len(e.versions)
	if len(e.versions) > len(sub.Versions) || !slices.Equal(e.versions, sub.Versions[:len(e.versions)]) {
		e.versions, e.withRefs, from = nil, nil, 0
	}
	for i := from; i < len(sub.Versions); i++ {
		v := sub.Versions[i]
		if rec := st.Schemas[v.ID]; rec != nil && len(rec.References) > 0 {
			e.withRefs = append(e.withRefs, i)
		}
		e.versions = append(e.versions, v)
	}
	return slices.Clone(e.withRefs)
}
