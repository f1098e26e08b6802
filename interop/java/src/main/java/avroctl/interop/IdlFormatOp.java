package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.idl.IdlUtils;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code idlFormat}: schema JSON to Avro IDL, as the reference writes it.
 *
 * <ul>
 * <li>{@code {schemas:[text]}} with one schema: {@code SchemaFormatter.getInstance("idl").format}</li>
 * <li>{@code {schemas:[text, ...]}}: the texts parsed by one Schema.Parser (later ones may use earlier names),
 * then {@code IdlUtils.writeIdlSchemas} with the first schema's namespace</li>
 * <li>{@code {protocol:text}}: {@code IdlUtils.writeIdlProtocol}</li>
 * </ul>
 * Answers {@code {idl}}; a schema the reference cannot write throws (the harness answers {@code {error}}).
 */
final class IdlFormatOp {
  private IdlFormatOp() {
  }

  static ObjectNode run(ObjectMapper mapper, JsonNode req) throws Exception {
    StringWriter out = new StringWriter();
    if (req.hasNonNull("protocol")) {
      IdlUtils.writeIdlProtocol(out, Protocol.parse(req.get("protocol").asText()));
    } else {
      Schema.Parser parser = new Schema.Parser();
      List<Schema> schemas = new ArrayList<>();
      for (JsonNode s : req.path("schemas")) {
        schemas.add(parser.parse(s.asText()));
      }
      if (schemas.size() == 1) {
        out.write(SchemaFormatter.getInstance("idl").format(schemas.get(0)));
      } else {
        IdlUtils.writeIdlSchemas(out, schemas.isEmpty() ? null : schemas.get(0).getNamespace(), schemas);
      }
    }
    ObjectNode r = mapper.createObjectNode();
    r.put("idl", out.toString());
    return r;
  }
}
