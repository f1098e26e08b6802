// Harness is the Java reference oracle for avroctl's TestDifferentialJava:
// one JSON line in ({"reader":..., "writer":...}), one JSON line out with
// Apache Avro's SchemaCompatibility verdict and incompatibilities.
import org.apache.avro.*;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import java.io.*;
import java.util.*;

public class Harness {
  public static void main(String[] a) throws Exception {
    ObjectMapper m = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      JsonNode n = m.readTree(line);
      ObjectNode o = m.createObjectNode();
      try {
        Schema r = new Schema.Parser().parse(n.get("reader").toString());
        Schema w = new Schema.Parser().parse(n.get("writer").toString());
        SchemaCompatibility.SchemaPairCompatibility res = SchemaCompatibility.checkReaderWriterCompatibility(r, w);
        o.put("compatible", res.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        ArrayNode msgs = o.putArray("msgs");
        for (SchemaCompatibility.Incompatibility i : res.getResult().getIncompatibilities()) {
          msgs.add(i.getType() + " " + i.getLocation() + " " + i.getMessage());
        }
      } catch (Throwable e) {
        o.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      out.println(o.toString());
    }
  }
}
