package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.core.internal.json.JsonDataException;
import dev.phonehome.phc.core.internal.json.JsonEncodingException;
import dev.phonehome.phc.core.internal.json.JsonReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Strict typed reads over the streaming {@link JsonReader}: a leaf of the wrong JSON type, malformed or
 * truncated JSON all become {@link PhcProtocolException} with the path ({@code $.a.b[0].c}).
 */
final class JsonIn implements AutoCloseable {
  final JsonReader r;
  /** Characters of binary leaves read so far (excluded from the document size limit). */
  long binaryChars;

  private JsonIn(JsonReader r) {
    this.r = r;
  }

  static JsonIn open(InputStream in) {
    return new JsonIn(JsonReader.of(in));
  }

  interface Body<T> {
    T read(JsonIn in) throws IOException;
  }

  /** Runs {@code body}, translating the reader's exceptions. */
  <T> T read(Body<T> body) {
    try {
      T t = body.read(this);
      if (r.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new PhcProtocolException("malformed JSON: content after the top-level object", r.getPath());
      }
      return t;
    } catch (PhcProtocolException e) {
      throw e;
    } catch (JsonDataException e) {
      throw new PhcProtocolException(stripPath(e.getMessage()), r.getPath(), -1, e);
    } catch (JsonEncodingException e) {
      throw new PhcProtocolException("malformed JSON: " + stripPath(e.getMessage()), r.getPath(), -1, e);
    } catch (EOFException e) {
      throw new PhcProtocolException("truncated JSON (document ends early)", r.getPath(), -1, e);
    } catch (IOException e) {
      PhcProtocolException p = SafeXml.protocolCause(e);
      if (p != null) {
        throw p;
      }
      IOException io = SafeXml.ioCause(e);
      if (io != null) {
        throw new java.io.UncheckedIOException("reading the body failed: " + io.getMessage(), io);
      }
      throw new PhcProtocolException("malformed JSON: " + e.getMessage(), r.getPath(), -1, e);
    } catch (RuntimeException e) {
      PhcProtocolException p = SafeXml.protocolCause(e);
      if (p != null) {
        throw p;
      }
      throw e;
    }
  }

  private static String stripPath(String m) {
    if (m == null) {
      return "invalid JSON";
    }
    m = m.replace("Use JsonReader.setLenient(true) to accept malformed JSON", "syntax error");
    int at = m.lastIndexOf(" at path ");
    return at >= 0 ? m.substring(0, at) : m;
  }

  String path() {
    return r.getPath();
  }

  PhcProtocolException error(String message) {
    return new PhcProtocolException(message, r.getPath());
  }

  private void expect(JsonReader.Token token, String what) throws IOException {
    JsonReader.Token t = r.peek();
    if (t != token) {
      String shown = switch (t) {
        case STRING -> "the string " + Texts.quote(r.nextString());
        case NUMBER -> "the number " + r.nextString();
        case BOOLEAN -> "the boolean " + r.nextBoolean();
        case NULL -> "null";
        case BEGIN_OBJECT -> "an object";
        case BEGIN_ARRAY -> "an array";
        default -> t.toString();
      };
      throw new PhcProtocolException("expected " + what + " but was " + shown, r.getPath());
    }
  }

  void beginObject() throws IOException {
    expect(JsonReader.Token.BEGIN_OBJECT, "an object");
    r.beginObject();
  }

  void beginArray() throws IOException {
    expect(JsonReader.Token.BEGIN_ARRAY, "an array");
    r.beginArray();
  }

  String string() throws IOException {
    expect(JsonReader.Token.STRING, "a string");
    return r.nextString();
  }

  /** A string leaf converted by {@code f}; an IllegalArgumentException names this path and the value. */
  <T> T string(java.util.function.Function<String, T> f) throws IOException {
    String p = r.getPath();
    String s = string();
    try {
      return f.apply(s);
    } catch (IllegalArgumentException e) {
      throw ConstraintViolation.invalidValue("invalid " + leafName(p) + " " + Texts.quote(s)
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), p);
    }
  }

  /** A YANG {@code binary} leaf: base64, at most {@code max} decoded bytes. */
  dev.phonehome.phc.api.Bytes binary(long max) throws IOException {
    String p = r.getPath();
    String s = string();
    binaryChars += s.length();
    return JuniperXmlCodec.base64(s, p, new CodecLimits(Long.MAX_VALUE, max));
  }

  int integer(int min, int max) throws IOException {
    String p = r.getPath();
    expect(JsonReader.Token.NUMBER, "a number");
    String s = r.nextString();
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ConstraintViolation.invalidValue(
          "invalid " + leafName(p) + " " + s + " (not " + min + " to " + max + ")", p);
    }
  }

  /** A YANG {@code empty} leaf, RFC 7951 {@code [null]}. */
  void empty() throws IOException {
    String p = r.getPath();
    if (r.peek() != JsonReader.Token.BEGIN_ARRAY) {
      expect(JsonReader.Token.BEGIN_ARRAY, "[null] (an empty leaf)");
    }
    r.beginArray();
    if (r.peek() != JsonReader.Token.NULL) {
      throw new PhcProtocolException("expected [null] (an empty leaf)", p);
    }
    r.nextNull();
    if (r.peek() != JsonReader.Token.END_ARRAY) {
      throw new PhcProtocolException("expected [null] (an empty leaf)", p);
    }
    r.endArray();
  }

  static String leafName(String path) {
    String s = path.substring(path.lastIndexOf('.') + 1);
    int b = s.indexOf('[');
    s = b >= 0 ? s.substring(0, b) : s;
    return s.substring(s.indexOf(':') + 1);
  }

  /** A member name without its module prefix. */
  static String local(String name) {
    return name.substring(name.indexOf(':') + 1);
  }

  @Override
  public void close() {
    try {
      r.close();
    } catch (IOException ignored) {
      // reading is over
    }
  }
}
