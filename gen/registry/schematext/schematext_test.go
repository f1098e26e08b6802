package schematext

import (
	"testing"

	"gitlab.com/acme/avroctl/gen/schema"
)

func TestText(t *testing.T) {
	names := schema.NewNames()
	parse := func(src string) schema.Schema {
		t.Helper()
		s, err := schema.Parse([]byte(src), schema.ParseOptions{Names: names})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	money := parse(`{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"}]}`)
	order := parse(`{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"total","type":"Money"},{"name":"refunds","type":{"type":"array","items":"Money"}}]}`)
	union := parse(`["null","com.acme.Money"]`)
	for _, tc := range []struct {
		s     schema.Schema
		known []schema.NamedSchema
		want  string
	}{
		{money, nil, `{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"units","type":"long"}]}`},
		{order, []schema.NamedSchema{money.(schema.NamedSchema)}, `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"total","type":"Money"},{"name":"refunds","type":{"type":"array","items":"Money"}}]}`},
		{union, []schema.NamedSchema{money.(schema.NamedSchema)}, `["null","com.acme.Money"]`},
		{order, nil, `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"total","type":{"type":"record","name":"Money","fields":[{"name":"units","type":"long"}]}},{"name":"refunds","type":{"type":"array","items":"Money"}}]}`},
	} {
		got, err := Text(tc.s, tc.known)
		if err != nil || got != tc.want {
			t.Errorf("Text = %s, %v\nwant %s", got, err, tc.want)
		}
	}
}
