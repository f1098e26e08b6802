// Writes SmallOrder (see order.go) with Apache Avro 1.12.2 GenericDatumWriter
// and BinaryEncoder and prints the bytes in hex: the Java reference for
// TestSpecEncodeMatchesJava. Run from bench/ with avro 1.12.2 and its
// dependencies (jackson, commons-*, slf4j-api) on the class path:
//
//   java -cp "$CP" testdata/java/EncodeSmallOrder.java testdata/order.avsc > testdata/small_order.java.hex

import org.apache.avro.Schema;
import org.apache.avro.generic.*;
import org.apache.avro.io.*;
import java.io.*;
import java.math.*;
import java.nio.ByteBuffer;
import java.util.*;
public class EncodeSmallOrder {
  static ByteBuffer dec(long cents) { return ByteBuffer.wrap(new BigDecimal(BigInteger.valueOf(cents), 2).unscaledValue().toByteArray()); }
  public static void main(String[] a) throws Exception {
    Schema s = new Schema.Parser().parse(new File(a[0]));
    Schema li = s.getField("items").schema().getElementType();
    Schema ad = s.getField("shipping_address").schema();
    GenericRecord o = new GenericData.Record(s);
    o.put("order_id", "3f1c2a6e-8b4d-4c1f-9a77-52d0e9b1c0aa");
    o.put("customer_id", 4281337042L);
    o.put("created_at", java.time.Instant.parse("2026-11-27T14:15:16.789Z").toEpochMilli());
    o.put("status", new GenericData.EnumSymbol(s.getField("status").schema(), "PAID"));
    Object[][] items = {{"SKU-000123","Espresso beans, 1kg",2,2499L,false},{"SKU-004711","Ceramic cup",6,850L,true},{"SKU-020040","Burr grinder",1,18900L,false},{"SKU-000007","Descaler",3,699L,false},{"SKU-031415","Milk frother (stainless steel)",1,4550L,false}};
    List<GenericRecord> l = new ArrayList<>(); long total = 0;
    for (Object[] it : items) { GenericRecord r = new GenericData.Record(li); r.put("sku", it[0]); r.put("name", it[1]); r.put("quantity", it[2]); r.put("unit_price", dec((Long)it[3])); r.put("gift_wrap", it[4]); l.add(r); total += (Integer)it[2] * (Long)it[3]; }
    o.put("items", l);
    o.put("total", dec(total));
    o.put("currency", "EUR");
    GenericRecord addr = new GenericData.Record(ad);
    addr.put("line1", "Keizersgracht 123"); addr.put("line2", "Apartment 4B"); addr.put("city", "Amsterdam"); addr.put("postal_code", "1015 CJ"); addr.put("country_code", "NL");
    o.put("shipping_address", addr);
    o.put("attributes", Map.of("channel", "web"));
    o.put("weight_kg", 3.75);
    o.put("coupon", "WINTER-SALE-10");
    o.put("note", null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(s).write(o, e); e.flush();
    System.out.println(HexFormat.of().formatHex(out.toByteArray()));
  }
}
