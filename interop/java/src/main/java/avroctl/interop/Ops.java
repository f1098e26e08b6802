package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.idl.IdlFile;
import org.apache.avro.idl.IdlReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The operations of the harness. Each takes the request object and returns
 * the response object; exceptions become {@code {"error": ...}} in
 * {@link Harness}.
 *
 * <ul>
 * <li>{@code ping} -> {@code {avroVersion}}</li>
 * <li>{@code idl {file, importDirs}} -> {@code {output?, compact?, schemata,
 * warnings}} or {@code {error, warnings}}</li>
 * <li>{@code schema {schema}} -> {@code {compact, pretty}} (Schema.toString)</li>
 * <li>{@code compat {reader, writer}} -> {@code {compatibility,
 * incompatibilities:[{type, location, message}]}}</li>
 * <li>{@code encode {schema, json}} -> {@code {data}} (base64)</li>
 * <li>{@code decode {writer, reader?, data}} -> {@code {json, trailing}}</li>
 * <li>{@code canonical {schema}} -> {@code {canonical, fingerprint64, md5,
 * sha256}}</li>
 * <li>{@code bigDecimal {values, data}} -> {@code {bytes, text, read}}:
 * Conversions.BigDecimalConversion.toBytes (base64) and toString of
 * new BigDecimal(value) for each value; fromBytes(data[i]).toString() (or
 * "error: ...") for each base64 data item</li>
 * <li>{@code benchCompat {new, previous, iterations, warmup?}} ->
 * {@code {elapsedNs, cpuNs, firstIterationNs, checks, compatible}}</li>
 * </ul>
 */
final class Ops {
  private final ObjectMapper mapper;

  Ops(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectNode dispatch(JsonNode req) throws Exception {
    String op = req.path("op").asText("");
    switch (op) {
    case "ping":
      return ping();
    case "idl":
      return idl(req);
    case "schema":
      return schema(req);
    case "compat":
      return compat(req);
    case "encode":
      return encode(req);
    case "decode":
      return decode(req);
    case "canonical":
      return canonical(req);
    case "benchCompat":
      return benchCompat(req);
    case "idlFormat":
      return IdlFormatOp.run(mapper, req);
    case "bigDecimal":
      return bigDecimal(req);
    case "resolverPair":
      return ResolverOps.resolverPair(mapper, req);
    default:
      ObjectNode r = OcfOps.dispatch(mapper, op, req);
      if (r != null) {
        return r;
      }
      return new FormatOps(mapper).dispatch(op, req); // its ops, else "unknown op"
    }
  }

  /** describe renders an exception the way a test wants to print it. */
  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private ObjectNode ping() throws Exception {
    ObjectNode r = mapper.createObjectNode();
    Properties p = new Properties();
    try (InputStream in = Schema.class.getResourceAsStream("/META-INF/maven/org.apache.avro/avro/pom.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    r.put("avroVersion", p.getProperty("version", "unknown"));
    return r;
  }

  // --- IDL ---------------------------------------------------------------

  /** What avro-tools idl and idl2schemata would produce for one file. */
  static final class IdlResult {
    /** The `idl` command output (pretty protocol or main schema), or null. */
    String output;
    /** IdlFile.outputString(): compact protocol, main schema or schema list. */
    String compact;
    /** idl2schemata: file name -> content; a later simple name overwrites. */
    final Map<String, String> schemata = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    String error;
  }

  /**
   * compileIdl parses file with IdlReader as avro-tools does. Imports that are
   * not found next to the importing file are looked up on the context class
   * loader; the reference build puts importDirs there, so we do too.
   */
  static IdlResult compileIdl(Path file, String[] importDirs) throws Exception {
    IdlResult r = new IdlResult();
    Thread t = Thread.currentThread();
    ClassLoader saved = t.getContextClassLoader();
    URL[] urls = new URL[importDirs.length];
    for (int i = 0; i < importDirs.length; i++) {
      urls[i] = Path.of(importDirs[i]).toAbsolutePath().toUri().toURL();
    }
    try (URLClassLoader loader = new URLClassLoader(urls, saved)) {
      t.setContextClassLoader(loader);
      IdlFile f;
      try {
        f = new IdlReader().parse(file);
      } catch (Exception e) {
        r.error = describe(e);
        return r;
      }
      r.warnings = new ArrayList<>(f.getWarnings());
      try {
        Protocol p = f.getProtocol();
        Schema m = f.getMainSchema();
        Map<String, Schema> named = f.getNamedSchemas();
        if (p != null) {
          r.output = p.toString(true);
          r.compact = p.toString();
        } else if (m != null) {
          r.output = m.toString(true);
          r.compact = m.toString();
        } else {
          // IdlFile.outputString is package-private; this is its list branch.
          StringBuilder b = new StringBuilder("[");
          for (Schema s : named.values()) {
            if (b.length() > 1) {
              b.append(',');
            }
            b.append(s.toString());
          }
          r.compact = b.append(']').toString();
        }
        for (Schema s : named.values()) {
          // idl2schemata writes Name.avsc with println.
          r.schemata.put(s.getName() + ".avsc", s.toString(true) + System.lineSeparator());
        }
      } catch (Exception e) {
        r.error = describe(e);
      }
    } finally {
      t.setContextClassLoader(saved);
    }
    return r;
  }

  private ObjectNode idl(JsonNode req) throws Exception {
    List<String> dirs = new ArrayList<>();
    req.path("importDirs").forEach(d -> dirs.add(d.asText()));
    IdlResult r = compileIdl(Path.of(req.path("file").asText()), dirs.toArray(new String[0]));
    ObjectNode o = mapper.createObjectNode();
    if (r.error != null) {
      o.put("error", r.error);
    }
    if (r.output != null) {
      o.put("output", r.output);
    }
    if (r.compact != null) {
      o.put("compact", r.compact);
    }
    ObjectNode files = o.putObject("schemata");
    r.schemata.forEach(files::put);
    ArrayNode w = o.putArray("warnings");
    r.warnings.forEach(w::add);
    return o;
  }

  // --- schemas -------------------------------------------------------------

  /** text returns the JSON text of a payload field (see Harness). */
  private String text(JsonNode req, String field) throws Exception {
    JsonNode n = req.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException("missing \"" + field + "\"");
    }
    return n.isTextual() ? n.asText() : mapper.writeValueAsString(n);
  }

  /** Each schema gets its own parser, as two independent registrations would. */
  private Schema parse(JsonNode req, String field) throws Exception {
    return new Schema.Parser().parse(text(req, field));
  }

  private ObjectNode schema(JsonNode req) throws Exception {
    Schema s = parse(req, "schema");
    ObjectNode o = mapper.createObjectNode();
    o.put("compact", s.toString());
    o.put("pretty", s.toString(true));
    return o;
  }

  private ObjectNode canonical(JsonNode req) throws Exception {
    Schema s = parse(req, "schema");
    ObjectNode o = mapper.createObjectNode();
    o.put("canonical", SchemaNormalization.toParsingForm(s));
    // Unsigned decimal: Go holds the fingerprint as a uint64.
    o.put("fingerprint64", Long.toUnsignedString(SchemaNormalization.parsingFingerprint64(s)));
    o.put("md5", HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("MD5", s)));
    o.put("sha256", HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("SHA-256", s)));
    return o;
  }

  // --- compatibility ---------------------------------------------------------

  private ObjectNode compat(JsonNode req) throws Exception {
    Schema reader = parse(req, "reader");
    Schema writer = parse(req, "writer");
    SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    ObjectNode o = mapper.createObjectNode();
    o.put("compatibility", c.getResult().getCompatibility().name());
    ArrayNode list = o.putArray("incompatibilities");
    for (Incompatibility i : c.getResult().getIncompatibilities()) {
      ObjectNode n = list.addObject();
      n.put("type", i.getType().name());
      n.put("location", i.getLocation());
      n.put("message", i.getMessage());
    }
    return o;
  }

  /**
   * benchCompat times a FULL_TRANSITIVE check of new against every previous
   * version (both directions), iterations times, after warmup untimed rounds.
   * Parsing is outside the timed region: the Go side parses once as well.
   */
  private ObjectNode benchCompat(JsonNode req) throws Exception {
    Schema next = parse(req, "new");
    List<Schema> previous = new ArrayList<>();
    for (JsonNode p : req.path("previous")) {
      previous.add(new Schema.Parser().parse(p.isTextual() ? p.asText() : mapper.writeValueAsString(p)));
    }
    int iterations = Math.max(1, req.path("iterations").asInt(1));
    int warmup = Math.max(0, req.path("warmup").asInt(0));
    boolean compatible = true;
    for (int i = 0; i < warmup; i++) {
      compatible &= fullTransitive(next, previous);
    }
    // CPU time as well as wall time: on a loaded machine wall time mostly
    // measures the scheduler. Process CPU includes GC and JIT threads, as
    // the Go side's includes its GC.
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    long first = 0;
    for (int i = 0; i < iterations; i++) {
      compatible &= fullTransitive(next, previous);
      if (i == 0) {
        first = System.nanoTime() - start;
      }
    }
    long elapsed = System.nanoTime() - start;
    long cpu = os.getProcessCpuTime() - cpuStart;
    ObjectNode o = mapper.createObjectNode();
    o.put("elapsedNs", elapsed);
    o.put("cpuNs", cpu);
    o.put("firstIterationNs", first);
    o.put("iterations", iterations);
    o.put("checks", (long) iterations * previous.size() * 2);
    o.put("compatible", compatible);
    return o;
  }

  private static boolean fullTransitive(Schema next, List<Schema> previous) {
    boolean ok = true;
    for (Schema p : previous) {
      ok &= SchemaCompatibility.checkReaderWriterCompatibility(next, p)
          .getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
      ok &= SchemaCompatibility.checkReaderWriterCompatibility(p, next)
          .getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
    return ok;
  }

  // --- wire format -------------------------------------------------------------

  private ObjectNode encode(JsonNode req) throws Exception {
    Schema s = parse(req, "schema");
    String json = text(req, "json");
    Object datum = new GenericDatumReader<Object>(s).read(null, DecoderFactory.get().jsonDecoder(s, json));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(buf, null);
    new GenericDatumWriter<Object>(s).write(datum, enc);
    enc.flush();
    ObjectNode o = mapper.createObjectNode();
    o.put("data", Base64.getEncoder().encodeToString(buf.toByteArray()));
    return o;
  }

  private ObjectNode decode(JsonNode req) throws Exception {
    Schema writer = parse(req, "writer");
    Schema reader = req.hasNonNull("reader") ? parse(req, "reader") : writer;
    byte[] data = Base64.getDecoder().decode(req.path("data").asText());
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(data, null);
    Object datum = new GenericDatumReader<Object>(writer, reader).read(null, dec);
    int trailing = 0;
    while (!dec.isEnd()) {
      dec.readFixed(new byte[1]);
      trailing++;
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    JsonEncoder enc = EncoderFactory.get().jsonEncoder(reader, buf);
    new GenericDatumWriter<Object>(reader).write(datum, enc);
    enc.flush();
    ObjectNode o = mapper.createObjectNode();
    o.put("json", buf.toString(StandardCharsets.UTF_8));
    o.put("trailing", trailing);
    return o;
  }

  private ObjectNode bigDecimal(JsonNode req) {
    org.apache.avro.Conversions.BigDecimalConversion conv = new org.apache.avro.Conversions.BigDecimalConversion();
    ObjectNode r = mapper.createObjectNode();
    ArrayNode bytes = r.putArray("bytes");
    ArrayNode text = r.putArray("text");
    for (JsonNode v : req.path("values")) {
      java.math.BigDecimal d = new java.math.BigDecimal(v.asText());
      java.nio.ByteBuffer b = conv.toBytes(d, null, null);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      bytes.add(Base64.getEncoder().encodeToString(out));
      text.add(d.toString());
    }
    ArrayNode read = r.putArray("read");
    for (JsonNode v : req.path("data")) {
      try {
        read.add(conv.fromBytes(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(v.asText())), null, null).toString());
      } catch (RuntimeException e) {
        read.add("error: " + describe(e));
      }
    }
    return r;
  }
}
