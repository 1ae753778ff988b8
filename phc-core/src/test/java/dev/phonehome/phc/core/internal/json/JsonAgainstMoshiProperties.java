package dev.phonehome.phc.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import okio.Buffer;

/**
 * Our reader and writer against Moshi (the library the codecs used before, kept as a test peer): for random
 * JSON trees, both writers produce the same bytes, compact and indented, and our reader reads back what Moshi's
 * reader reads, token by token, including the paths.
 */
class JsonAgainstMoshiProperties {

  @Property(tries = 300)
  void compactAndIndentedOutputEqualMoshis(@ForAll("values") Object value) throws IOException {
    for (String indent : new String[] {"", "  "}) {
      byte[] ours = JsonWriter.write(w -> write(w, value), indent, true);
      Buffer buffer = new Buffer();
      try (com.squareup.moshi.JsonWriter m = com.squareup.moshi.JsonWriter.of(buffer)) {
        m.setIndent(indent);
        m.setSerializeNulls(true);
        writeMoshi(m, value);
      }
      assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(buffer.readUtf8());
    }
  }

  @Property(tries = 300)
  void tokensAndPathsEqualMoshis(@ForAll("values") Object value) throws IOException {
    byte[] json = JsonWriter.write(w -> write(w, value), "  ", true);
    List<String> ours = new ArrayList<>();
    List<String> moshis = new ArrayList<>();
    try (JsonReader r = JsonReader.of(json)) {
      while (true) {
        JsonReader.Token t = r.peek();
        ours.add(t + " " + r.getPath() + " " + consume(r, t));
        if (t == JsonReader.Token.END_DOCUMENT) {
          break;
        }
      }
    }
    com.squareup.moshi.JsonReader m = com.squareup.moshi.JsonReader.of(new Buffer().write(json));
    while (true) {
      com.squareup.moshi.JsonReader.Token t = m.peek();
      moshis.add(t + " " + m.getPath() + " " + consumeMoshi(m, t));
      if (t == com.squareup.moshi.JsonReader.Token.END_DOCUMENT) {
        break;
      }
    }
    assertThat(ours).isEqualTo(moshis);
  }

  @Property(tries = 200)
  void skipValueLeavesTheReaderWhereMoshisIs(@ForAll("values") Object value) throws IOException {
    byte[] json = ("{\"skipped\":" + new String(JsonWriter.write(w -> write(w, value), "", true),
        StandardCharsets.UTF_8) + ",\"after\":1}").getBytes(StandardCharsets.UTF_8);
    JsonReader r = JsonReader.of(json);
    r.beginObject();
    r.nextName();
    r.skipValue();
    com.squareup.moshi.JsonReader m = com.squareup.moshi.JsonReader.of(new Buffer().write(json));
    m.beginObject();
    m.nextName();
    m.skipValue();
    assertThat(r.getPath()).isEqualTo(m.getPath());
    assertThat(r.nextName()).isEqualTo(m.nextName());
    assertThat(r.nextInt()).isEqualTo(m.nextInt()).isEqualTo(1);
  }

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.recursive(this::leaf, this::container, 0, 4);
  }

  private Arbitrary<Object> leaf() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(12).map(s -> (Object) s),
        Arbitraries.strings().withChars("\"\\\n\t\b\f\r\u0000\u001f\u2028\u2029/é€😀").ofMaxLength(6).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just((Object) Null.NULL));
  }

  private Arbitrary<Object> container(Arbitrary<Object> inner) {
    return Arbitraries.oneOf(
        inner.list().ofMaxSize(4).map(l -> (Object) l),
        Arbitraries.maps(Arbitraries.strings().alpha().numeric().withChars(":-").ofMinLength(1).ofMaxLength(8), inner)
            .ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m)));
  }

  private enum Null { NULL }

  private static void write(JsonWriter w, Object v) throws IOException {
    if (v instanceof Map<?, ?> m) {
      w.beginObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        w.name((String) e.getKey());
        write(w, e.getValue());
      }
      w.endObject();
    } else if (v instanceof List<?> l) {
      w.beginArray();
      for (Object o : l) {
        write(w, o);
      }
      w.endArray();
    } else if (v instanceof String s) {
      w.value(s);
    } else if (v instanceof Long n) {
      w.value(n.longValue());
    } else if (v instanceof Boolean b) {
      w.value(b.booleanValue());
    } else {
      w.nullValue();
    }
  }

  private static void writeMoshi(com.squareup.moshi.JsonWriter w, Object v) throws IOException {
    if (v instanceof Map<?, ?> m) {
      w.beginObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        w.name((String) e.getKey());
        writeMoshi(w, e.getValue());
      }
      w.endObject();
    } else if (v instanceof List<?> l) {
      w.beginArray();
      for (Object o : l) {
        writeMoshi(w, o);
      }
      w.endArray();
    } else if (v instanceof String s) {
      w.value(s);
    } else if (v instanceof Long n) {
      w.value(n.longValue());
    } else if (v instanceof Boolean b) {
      w.value(b.booleanValue());
    } else {
      w.nullValue();
    }
  }

  private static String consume(JsonReader r, JsonReader.Token t) throws IOException {
    return switch (t) {
      case BEGIN_ARRAY -> {
        r.beginArray();
        yield "";
      }
      case END_ARRAY -> {
        r.endArray();
        yield "";
      }
      case BEGIN_OBJECT -> {
        r.beginObject();
        yield "";
      }
      case END_OBJECT -> {
        r.endObject();
        yield "";
      }
      case NAME -> r.nextName();
      case STRING, NUMBER -> r.nextString();
      case BOOLEAN -> String.valueOf(r.nextBoolean());
      case NULL -> {
        r.nextNull();
        yield "null";
      }
      case END_DOCUMENT -> "";
    };
  }

  private static String consumeMoshi(com.squareup.moshi.JsonReader r, com.squareup.moshi.JsonReader.Token t)
      throws IOException {
    return switch (t) {
      case BEGIN_ARRAY -> {
        r.beginArray();
        yield "";
      }
      case END_ARRAY -> {
        r.endArray();
        yield "";
      }
      case BEGIN_OBJECT -> {
        r.beginObject();
        yield "";
      }
      case END_OBJECT -> {
        r.endObject();
        yield "";
      }
      case NAME -> r.nextName();
      case STRING, NUMBER -> r.nextString();
      case BOOLEAN -> String.valueOf(r.nextBoolean());
      case NULL -> {
        r.nextNull();
        yield "null";
      }
      case END_DOCUMENT -> "";
    };
  }
}
