package idl

import "gitlab.com/acme/avroctl/gen/schema"

// OutputJSON is the protocol, else the main schema, byte for byte as
// `avro-tools idl` writes it (pretty) or IdlFile.outputString (compact);
// else the JSON array of the named schemas (each self-contained), which is
// IdlFile.outputString's form: avro-tools 1.12 `idl` fails on such a file
// ("does not contain a schema nor a protocol"), avroctl idl writes it.
func (f *File) OutputJSON(pretty bool) []byte {
	switch {
	case f.Protocol != nil:
		return schema.MarshalProtocol(f.Protocol, pretty)
	case f.MainSchema != nil:
		if pretty {
			return schema.MarshalPretty(f.MainSchema)
		}
		return schema.Marshal(f.MainSchema)
	}
	list := make([]schema.Schema, len(f.NamedSchemas))
	for i, s := range f.NamedSchemas {
		list[i] = s
	}
	return schema.MarshalList(list, pretty)
}

// Schemata are the schemas idl2schemata writes, one .avsc each (marshal
// each with schema.MarshalPretty): every named type, in order.
func (f *File) Schemata() []schema.NamedSchema {
	return append([]schema.NamedSchema(nil), f.NamedSchemas...)
}
