package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.util.Base64;

/**
 * The checker-versus-reader operation of the disagreement harness: Java's
 * two answers for one reader/writer pair in one round trip, because the
 * harness asks it for hundreds of thousands of pairs.
 *
 * <p>
 * {@code resolverPair {reader, writer, data:[base64...], always?}} ->
 * {@code {compatibility, reads, readError?, readValue?}}:
 * {@code compatibility} is SchemaCompatibility's verdict; then (only when it
 * is COMPATIBLE, or with {@code always}) every value, binary-encoded with the
 * writer schema, is read with GenericDatumReader(writer, reader), the
 * resolving reader every consumer runs. {@code reads} is false at the first
 * value the reader rejects ({@code readValue} is its index, {@code readError}
 * the exception).
 *
 * <p>
 * Values arrive binary (encoded by avroctl's gen/datum, which
 * TestAvroJSONMatchesJava pins to Java's encoder), not as Avro JSON: Java's
 * JsonDecoder interns every record field name in a shared Jackson symbol
 * table, and the harness's generated names are all distinct, so after
 * ~100,000 pairs each JSON value cost a copy of a huge table.
 */
final class ResolverOps {
  private ResolverOps() {
  }

  static ObjectNode resolverPair(ObjectMapper mapper, JsonNode req) throws Exception {
    Schema reader = new Schema.Parser().parse(text(mapper, req.path("reader")));
    Schema writer = new Schema.Parser().parse(text(mapper, req.path("writer")));
    SchemaCompatibility.SchemaCompatibilityType c = SchemaCompatibility
        .checkReaderWriterCompatibility(reader, writer).getType();
    ObjectNode o = mapper.createObjectNode();
    o.put("compatibility", c.name());
    boolean reads = true;
    if (c == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE || req.path("always").asBoolean(false)) {
      GenericDatumReader<Object> resolving = new GenericDatumReader<>(writer, reader);
      int i = 0;
      for (JsonNode v : req.path("data")) {
        try {
          BinaryDecoder dec = DecoderFactory.get().binaryDecoder(Base64.getDecoder().decode(v.asText()), null);
          resolving.read(null, dec);
        } catch (Throwable e) { // StackOverflowError included
          reads = false;
          o.put("readValue", i);
          o.put("readError", Ops.describe(e));
          break;
        }
        i++;
      }
    }
    o.put("reads", reads);
    return o;
  }

  private static String text(ObjectMapper mapper, JsonNode n) throws Exception {
    return n.isTextual() ? n.asText() : mapper.writeValueAsString(n);
  }
}
