package dev.phonehome.phc.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What RFC 8259 forbids is refused with the path; what ends early is an EOFException; nothing hangs. */
class JsonReaderHostileInputTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"a\":1,}", "[1,]", "{'a':1}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[NaN]", "[Infinity]",
      "[tru]", "[nul]", "[truex]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1 2]", "// c\n[1]", "[\"\\x\"]",
      "[\"\\u12G4\"]", "{} {}", "[--1]", "[1-2]"})
  void malformedJsonIsAnEncodingErrorWithAPath(String json) {
    assertThatThrownBy(() -> readAll(json)).isInstanceOf(JsonEncodingException.class)
        .hasMessageContaining(" at path $");
  }

  @Test
  void aRawControlCharacterInAStringIsRefusedByName() {
    assertThatThrownBy(() -> readAll("{\"a\":\"x\ny\"}")).isInstanceOf(JsonEncodingException.class)
        .hasMessage("unescaped control character U+000A in a string at path $.a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "{\"a\"", "{\"a\":", "{\"a\":\"xy", "[1,", "[\"\\u12", "{\"a\":tr"})
  void truncatedJsonIsAnEofException(String json) {
    assertThatThrownBy(() -> readAll(json)).isInstanceOf(EOFException.class);
  }

  @Test
  void malformedUtf8IsAnEncodingError() {
    byte[] bytes = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
    assertThatThrownBy(() -> {
      try (JsonReader r = JsonReader.of(bytes)) {
        r.beginArray();
        r.nextString();
      }
    }).isInstanceOf(JsonEncodingException.class).hasMessageContaining("malformed UTF-8");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefusedBeforeItCostsMemory() throws IOException {
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> readAll(deep)).isInstanceOf(JsonDataException.class)
        .hasMessageContaining("nesting too deep (more than 255 levels)");
    assertThat(readAll("[".repeat(255) + "]".repeat(255))).isEqualTo(510);
  }

  @Test
  void hugeExponentsAndLongNumbersDoNotHang() throws IOException {
    try (JsonReader r = JsonReader.of("[1e999999999, 12345678901234567890123]".getBytes(StandardCharsets.UTF_8))) {
      r.beginArray();
      assertThatThrownBy(r::nextInt).isInstanceOf(JsonDataException.class)
          .hasMessage("expected an int but was 1e999999999 at path $[0]");
    }
    String tooLong = "[" + "1".repeat(5000) + "]";
    assertThatThrownBy(() -> readAll(tooLong)).isInstanceOf(JsonEncodingException.class)
        .hasMessageContaining("number longer than 1024 characters");
  }

  @Test
  void wrongTypesNameWhatWasExpectedAndFound() throws IOException {
    try (JsonReader r = JsonReader.of("{\"a\":[true]}".getBytes(StandardCharsets.UTF_8))) {
      r.beginObject();
      r.nextName();
      r.beginArray();
      assertThatThrownBy(r::nextString).isInstanceOf(JsonDataException.class)
          .hasMessage("expected a string but was BOOLEAN at path $.a[0]");
    }
  }

  @Test
  void escapesAndSurrogatePairsDecode() throws IOException {
    try (JsonReader r = JsonReader.of("[\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]"
        .getBytes(StandardCharsets.UTF_8))) {
      r.beginArray();
      assertThat(r.nextString()).isEqualTo("a\"\\/\b\f\n\r\té😀");
    }
  }

  @Test
  void integralNumbersWrittenWithAFractionOrExponentReadAsInts() throws IOException {
    try (JsonReader r = JsonReader.of("[1.0, 2e1, -0, \"7\", 1.5]".getBytes(StandardCharsets.UTF_8))) {
      r.beginArray();
      assertThat(r.nextInt()).isEqualTo(1);
      assertThat(r.nextInt()).isEqualTo(20);
      assertThat(r.nextInt()).isZero();
      assertThat(r.nextInt()).isEqualTo(7);
      assertThatThrownBy(r::nextInt).isInstanceOf(JsonDataException.class).hasMessageContaining("$[4]");
    }
  }

  /** Reads every token; returns how many there were. */
  private static int readAll(String json) throws IOException {
    int n = 0;
    try (JsonReader r = JsonReader.of(json.getBytes(StandardCharsets.UTF_8))) {
      while (true) {
        JsonReader.Token t = r.peek();
        switch (t) {
          case BEGIN_ARRAY -> r.beginArray();
          case END_ARRAY -> r.endArray();
          case BEGIN_OBJECT -> r.beginObject();
          case END_OBJECT -> r.endObject();
          case NAME -> r.nextName();
          case STRING, NUMBER -> r.nextString();
          case BOOLEAN -> r.nextBoolean();
          case NULL -> r.nextNull();
          case END_DOCUMENT -> {
            return n;
          }
        }
        n++;
      }
    }
  }
}
