import org.apache.avro.idl.IdlReader;
import org.apache.avro.idl.IdlFile;
import org.apache.avro.Schema;
import java.nio.file.*;
import java.io.*;

public class Oracle {
  public static void main(String[] args) throws Exception {
    for (String a : args) {
      String out;
      try {
        IdlReader r = new IdlReader();
        IdlFile f = r.parse(Paths.get(a));
        StringBuilder sb = new StringBuilder();
        if (f.getProtocol() != null) sb.append(f.getProtocol().toString(true));
        else if (f.getMainSchema() != null) sb.append(f.getMainSchema().toString(true));
        else {
          sb.append("[");
          boolean first = true;
          for (Schema s : f.getNamedSchemas().values()) { if (!first) sb.append(","); first = false; sb.append(s.toString()); }
          sb.append("]");
        }
        sb.append("\n--warnings " + f.getWarnings().size());
        out = "OK\n" + sb;
      } catch (Throwable e) {
        out = "ERR " + e;
      }
      Files.write(Paths.get(a + ".java.out"), out.getBytes("UTF-8"));
    }
  }
}
