package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The reference harness that avroctl's interop tests talk to.
 *
 * <p>
 * Starting a JVM costs far more than any single reference call, so the default
 * mode is a server: one JSON request per line on stdin, one JSON response per
 * line on stdout, in order, until stdin closes. Thousands of cases then cost
 * one JVM start. A response is {@code {"id":..., ...result}} or
 * {@code {"id":..., "error":"..."}}; a failing request never ends the loop.
 *
 * <p>
 * Schema and datum payloads are sent as JSON strings that hold the JSON text
 * (so that nothing is lost by re-serialising numbers); a non-string node is
 * accepted too and re-serialised. See {@link Ops} for the operations.
 *
 * <p>
 * {@code java -jar harness.jar idl FILE} is the second mode: it does what
 * {@code avro-tools idl FILE} does (for a file without protocol or main schema
 * it prints the named schemas, as avroctl does, where avro-tools fails), so
 * that whole-process timings compare like with like.
 */
public final class Harness {
  private Harness() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("idl")) {
      System.exit(IdlCommand.run(args));
    }
    if (args.length != 0) {
      System.err.println("usage: java -jar harness.jar            (JSON lines on stdin)");
      System.err.println("       java -jar harness.jar idl FILE   (like avro-tools idl)");
      System.exit(2);
    }
    serve();
  }

  private static void serve() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Ops ops = new Ops(mapper);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    // Responses go to the real stdout; anything a library prints goes to
    // stderr so that it cannot corrupt the protocol stream.
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    System.setOut(System.err);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      ObjectNode resp;
      JsonNode id = null;
      try {
        JsonNode req = mapper.readTree(line);
        id = req.get("id");
        resp = ops.dispatch(req);
      } catch (Throwable e) { // StackOverflowError included: one bad case must not end the run
        resp = mapper.createObjectNode();
        resp.put("error", Ops.describe(e));
      }
      if (id != null) {
        resp.set("id", id);
      }
      out.println(mapper.writeValueAsString(resp));
      out.flush();
    }
  }

  /** The {@code idl} command line mode; see the class comment. */
  static final class IdlCommand {
    static int run(String[] args) throws Exception {
      if (args.length != 2) {
        System.err.println("usage: java -jar harness.jar idl FILE");
        return 2;
      }
      Ops.IdlResult r = Ops.compileIdl(Path.of(args[1]), new String[0]);
      for (String w : r.warnings) {
        System.err.println("Warning: " + w);
      }
      if (r.error != null) {
        System.err.println(r.error);
        return 1;
      }
      // avro-tools fails on a file with neither protocol nor main schema;
      // avroctl prints the named schemas then, so do the same work here to
      // keep whole-process timings comparable.
      System.out.print(r.output != null ? r.output : r.compact);
      System.out.flush();
      return 0;
    }
  }
}
