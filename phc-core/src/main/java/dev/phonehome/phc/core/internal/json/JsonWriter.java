package dev.phonehome.phc.core.internal.json;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A streaming writer of one JSON value (RFC 8259), UTF-8. Compact by default; with {@link #setIndent} each
 * member and element goes on its own line and names are followed by {@code ": "}. Strings escape {@code "},
 * {@code \}, the control characters (the short forms {@code \b \t \n \f \r}, else <code>&#92;u00XX</code>) and U+2028 /
 * U+2029. A name is written with its value, so {@code name(n).nullValue()} writes nothing unless
 * {@link #setSerializeNulls} is on. Not thread-safe.
 */
public final class JsonWriter implements Closeable, Flushable {
  private static final int EMPTY_DOCUMENT = 0;
  private static final int NONEMPTY_DOCUMENT = 1;
  private static final int EMPTY_ARRAY = 2;
  private static final int NONEMPTY_ARRAY = 3;
  private static final int EMPTY_OBJECT = 4;
  private static final int DANGLING_NAME = 5;
  private static final int NONEMPTY_OBJECT = 6;

  private final Writer out;
  private int[] scopes = new int[32];
  private int depth;
  private String indent = "";
  private boolean serializeNulls;
  private @Nullable String deferredName;

  private JsonWriter(Writer out) {
    this.out = out;
    scopes[depth++] = EMPTY_DOCUMENT;
  }

  /** A writer of UTF-8 JSON to {@code out}; {@link #close()} flushes and closes {@code out}. */
  public static JsonWriter of(OutputStream out) {
    return new JsonWriter(new Utf8Writer(out));
  }

  /** Writes one value with {@code body} and returns the UTF-8 bytes. */
  public static byte[] write(Body body, String indent, boolean serializeNulls) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonWriter w = of(bytes)) {
      w.setIndent(indent);
      w.setSerializeNulls(serializeNulls);
      body.write(w);
    }
    return bytes.toByteArray();
  }

  /** What {@link #write(Body, String, boolean)} runs. */
  @FunctionalInterface
  public interface Body {
    void write(JsonWriter w) throws IOException;
  }

  /** The indentation per level; empty (the default) writes compact JSON. */
  public void setIndent(String indent) {
    this.indent = Objects.requireNonNull(indent, "indent");
  }

  /** Whether a name followed by a null value is written ({@code "n": null}) or left out (the default). */
  public void setSerializeNulls(boolean serializeNulls) {
    this.serializeNulls = serializeNulls;
  }

  public JsonWriter beginObject() throws IOException {
    writeDeferredName();
    return open(EMPTY_OBJECT, '{');
  }

  public JsonWriter endObject() throws IOException {
    return close(EMPTY_OBJECT, NONEMPTY_OBJECT, '}');
  }

  public JsonWriter beginArray() throws IOException {
    writeDeferredName();
    return open(EMPTY_ARRAY, '[');
  }

  public JsonWriter endArray() throws IOException {
    return close(EMPTY_ARRAY, NONEMPTY_ARRAY, ']');
  }

  /** The name of the next member; written together with its value. */
  public JsonWriter name(String name) throws IOException {
    Objects.requireNonNull(name, "name");
    if (depth == 0) {
      throw new IllegalStateException("JsonWriter is closed");
    }
    int scope = scopes[depth - 1];
    if ((scope != EMPTY_OBJECT && scope != NONEMPTY_OBJECT) || deferredName != null) {
      throw new IllegalStateException("a name is only allowed in an object, before its value");
    }
    deferredName = name;
    return this;
  }

  /** A string, or {@link #nullValue()} for null. */
  public JsonWriter value(@Nullable String value) throws IOException {
    if (value == null) {
      return nullValue();
    }
    writeDeferredName();
    beforeValue();
    string(value);
    return this;
  }

  public JsonWriter value(boolean value) throws IOException {
    writeDeferredName();
    beforeValue();
    out.write(value ? "true" : "false");
    return this;
  }

  public JsonWriter value(long value) throws IOException {
    writeDeferredName();
    beforeValue();
    out.write(Long.toString(value));
    return this;
  }

  /** A finite number as {@link Number#toString()} writes it; null writes {@link #nullValue()}. */
  public JsonWriter value(@Nullable Number value) throws IOException {
    if (value == null) {
      return nullValue();
    }
    String s = value.toString();
    if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity")) {
      throw new IllegalArgumentException("JSON has no " + s);
    }
    writeDeferredName();
    beforeValue();
    out.write(s);
    return this;
  }

  public JsonWriter nullValue() throws IOException {
    if (deferredName != null) {
      if (!serializeNulls) {
        deferredName = null;
        return this;
      }
      writeDeferredName();
    }
    beforeValue();
    out.write("null");
    return this;
  }

  /** {@code json}, already encoded, as the next value (e.g. RFC 7951's {@code [null]}); not checked. */
  public JsonWriter rawValue(String json) throws IOException {
    writeDeferredName();
    beforeValue();
    out.write(json);
    return this;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Flushes and closes the stream. @throws IOException when the document is incomplete */
  @Override
  public void close() throws IOException {
    out.close();
    int size = depth;
    depth = 0;
    if (size > 1 || (size == 1 && scopes[0] != NONEMPTY_DOCUMENT)) {
      throw new IOException("incomplete JSON document");
    }
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private JsonWriter open(int empty, char bracket) throws IOException {
    beforeValue();
    if (depth == scopes.length) {
      scopes = Arrays.copyOf(scopes, depth * 2);
    }
    scopes[depth++] = empty;
    out.write(bracket);
    return this;
  }

  private JsonWriter close(int empty, int nonempty, char bracket) throws IOException {
    int scope = depth == 0 ? -1 : scopes[depth - 1];
    if (scope != empty && scope != nonempty) {
      throw new IllegalStateException("nesting problem: " + bracket + " does not close what is open");
    }
    if (deferredName != null) {
      throw new IllegalStateException("dangling name: " + deferredName);
    }
    depth--;
    if (scope == nonempty) {
      newline();
    }
    out.write(bracket);
    return this;
  }

  private void writeDeferredName() throws IOException {
    String name = deferredName;
    if (name != null) {
      int scope = scopes[depth - 1];
      if (scope == NONEMPTY_OBJECT) {
        out.write(',');
      } else if (scope != EMPTY_OBJECT) {
        throw new IllegalStateException("nesting problem");
      }
      newline();
      scopes[depth - 1] = DANGLING_NAME;
      string(name);
      deferredName = null;
    }
  }

  private void beforeValue() throws IOException {
    if (depth == 0) {
      throw new IllegalStateException("JsonWriter is closed");
    }
    switch (scopes[depth - 1]) {
      case EMPTY_DOCUMENT -> scopes[depth - 1] = NONEMPTY_DOCUMENT;
      case NONEMPTY_DOCUMENT -> throw new IllegalStateException("JSON must have only one top-level value");
      case EMPTY_ARRAY -> {
        scopes[depth - 1] = NONEMPTY_ARRAY;
        newline();
      }
      case NONEMPTY_ARRAY -> {
        out.write(',');
        newline();
      }
      case DANGLING_NAME -> {
        out.write(indent.isEmpty() ? ":" : ": ");
        scopes[depth - 1] = NONEMPTY_OBJECT;
      }
      default -> throw new IllegalStateException("a value in an object needs a name first");
    }
  }

  private void newline() throws IOException {
    if (indent.isEmpty()) {
      return;
    }
    out.write('\n');
    for (int i = 1; i < depth; i++) {
      out.write(indent);
    }
  }

  private void string(String s) throws IOException {
    out.write('"');
    int last = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      String replacement;
      if (c < 0x20) {
        replacement = switch (c) {
          case '\b' -> "\\b";
          case '\t' -> "\\t";
          case '\n' -> "\\n";
          case '\f' -> "\\f";
          case '\r' -> "\\r";
          default -> String.format("\\u%04x", (int) c);
        };
      } else if (c == '"') {
        replacement = "\\\"";
      } else if (c == '\\') {
        replacement = "\\\\";
      } else if (c == '\u2028') {
        replacement = "\\u2028";
      } else if (c == '\u2029') {
        replacement = "\\u2029";
      } else {
        continue;
      }
      if (last < i) {
        out.write(s, last, i - last);
      }
      out.write(replacement);
      last = i + 1;
    }
    if (last < n) {
      out.write(s, last, n - last);
    }
    out.write('"');
  }

  /**
   * UTF-8 to a stream through a char buffer that is encoded in chunks. (An {@code OutputStreamWriter} encodes
   * every single-character write on its own, under a lock: writing a client's saved state cost several times
   * its size in CPU, thousands of times per fleet run.) A surrogate pair is never split between two chunks.
   * Not thread-safe.
   */
  private static final class Utf8Writer extends Writer {
    private static final int CHUNK = 8192;
    private final OutputStream out;
    private final StringBuilder buffer = new StringBuilder(512);

    Utf8Writer(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int c) throws IOException {
      buffer.append((char) c);
      drainIfFull();
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      buffer.append(chars, offset, length);
      drainIfFull();
    }

    @Override
    public void write(String s, int offset, int length) throws IOException {
      buffer.append(s, offset, offset + length);
      drainIfFull();
    }

    private void drainIfFull() throws IOException {
      if (buffer.length() >= CHUNK) {
        drain();
      }
    }

    /** Encodes what is buffered, except a trailing high surrogate, which waits for its pair. */
    private void drain() throws IOException {
      int n = buffer.length();
      if (n > 0 && Character.isHighSurrogate(buffer.charAt(n - 1))) {
        n--;
      }
      if (n > 0) {
        out.write(buffer.substring(0, n).getBytes(StandardCharsets.UTF_8));
        buffer.delete(0, n);
      }
    }

    @Override
    public void flush() throws IOException {
      drain();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      drain();
      if (buffer.length() > 0) {
        out.write(buffer.toString().getBytes(StandardCharsets.UTF_8));
        buffer.setLength(0);
      }
      out.close();
    }
  }
}
