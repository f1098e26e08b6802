package avroctl.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Object Container File operations: Java's DataFileWriter and
 * DataFileReader with every codec of the specification (snappy-java,
 * zstd-jni, xz and commons-compress on the class path).
 *
 * <ul>
 * <li>{@code ocfWrite {schema, json: [Avro JSON values], codec, level?,
 * syncInterval?}} -> {@code {data}} (the file, base64)</li>
 * <li>{@code ocfRead {data}} -> {@code {codec, schema, count, blocks, datums,
 * records}}: datums is every block's decompressed bytes back to back
 * (base64), records the number GenericDatumReader read</li>
 * </ul>
 */
final class OcfOps {
  private OcfOps() {}

  static ObjectNode dispatch(ObjectMapper mapper, String op, JsonNode req) throws Exception {
    switch (op) {
    case "ocfWrite":
      return write(mapper, req);
    case "ocfRead":
      return read(mapper, req);
    default:
      return null;
    }
  }

  static CodecFactory codec(String name, int level) {
    if (level == 0) {
      return CodecFactory.fromString(name);
    }
    switch (name) {
    case "deflate":
      return CodecFactory.deflateCodec(level);
    case "xz":
      return CodecFactory.xzCodec(level);
    case "zstandard":
      return CodecFactory.zstandardCodec(level);
    default:
      return CodecFactory.fromString(name);
    }
  }

  private static ObjectNode write(ObjectMapper mapper, JsonNode req) throws Exception {
    Schema s = new Schema.Parser().parse(req.path("schema").asText());
    GenericDatumReader<Object> jr = new GenericDatumReader<>(s);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Object> w = new DataFileWriter<>(new GenericDatumWriter<Object>(s))) {
      w.setCodec(codec(req.path("codec").asText("null"), req.path("level").asInt(0)));
      if (req.has("syncInterval")) {
        w.setSyncInterval(req.path("syncInterval").asInt());
      }
      w.create(s, out);
      for (JsonNode v : req.path("json")) {
        Decoder d = DecoderFactory.get().jsonDecoder(s, v.asText());
        w.append(jr.read(null, d));
      }
    }
    ObjectNode o = mapper.createObjectNode();
    o.put("data", Base64.getEncoder().encodeToString(out.toByteArray()));
    return o;
  }

  private static ObjectNode read(ObjectMapper mapper, JsonNode req) throws Exception {
    byte[] data = Base64.getDecoder().decode(req.path("data").asText());
    ObjectNode o = mapper.createObjectNode();
    ByteArrayOutputStream datums = new ByteArrayOutputStream();
    long count = 0, blocks = 0;
    // Expert API: the decompressed blocks as the file holds them.
    try (DataFileReader<Object> r = new DataFileReader<>(new SeekableByteArrayInput(data), new GenericDatumReader<Object>())) {
      o.put("codec", r.getMetaString("avro.codec"));
      o.put("schema", r.getSchema().toString());
      while (r.hasNext()) {
        ByteBuffer b = r.nextBlock();
        count += r.getBlockCount();
        blocks++;
        datums.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      }
    }
    // And every record decoded, as an application reads the file.
    long records = 0;
    try (DataFileStream<Object> r = new DataFileStream<>(new ByteArrayInputStream(data), new GenericDatumReader<Object>())) {
      Object reuse = null;
      while (r.hasNext()) {
        reuse = r.next(reuse);
        records++;
      }
    }
    o.put("count", count);
    o.put("blocks", blocks);
    o.put("records", records);
    o.put("datums", Base64.getEncoder().encodeToString(datums.toByteArray()));
    return o;
  }
}
