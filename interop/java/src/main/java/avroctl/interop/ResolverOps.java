package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;

/**
 * The checker-versus-reader operation of the disagreement harness: Java's
 * two answers for one reader/writer pair in one round trip, because the
 * harness asks it for hundreds of thousands of pairs.
 *
 * <p>
 * {@code resolverPair {reader, writer, values:[json...], always?}} ->
 * {@code {compatibility, reads, readError?, readValue?, encodeFailed}}:
 * {@code compatibility} is SchemaCompatibility's verdict; then (only when it
 * is COMPATIBLE, or with {@code always}) every value, given in the Avro JSON
 * encoding of the writer, is written with GenericDatumWriter and read back
 * with GenericDatumReader(writer, reader), the resolving reader every
 * consumer runs. {@code reads} is false at the first value the reader
 * rejects ({@code readValue} is its index, {@code readError} the exception).
 * {@code encodeFailed} counts values the writer side refused (not the
 * reader's business).
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
    int encodeFailed = 0;
    if (c == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE || req.path("always").asBoolean(false)) {
      GenericDatumReader<Object> jsonIn = new GenericDatumReader<>(writer);
      GenericDatumWriter<Object> out = new GenericDatumWriter<>(writer);
      GenericDatumReader<Object> resolving = new GenericDatumReader<>(writer, reader);
      int i = 0;
      for (JsonNode v : req.path("values")) {
        byte[] data;
        try {
          Object datum = jsonIn.read(null, DecoderFactory.get().jsonDecoder(writer, text(mapper, v)));
          ByteArrayOutputStream buf = new ByteArrayOutputStream();
          BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(buf, null);
          out.write(datum, enc);
          enc.flush();
          data = buf.toByteArray();
        } catch (Exception e) {
          encodeFailed++;
          i++;
          continue;
        }
        try {
          BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, null);
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
    o.put("encodeFailed", encodeFailed);
    return o;
  }

  private static String text(ObjectMapper mapper, JsonNode n) throws Exception {
    return n.isTextual() ? n.asText() : mapper.writeValueAsString(n);
  }
}
