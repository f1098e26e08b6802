// Package benchhistory is the schema history the compatibility benchmarks
// share: gen/compat's (plain, prepared, cross-version index), the
// registry's registration benchmark and interop's comparison with Java.
// One history, so that their figures speak of the same work.
package benchhistory

import (
	"fmt"
	"strings"
)

// Version returns version v of a 40-field record, com.acme.bench.Order,
// whose history is FULL_TRANSITIVE compatible by construction: 30 fixed
// fields of assorted types (an enum, a record, a fixed and an array of
// records among them) and 10 optional fields with defaults that rotate
// through a pool, one in and one out per version, so that all versions
// differ.
func Version(v int) string {
	fixed := []string{
		`"string"`, `"long"`, `"int"`, `"double"`, `"boolean"`, `"bytes"`,
		`["null","string"]`, `{"type":"array","items":"string"}`, `{"type":"map","values":"long"}`,
		`{"type":"long","logicalType":"timestamp-millis"}`,
	}
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Order","namespace":"com.acme.bench","fields":[`)
	for i := 0; i < 30; i++ {
		t := fixed[i%len(fixed)]
		switch i {
		case 10:
			t = `{"type":"enum","name":"Status","symbols":["UNKNOWN","NEW","PAID","SHIPPED"],"default":"UNKNOWN"}`
		case 11:
			t = `{"type":"record","name":"Money","fields":[{"name":"units","type":"long"},{"name":"currency","type":"string"}]}`
		case 12:
			t = `{"type":"fixed","name":"Id","size":16}`
		case 13:
			t = `{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"Money"}]}}`
		}
		fmt.Fprintf(&b, `{"name":"f%d","type":%s},`, i, t)
	}
	for i := 0; i < 10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"opt%d","type":["null","string"],"default":null}`, v+i)
	}
	b.WriteString(`]}`)
	return b.String()
}
