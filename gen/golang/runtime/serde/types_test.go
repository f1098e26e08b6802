package serde

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/registry/store"
)

// Hand-written record types with the methods avroctl generates, so these
// tests do not depend on the generator. paymentV1 and paymentV2 are two
// versions of one record: v2 adds a field with a default and an optional
// note.

const paymentV1Schema = `{"type":"record","name":"Payment","namespace":"com.acme.test","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`

type paymentV1 struct {
	ID     string
	Amount int64
}

func (*paymentV1) AvroSchema() string { return paymentV1Schema }

func (x *paymentV1) AppendAvro(dst []byte) ([]byte, error) {
	dst = avro.AppendString(dst, x.ID)
	return avro.AppendLong(dst, x.Amount), nil
}

func (x *paymentV1) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.ID = d.String()
	x.Amount = d.Long()
	return d.Finish()
}

const paymentV2Schema = `{"type":"record","name":"Payment","namespace":"com.acme.test","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"currency","type":"string","default":"EUR"},{"name":"note","type":["null","string"],"default":null}]}`

type paymentV2 struct {
	ID       string
	Amount   int64
	Currency string
	Note     *string
}

func (*paymentV2) AvroSchema() string { return paymentV2Schema }

func (x *paymentV2) AppendAvro(dst []byte) ([]byte, error) {
	dst = avro.AppendString(dst, x.ID)
	dst = avro.AppendLong(dst, x.Amount)
	dst = avro.AppendString(dst, x.Currency)
	if x.Note == nil {
		return avro.AppendLong(dst, 0), nil
	}
	dst = avro.AppendLong(dst, 1)
	return avro.AppendString(dst, *x.Note), nil
}

func (x *paymentV2) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.ID = d.String()
	x.Amount = d.Long()
	x.Currency = d.String()
	x.Note = nil
	if d.UnionIndex(2) == 1 {
		s := d.String()
		x.Note = &s
	}
	return d.Finish()
}

// An order that uses a Money type registered under its own subject, the
// way avroctl registers shared types (schema references).
const (
	moneySchema    = `{"type":"record","name":"Money","namespace":"com.acme.test.shared","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`
	moneyFullName  = "com.acme.test.shared.Money"
	orderSchema    = `{"type":"record","name":"Order","namespace":"com.acme.test","fields":[{"name":"id","type":"string"},{"name":"total","type":` + moneySchema + `},{"name":"refund","type":["null","com.acme.test.shared.Money"],"default":null}]}`
	orderRefSchema = `{"type":"record","name":"Order","namespace":"com.acme.test","fields":[{"name":"id","type":"string"},{"name":"total","type":"com.acme.test.shared.Money"},{"name":"refund","type":["null","com.acme.test.shared.Money"],"default":null}]}`
)

type money struct {
	Units    int64
	Currency string
}

type order struct {
	ID     string
	Total  money
	Refund *money
}

func (*order) AvroSchema() string { return orderSchema }

func (x *order) AppendAvro(dst []byte) ([]byte, error) {
	dst = avro.AppendString(dst, x.ID)
	dst = avro.AppendLong(dst, x.Total.Units)
	dst = avro.AppendString(dst, x.Total.Currency)
	if x.Refund == nil {
		return avro.AppendLong(dst, 0), nil
	}
	dst = avro.AppendLong(dst, 1)
	dst = avro.AppendLong(dst, x.Refund.Units)
	return avro.AppendString(dst, x.Refund.Currency), nil
}

func (x *order) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.ID = d.String()
	x.Total.Units = d.Long()
	x.Total.Currency = d.String()
	x.Refund = nil
	if d.UnionIndex(2) == 1 {
		x.Refund = &money{Units: d.Long(), Currency: d.String()}
	}
	return d.Finish()
}

// unrelated is a record no Payment can be read as.
const unrelatedSchema = `{"type":"record","name":"Shipment","namespace":"com.acme.test","fields":[{"name":"parcels","type":"int"}]}`

type unrelated struct{ Parcels int32 }

func (*unrelated) AvroSchema() string { return unrelatedSchema }
func (x *unrelated) AppendAvro(dst []byte) ([]byte, error) {
	return avro.AppendInt(dst, x.Parcels), nil
}
func (x *unrelated) UnmarshalAvro(b []byte) error {
	d := avro.NewDecoder(b)
	x.Parcels = d.Int()
	return d.Finish()
}

// memRegistry is an in-memory Registry that counts calls and can be made
// to fail or to block, for cache and error-path tests.
type memRegistry struct {
	mu       sync.Mutex
	byID     map[int]SubjectSchema
	versions map[string][]int // subject -> ids by version-1
	nextID   int

	calls atomic.Int64
	fail  error         // returned by every call when set
	gate  chan struct{} // when set, SchemaByID waits for it to close
}

func newMemRegistry() *memRegistry {
	return &memRegistry{byID: map[int]SubjectSchema{}, versions: map[string][]int{}, nextID: 1}
}

func (m *memRegistry) SchemaByID(ctx context.Context, id int) (SubjectSchema, error) {
	m.calls.Add(1)
	if m.gate != nil {
		select {
		case <-m.gate:
		case <-ctx.Done():
			return SubjectSchema{}, ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return SubjectSchema{}, m.fail
	}
	ss, ok := m.byID[id]
	if !ok {
		return SubjectSchema{}, &RegistryError{Method: "GET", URL: fmt.Sprintf("/schemas/ids/%d", id), StatusCode: 404, Code: 40403, Message: "Schema not found"}
	}
	ss.Subject, ss.Version = "", 0
	return ss, nil
}

func (m *memRegistry) SchemaByVersion(ctx context.Context, subject string, version int) (SubjectSchema, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return SubjectSchema{}, m.fail
	}
	ids := m.versions[subject]
	if version < 1 || version > len(ids) {
		return SubjectSchema{}, &RegistryError{Method: "GET", URL: "/subjects/" + subject, StatusCode: 404, Code: 40402, Message: "Version not found"}
	}
	ss := m.byID[ids[version-1]]
	ss.Subject, ss.Version = subject, version
	return ss, nil
}

func (m *memRegistry) LookupSchema(ctx context.Context, subject string, s Schema) (SubjectSchema, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return SubjectSchema{}, m.fail
	}
	for v, id := range m.versions[subject] {
		if ss := m.byID[id]; ss.Schema == s.Schema {
			ss.Subject, ss.Version = subject, v+1
			return ss, nil
		}
	}
	return SubjectSchema{}, &RegistryError{Method: "POST", URL: "/subjects/" + subject, StatusCode: 404, Code: 40403, Message: "Schema not found"}
}

func (m *memRegistry) RegisterSchema(ctx context.Context, subject string, s Schema) (int, error) {
	if ss, err := m.LookupSchema(ctx, subject, s); err == nil {
		return ss.ID, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return 0, m.fail
	}
	id := m.nextID
	m.nextID++
	m.byID[id] = SubjectSchema{ID: id, Schema: s.Schema, SchemaType: s.SchemaType, References: s.References}
	m.versions[subject] = append(m.versions[subject], id)
	return id, nil
}

// SchemaByGUID implements GUIDRegistry with the registry's derivation of
// GUIDs (store.SchemaGUID), unless noGUID is set.
func (m *memRegistry) SchemaByGUID(ctx context.Context, guid GUID) (SubjectSchema, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return SubjectSchema{}, m.fail
	}
	for _, ss := range m.byID {
		if memGUID(ss) == guid {
			ss.ID, ss.Subject, ss.Version, ss.GUID = 0, "", 0, guid.String()
			return ss, nil
		}
	}
	return SubjectSchema{}, &RegistryError{Method: "GET", URL: "/schemas/guids/" + guid.String(), StatusCode: 404, Code: 40403, Message: "Schema not found"}
}

// memGUID is the GUID the embedded registry gives ss.
func memGUID(ss SubjectSchema) GUID {
	refs := make([]store.Reference, len(ss.References))
	for i, r := range ss.References {
		refs[i] = store.Reference{Name: r.Name, Subject: r.Subject, Version: r.Version}
	}
	g, err := ParseGUID(store.SchemaGUID(ss.Schema, refs))
	if err != nil {
		panic(err)
	}
	return g
}
