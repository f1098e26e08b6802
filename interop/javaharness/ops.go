package javaharness

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// The typed operations below wrap Call. Schemas and datums travel as JSON
// text inside JSON strings, so the JVM parses exactly the bytes the Go side
// parsed (re-serialising through a JSON tree could respell numbers).

// IDLResult is what avro-tools would produce for one .avdl file.
type IDLResult struct {
	// Output is what `avro-tools idl FILE` prints: the pretty protocol or
	// main schema, without a final newline. Empty for a file that declares
	// neither (avro-tools then fails).
	Output string `json:"output"`
	// Compact is IdlFile.outputString: the compact protocol, main schema, or
	// a JSON array of the named schemas.
	Compact string `json:"compact"`
	// Schemata is what `avro-tools idl2schemata` writes: "<Name>.avsc" ->
	// content. A later schema with the same simple name overwrites an
	// earlier one, as the files would.
	Schemata map[string]string `json:"schemata"`
	// Warnings are IdlFile.getWarnings(), which avro-tools prints as
	// "Warning: ..." on stderr.
	Warnings []string `json:"warnings"`
}

// SchemataNames returns the idl2schemata file names, sorted.
func (r *IDLResult) SchemataNames() []string { return slices.Sorted(maps.Keys(r.Schemata)) }

// IDL compiles file with IdlReader. importDirs play the role of the
// classpath for imports that are not found next to the importing file.
// A rejected file is returned as *Error.
func (h *Harness) IDL(file string, importDirs []string) (*IDLResult, error) {
	if importDirs == nil {
		importDirs = []string{}
	}
	raw, err := h.Call(map[string]any{"op": "idl", "file": file, "importDirs": importDirs})
	if err != nil {
		return nil, err
	}
	var r IDLResult
	return &r, decode(raw, &r)
}

// Incompatibility is one entry of Java's SchemaCompatibilityResult.
type Incompatibility struct {
	Type     string `json:"type"`     // SchemaIncompatibilityType name, e.g. "TYPE_MISMATCH"
	Location string `json:"location"` // JSON pointer into the reader schema, e.g. "/fields/0/type"
	Message  string `json:"message"`
}

// CompatResult is SchemaCompatibility.checkReaderWriterCompatibility's result.
type CompatResult struct {
	Compatibility     string            `json:"compatibility"` // "COMPATIBLE" or "INCOMPATIBLE"
	Incompatibilities []Incompatibility `json:"incompatibilities"`
}

// Compatible reports whether the reader can read all data of the writer.
func (r *CompatResult) Compatible() bool { return r.Compatibility == "COMPATIBLE" }

// Compat checks whether reader can decode data written with writer. Each
// schema is parsed with its own Schema.Parser.
func (h *Harness) Compat(reader, writer []byte) (*CompatResult, error) {
	raw, err := h.Call(map[string]any{"op": "compat", "reader": string(reader), "writer": string(writer)})
	if err != nil {
		return nil, err
	}
	var r CompatResult
	return &r, decode(raw, &r)
}

// SchemaText is Java's Schema.toString() and toString(true) of a schema.
type SchemaText struct {
	Compact string `json:"compact"`
	Pretty  string `json:"pretty"`
}

// Schema parses schema and prints it back both ways.
func (h *Harness) Schema(schema []byte) (*SchemaText, error) {
	raw, err := h.Call(map[string]any{"op": "schema", "schema": string(schema)})
	if err != nil {
		return nil, err
	}
	var r SchemaText
	return &r, decode(raw, &r)
}

// Canonical is a schema's Parsing Canonical Form and fingerprints.
type Canonical struct {
	Form          string `json:"canonical"`
	Fingerprint64 uint64 `json:"-"`
	MD5           string `json:"md5"`    // lower-case hex
	SHA256        string `json:"sha256"` // lower-case hex
}

// Canonical returns SchemaNormalization's results for schema.
func (h *Harness) Canonical(schema []byte) (*Canonical, error) {
	raw, err := h.Call(map[string]any{"op": "canonical", "schema": string(schema)})
	if err != nil {
		return nil, err
	}
	var r struct {
		Canonical
		FP string `json:"fingerprint64"`
	}
	if err := decode(raw, &r); err != nil {
		return nil, err
	}
	r.Canonical.Fingerprint64, err = strconv.ParseUint(r.FP, 10, 64)
	return &r.Canonical, err
}

// Encode reads datum (the Avro JSON encoding of a value of schema) and
// returns GenericDatumWriter's binary encoding of it.
func (h *Harness) Encode(schema, datum []byte) ([]byte, error) {
	raw, err := h.Call(map[string]any{"op": "encode", "schema": string(schema), "json": string(datum)})
	if err != nil {
		return nil, err
	}
	var r struct {
		Data string `json:"data"`
	}
	if err := decode(raw, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// Decode reads data written with writer, resolved to reader (nil means the
// writer schema), and returns the datum in the Avro JSON encoding of reader.
// trailing counts bytes left over after the datum.
func (h *Harness) Decode(writer, reader, data []byte) (datum []byte, trailing int, err error) {
	req := map[string]any{"op": "decode", "writer": string(writer), "data": base64.StdEncoding.EncodeToString(data)}
	if reader != nil {
		req["reader"] = string(reader)
	}
	raw, err := h.Call(req)
	if err != nil {
		return nil, 0, err
	}
	var r struct {
		JSON     string `json:"json"`
		Trailing int    `json:"trailing"`
	}
	if err := decode(raw, &r); err != nil {
		return nil, 0, err
	}
	return []byte(r.JSON), r.Trailing, nil
}

// BenchCompatResult is the JVM's own timing of a FULL_TRANSITIVE check.
type BenchCompatResult struct {
	ElapsedNs        int64 `json:"elapsedNs"`        // all timed iterations, wall clock
	CPUNs            int64 `json:"cpuNs"`            // all timed iterations, process CPU (GC and JIT threads included)
	FirstIterationNs int64 `json:"firstIterationNs"` // the first timed iteration alone
	Iterations       int   `json:"iterations"`
	Checks           int64 `json:"checks"` // reader/writer checks performed
	Compatible       bool  `json:"compatible"`
}

// BenchCompat times, inside the JVM, iterations rounds of checking next
// against every previous schema in both directions (FULL_TRANSITIVE), after
// warmup untimed rounds. Parsing is not timed.
func (h *Harness) BenchCompat(next []byte, previous [][]byte, iterations, warmup int) (*BenchCompatResult, error) {
	prev := make([]string, len(previous))
	for i, p := range previous {
		prev[i] = string(p)
	}
	raw, err := h.Call(map[string]any{"op": "benchCompat", "new": string(next), "previous": prev,
		"iterations": iterations, "warmup": warmup})
	if err != nil {
		return nil, err
	}
	var r BenchCompatResult
	return &r, decode(raw, &r)
}

// Ping returns the Avro version the JVM runs.
func (h *Harness) Ping() (string, error) {
	raw, err := h.Call(map[string]any{"op": "ping"})
	if err != nil {
		return "", err
	}
	var r struct {
		V string `json:"avroVersion"`
	}
	return r.V, decode(raw, &r)
}

func decode(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("javaharness: decode response %s: %w", tail(raw, 200), err)
	}
	return nil
}

// OCFWrite has Java's DataFileWriter write a container file of values (Avro
// JSON, one per element) with codec at level (0: Java's default) and
// syncInterval (0: Java's default).
func (h *Harness) OCFWrite(schema []byte, values [][]byte, codec string, level, syncInterval int) ([]byte, error) {
	js := make([]string, len(values))
	for i, v := range values {
		js[i] = string(v)
	}
	req := map[string]any{"op": "ocfWrite", "schema": string(schema), "json": js, "codec": codec, "level": level}
	if syncInterval > 0 {
		req["syncInterval"] = syncInterval
	}
	raw, err := h.Call(req)
	if err != nil {
		return nil, err
	}
	var r struct {
		Data string `json:"data"`
	}
	if err := decode(raw, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// OCFRead is what Java's DataFileReader reads from a container file.
type OCFRead struct {
	Codec   string `json:"codec"`
	Schema  string `json:"schema"`
	Count   int64  `json:"count"`   // the sum of the block counts
	Blocks  int64  `json:"blocks"`  // blocks read
	Records int64  `json:"records"` // records GenericDatumReader decoded
	Datums  []byte `json:"-"`       // every block decompressed, back to back
}

// OCFRead has Java's DataFileReader read a container file.
func (h *Harness) OCFRead(file []byte) (*OCFRead, error) {
	raw, err := h.Call(map[string]any{"op": "ocfRead", "data": base64.StdEncoding.EncodeToString(file)})
	if err != nil {
		return nil, err
	}
	var r struct {
		OCFRead
		Datums string `json:"datums"`
	}
	if err := decode(raw, &r); err != nil {
		return nil, err
	}
	r.OCFRead.Datums, err = base64.StdEncoding.DecodeString(r.Datums)
	return &r.OCFRead, err
}
