package server

import (
	"encoding/json"
	"strings"
	"testing"

	"gitlab.com/acme/avroctl/gen/registry/store"
)

// orderInline is order with the referenced type written out, as a
// serializer that knows only the full schema sends it.
const orderInline = `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"total","type":` + money + `}]}`

const moneyRef = `"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":1}]`

// setUpReferencingVersion registers Money and, in orders-value, Order with
// a reference to it: ids 1 and 2.
func setUpReferencingVersion(t *testing.T) string {
	t.Helper()
	u := startServer(t, nil, Options{})
	expect(t, u, "POST", "/subjects/com.acme.Money/versions", body(money), 200, `{"id":1}`)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(order, moneyRef), 200, `{"id":2}`)
	return u
}

// storedOrder is what a lookup that finds orders-value version 1 answers:
// the stored version, with its text and references.
func storedOrder() string {
	text, _ := json.Marshal(order)
	return `{"subject":"orders-value","version":1,"id":2,` + moneyRef + `,"schema":` + string(text) +
		guidOf(order, store.Reference{Name: "com.acme.Money", Subject: "com.acme.Money", Version: 1}) + `}`
}

func TestLookupByParsedSchema(t *testing.T) {
	u := setUpReferencingVersion(t)
	// The same text and references: identity.
	expect(t, u, "POST", "/subjects/orders-value", body(order, moneyRef), 200, storedOrder())
	// The equivalent inline schema, without references: Confluent compares
	// the parsed schemas and answers with the stored version.
	expect(t, u, "POST", "/subjects/orders-value", body(orderInline), 200, storedOrder())
	// Docs are not part of Schema.equals.
	withDoc := strings.Replace(orderInline, `"name":"Money",`, `"name":"Money","doc":"an amount",`, 1)
	expect(t, u, "POST", "/subjects/orders-value", body(withDoc), 200, storedOrder())
	// A different schema is not found, nor is the inline schema in a subject
	// that does not hold it.
	intUnits := strings.Replace(orderInline, `"units","type":"long"`, `"units","type":"int"`, 1)
	expectCode(t, u, "POST", "/subjects/orders-value", body(intUnits), CodeSchemaNotFound)
	expectCode(t, u, "POST", "/subjects/com.acme.Money", body(orderInline), CodeSchemaNotFound)
	// A request with references is matched by identity only.
	moneyV2 := strings.Replace(money, `"type":"string"}`, `"type":"string","default":"EUR"}`, 1)
	expect(t, u, "POST", "/subjects/com.acme.Money/versions", body(moneyV2), 200, `{"id":3}`)
	ref2 := `"references":[{"name":"com.acme.Money","subject":"com.acme.Money","version":2}]`
	expectCode(t, u, "POST", "/subjects/orders-value", body(order, ref2), CodeSchemaNotFound)
	// Soft-deleted versions count only with ?deleted=true.
	expect(t, u, "DELETE", "/subjects/orders-value/versions/1", "", 200, `1`)
	expectCode(t, u, "POST", "/subjects/orders-value", body(orderInline), CodeSubjectNotFound)
	expect(t, u, "POST", "/subjects/orders-value?deleted=true", body(orderInline), 200, storedOrder())
}

func TestRegisterEquivalentReturnsExisting(t *testing.T) {
	u := setUpReferencingVersion(t)
	// Re-registering with the references inlined finds version 1 and writes
	// nothing.
	expect(t, u, "POST", "/subjects/orders-value/versions", body(orderInline), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/orders-value/versions", "", 200, `[1]`)
	// ?normalize=true compares the normalized schema, which is still equal.
	expect(t, u, "POST", "/subjects/orders-value/versions?normalize=true", body(orderInline), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/orders-value/versions", "", 200, `[1]`)
	// In another subject the inline schema is a schema of its own (another
	// text, no references): a new ID, as in Confluent, where IDs follow
	// text and references. That does not change what orders-value answers.
	expect(t, u, "POST", "/subjects/orders-copy/versions", body(orderInline), 200, `{"id":3}`)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(orderInline), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/orders-value/versions", "", 200, `[1]`)
	// A different schema is still a new version.
	withDefault := strings.Replace(orderInline, `{"name":"id","type":"string"}`, `{"name":"id","type":"string","default":""}`, 1)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(withDefault), 200, `{"id":4}`)
	expect(t, u, "GET", "/subjects/orders-value/versions", "", 200, `[1,2]`)
}

func TestImportEquivalentReturnsExisting(t *testing.T) {
	u := setUpReferencingVersion(t)
	expect(t, u, "PUT", "/mode?force=true", `{"mode":"IMPORT"}`, 200, `{"mode":"IMPORT"}`)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(orderInline), 200, `{"id":2}`)
	expect(t, u, "POST", "/subjects/orders-value/versions", body(orderInline, `"id":2`), 200, `{"id":2}`)
	expect(t, u, "GET", "/subjects/orders-value/versions", "", 200, `[1]`)
}
