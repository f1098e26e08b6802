package serde

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/gen/registry/server"
)

// decodeErr decodes frame with c and checks the error is a *DecodeError
// that keeps the frame and matches want.
func decodeErr[T any, P Record[T]](t *testing.T, c *Codec[T, P], frame []byte, want error, wantID int) *DecodeError {
	t.Helper()
	var v T
	err := c.Decode(context.Background(), frame, &v)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("Decode error = %v (%T), want *DecodeError", err, err)
	}
	if !bytes.Equal(de.Data, frame) || (len(frame) > 0 && &de.Data[0] != &frame[0]) {
		t.Errorf("DecodeError.Data = % x, want the original frame % x", de.Data, frame)
	}
	if de.ID != wantID {
		t.Errorf("DecodeError.ID = %d, want %d", de.ID, wantID)
	}
	if want != nil && !errors.Is(err, want) {
		t.Errorf("Decode error %q does not match %v", err, want)
	}
	return de
}

func TestDecodeErrors(t *testing.T) {
	ctx := context.Background()
	reg := startRegistry(t, server.Options{})
	cl := newClient(t, reg.URL)
	id, err := cl.RegisterSchema(ctx, "p-value", Schema{Schema: paymentV1Schema})
	if err != nil {
		t.Fatal(err)
	}
	otherID, err := cl.RegisterSchema(ctx, "s-value", Schema{Schema: unrelatedSchema})
	if err != nil {
		t.Fatal(err)
	}
	c := mustCodec[paymentV1](t, New(cl), CodecOptions{Topic: "p"})
	body, _ := (&paymentV1{ID: "abc", Amount: 42}).AppendAvro(nil)
	frame := append(AppendHeader(nil, id), body...)

	t.Run("MagicByte", func(t *testing.T) {
		bad := append([]byte{2}, frame[1:]...)
		de := decodeErr(t, c, bad, ErrMagicByte, -1)
		if !strings.Contains(de.Error(), "byte 0 is 0x02") {
			t.Errorf("error %q does not name byte 0", de)
		}
	})
	t.Run("TruncatedGUIDHeader", func(t *testing.T) {
		// Magic byte 1 names the schema by a 16-byte GUID: 10 bytes are short.
		bad := append([]byte{1}, frame[1:]...)
		de := decodeErr(t, c, bad, ErrTruncated, -1)
		if !strings.Contains(de.Error(), "bytes 1-16") {
			t.Errorf("error %q does not name the GUID's bytes", de)
		}
	})
	t.Run("EmptyFrame", func(t *testing.T) {
		decodeErr(t, c, []byte{}, ErrTruncated, -1)
	})
	t.Run("TruncatedHeader", func(t *testing.T) {
		decodeErr(t, c, frame[:3], ErrTruncated, -1)
	})
	t.Run("TruncatedBody", func(t *testing.T) {
		de := decodeErr(t, c, frame[:len(frame)-1], ErrTruncated, id)
		var ae *avro.DecodeError
		if !errors.As(de, &ae) {
			t.Errorf("error %v does not carry the *avro.DecodeError", de)
		}
	})
	t.Run("TrailingBytes", func(t *testing.T) {
		de := decodeErr(t, c, append(append([]byte{}, frame...), 0), nil, id)
		if errors.Is(de, ErrTruncated) || errors.Is(de, ErrIncompatible) {
			t.Errorf("trailing bytes classified as %v", de)
		}
	})
	t.Run("UnknownID", func(t *testing.T) {
		bad := append(AppendHeader(nil, 9999), body...)
		de := decodeErr(t, c, bad, ErrUnknownSchema, 9999)
		var re *RegistryError
		if !errors.As(de, &re) || re.Code != 40403 {
			t.Errorf("want the registry's 40403 answer, got %v", de)
		}
		if errors.Is(de, ErrRegistryUnavailable) {
			t.Errorf("404 classified as unavailable: %v", de)
		}
	})
	t.Run("NegativeID", func(t *testing.T) {
		before := reg.requests.Load()
		decodeErr(t, c, append([]byte{0, 0xff, 0xff, 0xff, 0xfe}, body...), ErrUnknownSchema, -2)
		if n := reg.requests.Load() - before; n != 0 {
			t.Errorf("negative id made %d registry requests", n)
		}
	})
	t.Run("Incompatible", func(t *testing.T) {
		bad := append(AppendHeader(nil, otherID), 4)
		de := decodeErr(t, c, bad, ErrIncompatible, otherID)
		var ie *IncompatibleError
		if !errors.As(de, &ie) || ie.Reader != "com.acme.test.Payment" || ie.Reason == "" {
			t.Errorf("want an *IncompatibleError explaining why, got %#v", ie)
		}
		// The verdict is cached: it is permanent.
		before := reg.requests.Load()
		decodeErr(t, c, bad, ErrIncompatible, otherID)
		if n := reg.requests.Load() - before; n != 0 {
			t.Errorf("second incompatible decode made %d requests", n)
		}
	})
}

func TestRegistryUnavailable(t *testing.T) {
	frame := append(AppendHeader(nil, 1), 2, 'a', 2)
	check := func(t *testing.T, url string, timeout time.Duration) {
		cl, err := NewClient(ClientOptions{URL: url, Timeout: timeout})
		if err != nil {
			t.Fatal(err)
		}
		c := mustCodec[paymentV1](t, New(cl), CodecOptions{Topic: "p"})
		de := decodeErr(t, c, frame, ErrRegistryUnavailable, 1)
		if errors.Is(de, ErrUnknownSchema) {
			t.Errorf("classified as unknown schema too: %v", de)
		}
		_, err = c.Encode(context.Background(), &paymentV1{})
		if !errors.Is(err, ErrRegistryUnavailable) {
			t.Errorf("Encode error = %v, want ErrRegistryUnavailable", err)
		}
	}
	t.Run("Refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		ln.Close() // nothing listens there now
		check(t, url, 0)
	})
	t.Run("ServerError", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`{"error_code":50001,"message":"Error in the backend data store"}`))
		}))
		t.Cleanup(ts.Close)
		check(t, ts.URL, 0)
	})
	t.Run("NotTheRegistry", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>login</html>"))
		}))
		t.Cleanup(ts.Close)
		check(t, ts.URL, 0)
	})
	t.Run("Timeout", func(t *testing.T) {
		release := make(chan struct{})
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(func() { close(release); ts.Close() })
		check(t, ts.URL, 20*time.Millisecond)
	})
}

func TestNonAvroWriterSchema(t *testing.T) {
	mem := newMemRegistry()
	id, _ := mem.RegisterSchema(context.Background(), "p-value", Schema{Schema: `syntax = "proto3";`, SchemaType: "PROTOBUF"})
	c := mustCodec[paymentV1](t, New(mem), CodecOptions{})
	de := decodeErr(t, c, append(AppendHeader(nil, id), 0), ErrIncompatible, id)
	if !strings.Contains(de.Error(), "PROTOBUF") {
		t.Errorf("error %q does not name the schema type", de)
	}
}

func TestEncodeErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("NoTopic", func(t *testing.T) {
		c := mustCodec[paymentV1](t, New(newMemRegistry()), CodecOptions{Strategy: TopicRecordName})
		if _, err := c.Encode(ctx, &paymentV1{}); err == nil || !strings.Contains(err.Error(), "needs a topic") {
			t.Fatalf("Encode error = %v, want a missing-topic error", err)
		}
	})
	t.Run("ValueDoesNotFit", func(t *testing.T) {
		c := mustCodec[badValue](t, New(newMemRegistry()), CodecOptions{Topic: "t", AutoRegister: true})
		dst := []byte("keep")
		out, err := c.AppendEncode(ctx, dst, &badValue{})
		var ee *EncodeError
		if !errors.As(err, &ee) || ee.Subject != "t-value" {
			t.Fatalf("AppendEncode error = %v, want *EncodeError for t-value", err)
		}
		if string(out) != "keep" {
			t.Fatalf("AppendEncode returned %q on error, want dst unchanged", out)
		}
	})
	t.Run("NotANamedType", func(t *testing.T) {
		if _, err := NewCodec[notNamed](New(newMemRegistry()), CodecOptions{}); err == nil {
			t.Fatal("NewCodec accepted a type whose schema is not named")
		}
	})
}

type badValue struct{}

func (*badValue) AvroSchema() string { return unrelatedSchema }
func (*badValue) AppendAvro(dst []byte) ([]byte, error) {
	return append(dst, 1, 2, 3), avro.Errorf("Shipment.parcels", "out of range")
}
func (*badValue) UnmarshalAvro([]byte) error { return nil }

type notNamed struct{}

func (*notNamed) AvroSchema() string                    { return `"string"` }
func (*notNamed) AppendAvro(dst []byte) ([]byte, error) { return dst, nil }
func (*notNamed) UnmarshalAvro([]byte) error            { return nil }
