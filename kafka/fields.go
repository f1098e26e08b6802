package kafka

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// fieldPath finds a field of struct type t by a dotted path whose parts are
// Go field names or avro tag names ("OrderID", "orderId",
// "Metadata.EventID", "metadata.eventId"). It returns the index path for
// reflect.Value.FieldByIndex.
func fieldPath(t reflect.Type, path string) ([]int, reflect.Type, error) {
	var index []int
	for _, part := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, nil, fmt.Errorf("field %q: %s is not a struct", path, t)
		}
		found := false
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("avro"), ",")
			if f.Name == part || tag == part {
				index = append(index, i)
				t = f.Type
				found = true
				break
			}
		}
		if !found {
			return nil, nil, fmt.Errorf("field %q: %s has no field %q (by Go name or avro tag)", path, t, part)
		}
	}
	return index, t, nil
}

// fieldAt returns the field at index in v, or false when a pointer on the
// way is nil.
func fieldAt(v reflect.Value, index []int) (reflect.Value, bool) {
	for _, i := range index {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	return v, true
}

// textOf returns the bytes a field contributes as a key or header:
// strings and byte slices as they are, a type with a text form (avro.UUID)
// by its text, integers in decimal.
func textOf(v reflect.Value) ([]byte, error) {
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case string:
			return []byte(x), nil
		case []byte:
			return x, nil
		case encoding.TextMarshaler:
			return x.MarshalText()
		case fmt.Stringer:
			return []byte(x.String()), nil
		}
	}
	switch v.Kind() {
	case reflect.String:
		return []byte(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(nil, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(nil, v.Uint(), 10), nil
	}
	return nil, fmt.Errorf("a %s cannot be a key or header: want a string, []byte, integer or a type with MarshalText", v.Type())
}

// appendTextOf is textOf appending to dst; for an addressable v it takes
// the field's address instead of boxing its value (no allocation for an
// avro.UUID or a string).
func appendTextOf(dst []byte, v reflect.Value) ([]byte, error) {
	if v.CanAddr() && v.Addr().CanInterface() {
		switch x := v.Addr().Interface().(type) {
		case *string:
			return append(dst, *x...), nil
		case *[]byte:
			return append(dst, *x...), nil
		case encoding.TextAppender:
			return x.AppendText(dst)
		}
	}
	b, err := textOf(v)
	return append(dst, b...), err
}

// checkText reports whether values of t can go through textOf.
func checkText(t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) || t.Implements(reflect.TypeFor[fmt.Stringer]()) {
		return nil
	}
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
	}
	return fmt.Errorf("a %s cannot be a key or header: want a string, []byte, integer or a type with MarshalText", t)
}

// Event is what the producer needs from an event for its CloudEvents
// headers. Every avroctl event has it in its metadata record.
type Event struct {
	ID     string    // ce_id: metadata.eventId
	Source string    // ce_source: metadata.producer
	Time   time.Time // ce_time: metadata.occurredAt; zero omits the header
}

// metadataOf builds the default Event extractor: the fields
// metadata.eventId, metadata.producer and metadata.occurredAt, which every
// event avroctl generates carries (shared.EventMetadata).
func metadataOf[T any]() (func(*T) (Event, error), error) {
	t := reflect.TypeFor[T]()
	idIdx, idT, err := fieldPath(t, "metadata.eventId")
	if err != nil {
		return nil, fmt.Errorf("%w; set ProducerOptions.Event to say where %s keeps its event id", err, t)
	}
	if err := checkText(idT); err != nil {
		return nil, fmt.Errorf("metadata.eventId: %w", err)
	}
	srcIdx, _, srcErr := fieldPath(t, "metadata.producer")
	timeIdx, timeT, timeErr := fieldPath(t, "metadata.occurredAt")
	if timeErr == nil && timeT != reflect.TypeFor[time.Time]() {
		timeErr = fmt.Errorf("not a time.Time")
	}
	return func(x *T) (Event, error) {
		v := reflect.ValueOf(x).Elem()
		var ev Event
		f, ok := fieldAt(v, idIdx)
		if !ok {
			return ev, fmt.Errorf("metadata is nil: the event has no id")
		}
		var buf [64]byte
		id, err := appendTextOf(buf[:0], f)
		if err != nil {
			return ev, err
		}
		ev.ID = string(id)
		if srcErr == nil {
			if f, ok := fieldAt(v, srcIdx); ok && f.Kind() == reflect.String {
				ev.Source = f.String()
			}
		}
		if timeErr == nil {
			if f, ok := fieldAt(v, timeIdx); ok {
				ev.Time = *f.Addr().Interface().(*time.Time)
			}
		}
		return ev, nil
	}, nil
}

// keyOf builds a key extractor for the field at path.
func keyOf[T any](path string) (func(*T) ([]byte, error), error) {
	t := reflect.TypeFor[T]()
	idx, ft, err := fieldPath(t, path)
	if err != nil {
		return nil, err
	}
	if err := checkText(ft); err != nil {
		return nil, fmt.Errorf("key field %q: %w", path, err)
	}
	return func(x *T) ([]byte, error) {
		f, ok := fieldAt(reflect.ValueOf(x).Elem(), idx)
		if !ok {
			return nil, nil // a nil optional field: no key
		}
		return appendTextOf(nil, f)
	}, nil
}
