package lockfile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/gen/schema"
)

// Spec is one SUBJECT[@VERSION] of the command line.
type Spec struct {
	Subject string
	// Version is the version asked for; 0 means the latest.
	Version int
}

// Requested is the spec's Entry.Requested: "latest" or the version.
func (s Spec) Requested() string {
	if s.Version == 0 {
		return "latest"
	}
	return strconv.Itoa(s.Version)
}

func (s Spec) String() string { return s.Subject + "@" + s.Requested() }

// ParseSpec reads SUBJECT, SUBJECT@latest or SUBJECT@N. A subject may itself
// contain '@' when what follows the last one is not a version.
func ParseSpec(arg string) (Spec, error) {
	subject, version := arg, ""
	if i := strings.LastIndexByte(arg, '@'); i >= 0 {
		v := arg[i+1:]
		if v == "latest" || (v != "" && strings.Trim(v, "0123456789") == "") {
			subject, version = arg[:i], v
		}
	}
	if subject == "" {
		return Spec{}, fmt.Errorf("%q: no subject before the @; want SUBJECT[@VERSION], e.g. orders-value@3", arg)
	}
	s := Spec{Subject: subject}
	if version != "" && version != "latest" {
		n, err := strconv.Atoi(version)
		if err != nil || n <= 0 {
			return Spec{}, fmt.Errorf("%q: version %q, want a number of 1 or more, or latest", arg, version)
		}
		s.Version = n
	}
	return s, nil
}

// NotFoundError is a subject or version the registry does not have.
type NotFoundError struct {
	Subject string
	Version int // 0: latest
	Via     string
	Err     error
}

func (e *NotFoundError) Error() string {
	what := fmt.Sprintf("subject %q", e.Subject)
	if e.Version > 0 {
		what += fmt.Sprintf(" version %d", e.Version)
	}
	msg := what + " is not in the registry"
	if e.Via != "" {
		msg += " (referenced by " + e.Via + ")"
	}
	return msg + ": check the name (avroctl registry subjects lists them) and the registry URL"
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// Mismatch is a pinned subject version whose content in the registry is
// not what the lock recorded.
type Mismatch struct {
	Subject              string
	Version              int
	Locked, Registry     string // fingerprints
	LockedID, RegistryID int
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s version %d: the registry's schema has fingerprint %s (id %d), avroctl.lock pinned %s (id %d)",
		m.Subject, m.Version, m.Registry, m.RegistryID, m.Locked, m.LockedID)
}

// Fetched is one subject version read from the registry.
type Fetched struct {
	Entry
	// Text is the schema as the registry stores it.
	Text string
}

// Result is what Resolve found.
type Result struct {
	// Lock is the lock that describes this resolution.
	Lock *Lock
	// Schemas are the named types of the requested schemas and of their
	// references, each full name once (the first definition met).
	Schemas []schema.NamedSchema
	// Mismatches are pinned versions whose content changed; when there
	// are any, the caller must not generate nor write the lock.
	Mismatches []Mismatch
	// Fetched lists every subject version read, in resolution order.
	Fetched []Fetched
}

// Client is what Resolve needs of the registry (franz-go's *sr.Client).
type Client interface {
	SchemaByVersion(ctx context.Context, subject string, version int) (sr.SubjectSchema, error)
}

// maxRefDepth bounds reference chains (a cycle is cut by the seen set; the
// depth only bounds a pathological registry).
const maxRefDepth = 32

// Resolve fetches specs and their references. With a lock (old non-nil)
// and !update, a spec the lock already answers (same subject, same
// requested form) uses the locked version, and every subject version read
// that the lock pins must have the pinned fingerprint. Without a lock, or
// with update, "latest" is asked of the registry again; the new lock is in
// the result either way.
func Resolve(ctx context.Context, cl Client, specs []Spec, old *Lock, update bool) (*Result, error) {
	r := &resolver{ctx: ctx, cl: cl, old: old, update: update, done: map[string]*Fetched{}, typeSeen: map[string]bool{}, parsed: map[*schema.Names]map[string]bool{}}
	lock := &Lock{LockVersion: FormatVersion, Fingerprint: FingerprintAlgorithm}
	for _, sp := range specs {
		version := sp.Version
		if version == 0 && !update {
			if e := old.FindRequested(sp.Subject, "latest"); e != nil {
				version = e.Version
			}
		}
		names := schema.NewNames()
		f, err := r.fetch(sp.Subject, version, "", names, 0)
		if err != nil {
			return nil, err
		}
		f.Requested = appendRequested(f.Requested, sp.Requested())
	}
	for _, f := range r.order {
		lock.Subjects = append(lock.Subjects, f.Entry)
		r.res.Fetched = append(r.res.Fetched, *f)
	}
	r.res.Lock = lock
	return &r.res, nil
}

// appendRequested keeps one requested form per entry: an explicit version
// wins over latest (both name the same version here).
func appendRequested(cur, req string) string {
	if cur == "" || cur == "latest" {
		return req
	}
	return cur
}

type resolver struct {
	ctx      context.Context
	cl       Client
	old      *Lock
	update   bool
	done     map[string]*Fetched // subject/version -> fetched
	order    []*Fetched
	typeSeen map[string]bool
	parsed   map[*schema.Names]map[string]bool
	res      Result
}

// fetch reads subject at version (0: latest), its references first, parses
// it into names (which holds the referenced types) and records it once.
func (r *resolver) fetch(subject string, version int, via string, names *schema.Names, depth int) (*Fetched, error) {
	if depth > maxRefDepth {
		return nil, fmt.Errorf("references nest more than %d deep at %s (a reference cycle in the registry?)", maxRefDepth, subject)
	}
	v := version
	if v == 0 {
		v = -1
	}
	ss, err := r.cl.SchemaByVersion(r.ctx, subject, v)
	if err != nil {
		var re *sr.ResponseError
		if errors.As(err, &re) && (re.ErrorCode == 40401 || re.ErrorCode == 40402 || re.StatusCode == 404) {
			return nil, &NotFoundError{Subject: subject, Version: version, Via: via, Err: err}
		}
		return nil, fmt.Errorf("reading %s from the registry: %w", Spec{subject, version}, err)
	}
	if ss.Type != sr.TypeAvro {
		return nil, fmt.Errorf("%s version %d is a %s schema; only Avro schemas generate Go", subject, ss.Version, ss.Type)
	}
	key := fmt.Sprintf("%s/%d", subject, ss.Version)
	for _, ref := range ss.References {
		if _, err := r.fetch(ref.Subject, ref.Version, fmt.Sprintf("%s version %d", subject, ss.Version), names, depth+1); err != nil {
			return nil, err
		}
	}
	if f, ok := r.done[key]; ok {
		// Read before (another root, or a shared reference): parse it into
		// this root's names too, unless they have its types already.
		if err := r.parseInto(f, names); err != nil {
			return nil, err
		}
		return f, nil
	}
	f := &Fetched{Entry: Entry{Subject: subject, Version: ss.Version, ID: ss.ID}, Text: ss.Schema.Schema}
	for _, ref := range ss.References {
		f.References = append(f.References, Reference{Name: ref.Name, Subject: ref.Subject, Version: ref.Version})
	}
	if r.parsed[names] == nil {
		r.parsed[names] = map[string]bool{}
	}
	r.parsed[names][key] = true
	s, err := schema.Parse([]byte(f.Text), schema.ParseOptions{Filename: key, Names: names})
	if err != nil {
		return nil, fmt.Errorf("%s version %d in the registry does not parse: %w", subject, ss.Version, err)
	}
	f.Fingerprint = Fingerprint(s)
	r.collect(names)
	if !r.update {
		if e := r.old.Find(subject, ss.Version); e != nil && e.Fingerprint != f.Fingerprint {
			r.res.Mismatches = append(r.res.Mismatches, Mismatch{Subject: subject, Version: ss.Version,
				Locked: e.Fingerprint, Registry: f.Fingerprint, LockedID: e.ID, RegistryID: ss.ID})
		}
	}
	r.done[key] = f
	r.order = append(r.order, f)
	return f, nil
}

// parseInto parses an already fetched schema into names, once per names
// (a shared reference seen again, from the same root or another one).
func (r *resolver) parseInto(f *Fetched, names *schema.Names) error {
	key := fmt.Sprintf("%s/%d", f.Subject, f.Version)
	if r.parsed[names] == nil {
		r.parsed[names] = map[string]bool{}
	}
	if r.parsed[names][key] {
		return nil
	}
	r.parsed[names][key] = true
	_, err := schema.Parse([]byte(f.Text), schema.ParseOptions{Filename: key, Names: names})
	return err
}

// collect adds the named types of names not collected yet.
func (r *resolver) collect(names *schema.Names) {
	for _, n := range names.All() {
		full := n.Names().FullName()
		if !r.typeSeen[full] {
			r.typeSeen[full] = true
			r.res.Schemas = append(r.res.Schemas, n)
		}
	}
}
