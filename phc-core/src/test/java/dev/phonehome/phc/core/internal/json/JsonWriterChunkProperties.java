package dev.phonehome.phc.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import okio.Buffer;

/**
 * The writer encodes UTF-8 in chunks of a few thousand characters: documents longer than a chunk, with
 * characters outside the BMP (surrogate pairs) and escapes at every position, including across a chunk
 * boundary, come out byte for byte as Moshi writes them.
 */
class JsonWriterChunkProperties {

  @Property(tries = 200)
  void longDocumentsWithSurrogatePairsAtEveryPositionEqualMoshis(@ForAll("documents") List<String> strings)
      throws IOException {
    byte[] ours = JsonWriter.write(w -> {
      w.beginArray();
      for (String s : strings) {
        w.value(s);
      }
      w.endArray();
    }, "", true);
    Buffer moshi = new Buffer();
    try (com.squareup.moshi.JsonWriter m = com.squareup.moshi.JsonWriter.of(moshi)) {
      m.beginArray();
      for (String s : strings) {
        m.value(s);
      }
      m.endArray();
    }
    assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(moshi.readUtf8());
  }

  @Property(tries = 100)
  void flushingMidDocumentLosesNothing(@ForAll("documents") List<String> strings) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonWriter w = JsonWriter.of(out)) {
      w.beginArray();
      for (String s : strings) {
        w.value(s);
        w.flush();
      }
      w.endArray();
    }
    byte[] whole = JsonWriter.write(w -> {
      w.beginArray();
      for (String s : strings) {
        w.value(s);
      }
      w.endArray();
    }, "", true);
    assertThat(out.toByteArray()).isEqualTo(whole);
  }

  @Provide
  Arbitrary<List<String>> documents() {
    Arbitrary<String> text = Arbitraries.strings().withChars("ab\"\\\n\u0001é€😀𝄞").ofMinLength(0).ofMaxLength(9000);
    return text.list().ofMinSize(1).ofMaxSize(4);
  }
}
