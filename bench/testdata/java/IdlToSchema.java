// Prints one named schema of an .avdl file the way Apache Avro 1.12.2's
// IdlReader and Schema.toString(true) write it. order.avsc is its output for
// order.avdl (plus a final newline). Run from bench/ with avro, avro-idl
// 1.12.2, antlr4-runtime, jackson, commons-* and slf4j-api on the class path:
//
//   java -cp "$CP" testdata/java/IdlToSchema.java testdata/order.avdl com.acme.orders.Order

import org.apache.avro.idl.IdlFile;
import org.apache.avro.idl.IdlReader;
import java.nio.file.Paths;

public class IdlToSchema {
  public static void main(String[] args) throws Exception {
    IdlFile f = new IdlReader().parse(Paths.get(args[0]));
    System.out.print(f.getNamedSchema(args[1]).toString(true));
  }
}
