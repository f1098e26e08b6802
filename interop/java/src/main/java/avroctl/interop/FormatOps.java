package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Operations of avroctl canonical, fingerprint and random:
 *
 * <ul>
 * <li>{@code formats {schema}} -> {@code {canonical, json, "json/pretty",
 * "json/inline", crc64Hex, crc64Long}}: SchemaFormatter.format for each of
 * Java 1.12's format names, parsingFingerprint("CRC-64-AVRO") as hex (its
 * byte order) and parsingFingerprint64 as a signed decimal.</li>
 * <li>{@code decodeLogical {schema, data}} -> {@code {text}}: reads the
 * datum with every logical-type conversion registered, so a value a
 * conversion cannot hold (a uuid string that is not a UUID, a decimal over
 * its precision) fails as it would in a Java consumer.</li>
 * </ul>
 */
final class FormatOps {
  private static final String[] FORMATS = {"canonical", "json", "json/pretty", "json/inline"};

  private final ObjectMapper mapper;

  FormatOps(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectNode dispatch(String op, JsonNode req) throws Exception {
    switch (op) {
    case "formats":
      return formats(req);
    case "decodeLogical":
      return decodeLogical(req);
    default:
      throw new IllegalArgumentException("unknown op \"" + op + "\"");
    }
  }

  private static Schema parse(JsonNode req) {
    return new Schema.Parser().parse(req.path("schema").asText());
  }

  private ObjectNode formats(JsonNode req) throws Exception {
    Schema s = parse(req);
    ObjectNode o = mapper.createObjectNode();
    for (String f : FORMATS) {
      o.put(f, SchemaFormatter.format(f, s));
    }
    o.put("crc64Hex", HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("CRC-64-AVRO", s)));
    o.put("crc64Long", Long.toString(SchemaNormalization.parsingFingerprint64(s)));
    return o;
  }

  private ObjectNode decodeLogical(JsonNode req) throws Exception {
    Schema s = parse(req);
    GenericData gd = new GenericData();
    gd.addLogicalTypeConversion(new Conversions.DecimalConversion());
    gd.addLogicalTypeConversion(new Conversions.BigDecimalConversion());
    gd.addLogicalTypeConversion(new Conversions.UUIDConversion());
    gd.addLogicalTypeConversion(new Conversions.DurationConversion());
    gd.addLogicalTypeConversion(new TimeConversions.DateConversion());
    gd.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    gd.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    gd.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    gd.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    gd.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
    gd.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    gd.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    gd.addLogicalTypeConversion(new TimeConversions.LocalTimestampNanosConversion());
    byte[] data = Base64.getDecoder().decode(req.path("data").asText());
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, null);
    Object datum = new GenericDatumReader<Object>(s, s, gd).read(null, dec);
    if (!dec.isEnd()) {
      throw new IllegalArgumentException("trailing bytes after the datum");
    }
    ObjectNode o = mapper.createObjectNode();
    o.put("text", String.valueOf(datum));
    return o;
  }
}
