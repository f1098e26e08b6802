package interop

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"testing"

	"gitlab.com/acme/avroctl/gen/golang/runtime/avro"
	"gitlab.com/acme/avroctl/interop/javaharness"
)

// TestBigDecimalMatchesJava checks the runtime's big-decimal (avro.BigDecimal)
// against Java's Conversions.BigDecimalConversion and java.math.BigDecimal
// on random values: the bytes are toBytes's, String is toString's,
// ParseBigDecimal reads what new BigDecimal(String) reads, and Java's
// fromBytes reads our bytes to the same value.
func TestBigDecimalMatchesJava(t *testing.T) {
	h := javaharness.Shared(t)
	r := rand.New(rand.NewPCG(*seedFlag, 5000))
	n := 2000
	if testing.Short() {
		n = 200
	}
	var texts []string
	var ours []avro.BigDecimal
	for i := 0; i < n; i++ {
		u := big.NewInt(r.Int64N(1<<62) - 1<<61>>uint(r.IntN(60)))
		if r.IntN(4) == 0 {
			u.Mul(u, new(big.Int).Lsh(big.NewInt(r.Int64N(1<<40)+1), uint(r.IntN(300))))
		}
		scale := int32(r.IntN(40) - 20)
		if r.IntN(10) == 0 {
			scale = int32(r.Uint32())
		}
		d := avro.NewBigDecimal(u, scale)
		ours = append(ours, d)
		texts = append(texts, d.String())
	}
	// Spellings only the parser sees.
	extra := []string{"1.50", ".5", "5.", "+7e2", "-0.00", "1e-7", "12.5E+1", "0E-8", "-1E+10", "000123.4500"}
	values := append(append([]string(nil), texts...), extra...)
	var data []string
	for _, d := range ours {
		content := avro.AppendBigDecimal(nil, d)
		// Drop the outer length: Java's toBytes is the field's content.
		dec := avro.NewDecoder(content)
		data = append(data, base64.StdEncoding.EncodeToString(dec.BytesNoCopy()))
	}
	raw, err := h.Call(map[string]any{"op": "bigDecimal", "values": values, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Bytes []string `json:"bytes"`
		Text  []string `json:"text"`
		Read  []string `json:"read"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Bytes) != len(values) || len(resp.Read) != len(data) {
		t.Fatalf("Java answered %d/%d values, %d/%d data", len(resp.Bytes), len(values), len(resp.Read), len(data))
	}
	for i, v := range values {
		p, err := avro.ParseBigDecimal(v)
		if err != nil {
			t.Fatalf("ParseBigDecimal(%s): %v (Java reads it as %s)", v, err, resp.Text[i])
		}
		if p.String() != resp.Text[i] {
			t.Fatalf("%s: String %s, Java's toString %s", v, p.String(), resp.Text[i])
		}
		dec := avro.NewDecoder(avro.AppendBigDecimal(nil, p))
		if got := base64.StdEncoding.EncodeToString(dec.BytesNoCopy()); got != resp.Bytes[i] {
			t.Fatalf("%s: bytes %s, Java's toBytes %s", v, got, resp.Bytes[i])
		}
	}
	for i, d := range ours {
		if resp.Read[i] != d.String() {
			t.Fatalf("Java's fromBytes reads our %s as %s", d, resp.Read[i])
		}
	}
	t.Logf("%d values: bytes, toString, parse and fromBytes identical to Java's", len(values))
}
