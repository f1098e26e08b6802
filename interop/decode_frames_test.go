package interop

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"gitlab.com/acme/avroctl/events/v2/loyalty"
	"gitlab.com/acme/avroctl/events/v2/orders"
	"gitlab.com/acme/avroctl/events/v2/payments"
	"gitlab.com/acme/avroctl/events/v2/serde"
	"gitlab.com/acme/avroctl/events/v2/shared"
	"gitlab.com/acme/avroctl/gen/registry/server"
	"gitlab.com/acme/avroctl/gen/registry/store"
	"gitlab.com/acme/avroctl/gen/schema"
	"gitlab.com/acme/avroctl/interop/evolve"
	"gitlab.com/acme/avroctl/interop/javaharness"
	"gitlab.com/acme/avroctl/interop/randdatum"
)

// TestDecodeFramesMatchJava is issue #14's acceptance for `avroctl decode`:
// a Confluent wire frame written by franz-go's sr.Serde, and one written by
// our generated serde, decode (writer schema fetched by id from a running
// registry) to exactly the text Java's JsonEncoder writes for the frame's
// value.
//
//   - franz-go: random schemas and values; Java's JsonDecoder and
//     GenericDatumWriter write the body, sr.Serde frames it with the id
//     franz-go's registry client got.
//   - ours: the example domain's generated types; Java writes a random
//     value, the generated type reads it, and serde.Codec (auto-registering)
//     writes the frame.
//
// Java's text is always taken from the frame's own body. Java holds a map
// in a HashMap, so a value with a map of two or more entries comes out in
// hash order: those lines are compared as JSON values (key order ignored),
// every other line byte for byte.
func TestDecodeFramesMatchJava(t *testing.T) {
	h := javaharness.Shared(t)
	bin := buildAvroctl(t)
	url := startEmbeddedRegistry(t)
	ctx := context.Background()
	frz, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}

	var frames [][]byte   // one per line of decode's input
	var javaText []string // Java's JsonEncoder text for each frame's body
	var from []string     // who wrote each frame, for the failure message
	var unordered []bool  // the value holds a map of 2+ entries

	// franz-go's sr.Serde on random schemas.
	n, per := 30, 8
	if testing.Short() {
		n, per = 8, 4
	}
	g := evolve.New(*seedFlag + 4000)
	r := rand.New(rand.NewPCG(*seedFlag, 4000))
	franzFrames := 0
	for i := 0; i < n; i++ {
		text := evolve.Marshal(g.SchemaIn(fmt.Sprintf("rand.f%d", i), 6, 2))
		if _, err := h.Schema(text); err != nil || !finiteAvsc(text) {
			continue // Java rejects a few generated schemas: the schema tests' business
		}
		s, err := schema.Parse(text, schema.ParseOptions{})
		if err != nil {
			t.Fatalf("avroctl rejects a schema Java accepts: %v\n%s", err, text)
		}
		created, err := frz.CreateSchema(ctx, fmt.Sprintf("rand-f%d-value", i), sr.Schema{Schema: string(text), Type: sr.TypeAvro})
		if err != nil {
			t.Fatalf("registering random schema %d: %v\n%s", i, err, text)
		}
		for k := 0; k < per; k++ {
			value, multiKeyMap := randdatum.Generate(r, s, randdatum.Options{})
			if value == nil {
				break
			}
			body, err := h.Encode(text, value)
			if err != nil {
				t.Fatalf("Java cannot read its own Avro JSON %s: %v", value, err)
			}
			var theirs sr.Serde
			theirs.Register(created.ID, rawBody{}, sr.AppendEncodeFn(func(b []byte, v any) ([]byte, error) {
				return append(b, v.(rawBody)...), nil
			}))
			frame, err := theirs.Encode(rawBody(body))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := h.Decode(text, text, body)
			if err != nil {
				t.Fatalf("Java cannot decode its own bytes: %v", err)
			}
			frames, javaText = append(frames, frame), append(javaText, string(want))
			from = append(from, fmt.Sprintf("sr.Serde, schema %s", text))
			unordered = append(unordered, multiKeyMap)
			franzFrames++
		}
	}

	// Our generated serde on the example domain.
	ours := serde.New(mustSerdeClient(t, url))
	oursFrames := 0
	add := func(name, avsc string, frame []byte, multiKeyMap bool, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _, err := h.Decode([]byte(avsc), []byte(avsc), frame[5:])
		if err != nil {
			t.Fatalf("%s: Java cannot decode our body % x: %v", name, frame[5:], err)
		}
		frames, javaText = append(frames, frame), append(javaText, string(want))
		from = append(from, "serde.Codec, "+name)
		unordered = append(unordered, multiKeyMap)
		oursFrames++
	}
	for k := 0; k < per; k++ {
		add(ourFrame[payments.PaymentValidated](t, h, r, ours))
		add(ourFrame[orders.OrderCreated](t, h, r, ours))
		add(ourFrame[orders.OrderUpdated](t, h, r, ours))
		add(ourFrame[orders.OrderCancelled](t, h, r, ours))
		add(ourFrame[loyalty.LoyaltyPointsAdded](t, h, r, ours))
		add(ourFrame[shared.Money](t, h, r, ours))
	}

	var in strings.Builder
	for _, f := range frames {
		in.WriteString(hex.EncodeToString(f) + "\n")
	}
	cmd := exec.Command(bin, "decode", "--url", url, "--hex")
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("avroctl decode: %v\n%s", err, stderr.String())
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(frames) {
		t.Fatalf("avroctl decode wrote %d lines for %d frames", len(got), len(frames))
	}
	exact := 0
	for i := range got {
		if unordered[i] {
			if !sameJSON([]byte(got[i]), []byte(javaText[i])) {
				t.Errorf("frame %d (%s), compared as JSON values:\n avroctl %s\n Java    %s", i, from[i], got[i], javaText[i])
			}
			continue
		}
		exact++
		if got[i] != javaText[i] {
			t.Errorf("frame %d (%s):\n avroctl %s\n Java    %s", i, from[i], got[i], javaText[i])
		}
	}
	t.Logf("avroctl decode == Java's JsonEncoder on %d frames from franz-go's sr.Serde and %d from our serde (%d byte for byte, %d with multi-entry maps as JSON values)",
		franzFrames, oursFrames, exact, len(got)-exact)
	if franzFrames == 0 || oursFrames == 0 {
		t.Fatal("no frames compared")
	}
}

// rawBody is a value sr.Serde frames as is: its Avro body written by Java.
type rawBody []byte

// ourFrame has Java write a random value of T's schema, reads it into T
// and frames it with our generated serde, registering T's schema.
func ourFrame[T any, P serde.Record[T]](t *testing.T, h *javaharness.Harness, r *rand.Rand, s *serde.Serde) (name, avsc string, frame []byte, multiKeyMap bool, err error) {
	t.Helper()
	var v T
	avsc = P(&v).AvroSchema()
	sch, err := schema.Parse([]byte(avsc), schema.ParseOptions{})
	if err != nil {
		return "", "", nil, false, err
	}
	name = sch.(*schema.Record).FullName()
	value, multiKeyMap := randdatum.Generate(r, sch, randdatum.Options{})
	body, err := h.Encode([]byte(avsc), value)
	if err != nil {
		return name, avsc, nil, false, fmt.Errorf("Java encoding %s: %v", value, err)
	}
	if err := P(&v).UnmarshalAvro(body); err != nil {
		return name, avsc, nil, false, fmt.Errorf("the generated type reading Java's % x: %v", body, err)
	}
	c, err := serde.NewCodec[T, P](s, serde.CodecOptions{Subject: name + "-value", AutoRegister: true})
	if err != nil {
		return name, avsc, nil, false, err
	}
	frame, err = c.Encode(context.Background(), &v)
	return name, avsc, frame, multiKeyMap, err
}

func mustSerdeClient(t *testing.T, url string) *serde.Client {
	t.Helper()
	c, err := serde.NewClient(serde.ClientOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startEmbeddedRegistry serves an in-memory embedded registry on a free
// 127.0.0.1 port until the test ends.
func startEmbeddedRegistry(t *testing.T) string {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Options{})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		srv.Close()
		st.Close()
	})
	return srv.URL()
}
