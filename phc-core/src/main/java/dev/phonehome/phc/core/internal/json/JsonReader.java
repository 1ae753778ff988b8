package dev.phonehome.phc.core.internal.json;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A pull reader of one JSON value (RFC 8259, strict: no comments, no single quotes, no unquoted names, no
 * trailing commas, no NaN, no raw control characters in strings, UTF-8 only). Tokens are read on demand, so a
 * large document streams. Every error names the path it happened at, JSONPath style: {@code $.a.b[0].c}.
 *
 * <ul>
 *   <li>{@link JsonEncodingException}: not well-formed (syntax, escapes, encoding);
 *   <li>{@link EOFException}: the input ended inside the value;
 *   <li>{@link JsonDataException}: well-formed but not what was asked for (a string where an object was
 *       expected, a number out of range, nesting deeper than {@value #MAX_DEPTH}).
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class JsonReader implements Closeable {
  /** The kinds of token {@link #peek()} reports. */
  public enum Token {
    BEGIN_ARRAY, END_ARRAY, BEGIN_OBJECT, END_OBJECT, NAME, STRING, NUMBER, BOOLEAN, NULL, END_DOCUMENT
  }

  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 255;

  private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
  private static final int MAX_NUMBER_CHARS = 1024;

  private static final int EMPTY_DOCUMENT = 0;
  private static final int NONEMPTY_DOCUMENT = 1;
  private static final int EMPTY_ARRAY = 2;
  private static final int NONEMPTY_ARRAY = 3;
  private static final int EMPTY_OBJECT = 4;
  private static final int DANGLING_NAME = 5;
  private static final int NONEMPTY_OBJECT = 6;

  private final Reader in;
  private final char[] buf = new char[8192];
  private int pos;
  private int limit;

  private int[] scopes = new int[32];
  private @Nullable String[] names = new String[32];
  private int[] indices = new int[32];
  private int depth;

  private @Nullable Token peeked;
  /** The text of a peeked number. */
  private @Nullable String peekedNumber;
  /** The value of a peeked boolean. */
  private boolean peekedBoolean;

  private JsonReader(Reader in) {
    this.in = in;
    scopes[depth++] = EMPTY_DOCUMENT;
  }

  /** A reader of UTF-8 JSON from {@code in}; malformed UTF-8 is a {@link JsonEncodingException}. */
  public static JsonReader of(InputStream in) {
    return new JsonReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)));
  }

  /** A reader of the UTF-8 JSON in {@code json}. */
  public static JsonReader of(byte[] json) {
    return of(new ByteArrayInputStream(json));
  }

  /** The kind of the next token, without consuming it. */
  public Token peek() throws IOException {
    Token t = peeked;
    return t != null ? t : doPeek();
  }

  private Token doPeek() throws IOException {
    int scope = scopes[depth - 1];
    switch (scope) {
      case EMPTY_ARRAY -> {
        scopes[depth - 1] = NONEMPTY_ARRAY;
        if (nextNonWhitespace(true) == ']') {
          pos++;
          return peeked = Token.END_ARRAY;
        }
      }
      case NONEMPTY_ARRAY -> {
        int c = nextNonWhitespace(true);
        if (c == ']') {
          pos++;
          return peeked = Token.END_ARRAY;
        }
        if (c != ',') {
          throw syntax("expected ',' or ']' but was " + describe(c));
        }
        pos++;
      }
      case EMPTY_OBJECT, NONEMPTY_OBJECT -> {
        int c = nextNonWhitespace(true);
        if (c == '}') {
          if (scope == EMPTY_OBJECT) {
            pos++;
            return peeked = Token.END_OBJECT;
          }
          pos++;
          return peeked = Token.END_OBJECT;
        }
        if (scope == NONEMPTY_OBJECT) {
          if (c != ',') {
            throw syntax("expected ',' or '}' but was " + describe(c));
          }
          pos++;
          c = nextNonWhitespace(true);
        }
        if (c != '"') {
          throw syntax("expected a member name in double quotes but was " + describe(c));
        }
        pos++;
        scopes[depth - 1] = DANGLING_NAME;
        return peeked = Token.NAME;
      }
      case DANGLING_NAME -> {
        int c = nextNonWhitespace(true);
        if (c != ':') {
          throw syntax("expected ':' but was " + describe(c));
        }
        pos++;
        scopes[depth - 1] = NONEMPTY_OBJECT;
      }
      case EMPTY_DOCUMENT -> scopes[depth - 1] = NONEMPTY_DOCUMENT;
      case NONEMPTY_DOCUMENT -> {
        int c = nextNonWhitespace(false);
        if (c == -1) {
          return peeked = Token.END_DOCUMENT;
        }
        throw syntax("expected the end of the document but was " + describe(c));
      }
      default -> throw new IllegalStateException("JsonReader is closed");
    }
    return peekValue();
  }

  private Token peekValue() throws IOException {
    int c = nextNonWhitespace(true);
    switch (c) {
      case '{' -> {
        pos++;
        return peeked = Token.BEGIN_OBJECT;
      }
      case '[' -> {
        pos++;
        return peeked = Token.BEGIN_ARRAY;
      }
      case '"' -> {
        pos++;
        return peeked = Token.STRING;
      }
      case 't' -> {
        literal("true");
        peekedBoolean = true;
        return peeked = Token.BOOLEAN;
      }
      case 'f' -> {
        literal("false");
        peekedBoolean = false;
        return peeked = Token.BOOLEAN;
      }
      case 'n' -> {
        literal("null");
        return peeked = Token.NULL;
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          peekedNumber = readNumber();
          return peeked = Token.NUMBER;
        }
        throw syntax("unexpected " + describe(c));
      }
    }
  }

  public void beginArray() throws IOException {
    expect(Token.BEGIN_ARRAY);
    push(EMPTY_ARRAY);
  }

  public void endArray() throws IOException {
    expect(Token.END_ARRAY);
    pop();
  }

  public void beginObject() throws IOException {
    expect(Token.BEGIN_OBJECT);
    push(EMPTY_OBJECT);
  }

  public void endObject() throws IOException {
    expect(Token.END_OBJECT);
    pop();
  }

  /** True when the current array or object has another element. */
  public boolean hasNext() throws IOException {
    Token t = peek();
    return t != Token.END_ARRAY && t != Token.END_OBJECT && t != Token.END_DOCUMENT;
  }

  public String nextName() throws IOException {
    expect(Token.NAME);
    String name = readString();
    names[depth - 1] = name;
    peeked = null;
    return name;
  }

  /** A string, or a number's text as written. */
  public String nextString() throws IOException {
    Token t = peek();
    String s;
    if (t == Token.STRING) {
      s = readString();
    } else if (t == Token.NUMBER) {
      s = peekedNumber;
    } else {
      throw unexpected("a string", t);
    }
    consumed();
    return s;
  }

  public boolean nextBoolean() throws IOException {
    expect(Token.BOOLEAN);
    consumed();
    return peekedBoolean;
  }

  public void nextNull() throws IOException {
    expect(Token.NULL);
    consumed();
  }

  /** A number (or a string holding one) that is an exact int. */
  public int nextInt() throws IOException {
    long v = nextIntegral("an int");
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new JsonDataException("expected an int but was " + v + " at path " + getPath());
    }
    consumed();
    return (int) v;
  }

  /** A number (or a string holding one) that is an exact long. */
  public long nextLong() throws IOException {
    long v = nextIntegral("a long");
    consumed();
    return v;
  }

  private long nextIntegral(String what) throws IOException {
    Token t = peek();
    String text;
    if (t == Token.NUMBER) {
      text = peekedNumber;
    } else if (t == Token.STRING) {
      text = readString();
      peekedNumber = text;
      peeked = Token.NUMBER;
    } else {
      throw unexpected(what, t);
    }
    try {
      if (text.length() <= 19) {
        return Long.parseLong(text);
      }
    } catch (NumberFormatException e) {
      // a fraction or an exponent: below
    }
    double d;
    try {
      d = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new JsonDataException("expected " + what + " but was " + shorten(text) + " at path " + getPath());
    }
    long l = (long) d;
    if (l != d || Double.isInfinite(d) || Math.abs(d) >= 0x1p63) {
      throw new JsonDataException("expected " + what + " but was " + shorten(text) + " at path " + getPath());
    }
    return l;
  }

  /** Skips the next value, with everything nested in it. */
  public void skipValue() throws IOException {
    int nesting = 0;
    do {
      Token t = peek();
      switch (t) {
        case BEGIN_ARRAY -> {
          beginArray();
          nesting++;
        }
        case BEGIN_OBJECT -> {
          beginObject();
          nesting++;
        }
        case END_ARRAY -> {
          endArray();
          nesting--;
        }
        case END_OBJECT -> {
          endObject();
          nesting--;
        }
        case NAME -> nextName();
        case STRING -> {
          skipString();
          consumed();
        }
        case NUMBER, BOOLEAN, NULL -> consumed();
        case END_DOCUMENT -> throw new JsonDataException("expected a value but was the end of the document at path "
            + getPath());
      }
    } while (nesting > 0);
    if (nesting < 0) {
      throw new JsonDataException("skipValue() at the end of an array or object at path " + getPath());
    }
    names[depth - 1] = "null";
  }

  /** Where the reader is, JSONPath style: {@code $.a.b[2].c}. */
  public String getPath() {
    StringBuilder b = new StringBuilder("$");
    for (int i = 1; i < depth; i++) {
      switch (scopes[i]) {
        case EMPTY_ARRAY, NONEMPTY_ARRAY -> b.append('[').append(indices[i]).append(']');
        case EMPTY_OBJECT, DANGLING_NAME, NONEMPTY_OBJECT -> {
          b.append('.');
          String n = names[i];
          if (n != null) {
            b.append(n);
          }
        }
        default -> {
          // documents have no path segment
        }
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    peeked = null;
    Arrays.fill(scopes, -1);
    depth = 1;
    in.close();
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private void expect(Token token) throws IOException {
    Token t = peek();
    if (t != token) {
      throw unexpected(token.name(), t);
    }
    peeked = null;
  }

  private JsonDataException unexpected(String what, Token was) {
    return new JsonDataException("expected " + what + " but was " + was + " at path " + getPath());
  }

  /** After a value: the enclosing array counts it. */
  private void consumed() {
    peeked = null;
    peekedNumber = null;
    indices[depth - 1]++;
  }

  private void push(int scope) {
    if (depth - 1 >= MAX_DEPTH) {
      throw new JsonDataException("nesting too deep (more than " + MAX_DEPTH + " levels) at path " + getPath());
    }
    if (depth == scopes.length) {
      int n = depth * 2;
      scopes = Arrays.copyOf(scopes, n);
      names = Arrays.copyOf(names, n);
      indices = Arrays.copyOf(indices, n);
    }
    scopes[depth] = scope;
    names[depth] = null;
    indices[depth] = 0;
    depth++;
  }

  private void pop() {
    depth--;
    names[depth] = null;
    indices[depth - 1]++;
  }

  private boolean fill(int minimum) throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    while (limit < minimum) {
      int n;
      try {
        n = in.read(buf, limit, buf.length - limit);
      } catch (CharacterCodingException e) {
        throw new JsonEncodingException("malformed UTF-8 at path " + getPath(), e);
      }
      if (n < 0) {
        return false;
      }
      limit += n;
    }
    return true;
  }

  /** The next character that is not whitespace, not consumed; -1 at the end (an error when required). */
  private int nextNonWhitespace(boolean required) throws IOException {
    while (true) {
      if (pos == limit && !fill(1)) {
        if (required) {
          throw new EOFException("end of input at path " + getPath());
        }
        return -1;
      }
      char c = buf[pos];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        pos++;
      } else {
        return c;
      }
    }
  }

  private void literal(String word) throws IOException {
    if (limit - pos < word.length() && !fill(word.length())) {
      throw new EOFException("end of input in " + word + " at path " + getPath());
    }
    for (int i = 0; i < word.length(); i++) {
      if (buf[pos + i] != word.charAt(i)) {
        throw syntax("unexpected " + describe(buf[pos])
            + (buf[pos] == word.charAt(0) ? " (not " + word + ")" : ""));
      }
    }
    pos += word.length();
    checkDelimiter(word);
  }

  private void checkDelimiter(String after) throws IOException {
    if (pos == limit && !fill(1)) {
      return;
    }
    char c = buf[pos];
    if (!(c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ',' || c == ']' || c == '}')) {
      throw syntax("unexpected " + describe(c) + " after " + shorten(after));
    }
  }

  private String readNumber() throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos == limit && !fill(1)) {
        break;
      }
      char c = buf[pos];
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
        if (b.length() == MAX_NUMBER_CHARS) {
          throw syntax("number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        b.append(c);
        pos++;
      } else {
        break;
      }
    }
    String s = b.toString();
    if (!NUMBER.matcher(s).matches()) {
      throw syntax("malformed number " + shorten(s));
    }
    checkDelimiter(s);
    return s;
  }

  /** The rest of a string whose opening quote was consumed by peek(). */
  private String readString() throws IOException {
    StringBuilder b = null;
    while (true) {
      int start = pos;
      while (pos < limit) {
        char c = buf[pos];
        if (c == '"') {
          String chunk = new String(buf, start, pos - start);
          pos++;
          return b == null ? chunk : b.append(chunk).toString();
        }
        if (c == '\\' || c < 0x20) {
          break;
        }
        pos++;
      }
      if (b == null) {
        b = new StringBuilder(Math.max(16, (pos - start) * 2));
      }
      b.append(buf, start, pos - start);
      if (pos == limit) {
        if (!fill(1)) {
          throw new EOFException("unterminated string at path " + getPath());
        }
        continue;
      }
      char c = buf[pos];
      if (c < 0x20) {
        throw syntax(String.format("unescaped control character U+%04X in a string", (int) c));
      }
      pos++;
      b.append(escape());
    }
  }

  private void skipString() throws IOException {
    while (true) {
      while (pos < limit) {
        char c = buf[pos];
        if (c == '"') {
          pos++;
          return;
        }
        if (c == '\\') {
          pos++;
          escape();
          continue;
        }
        if (c < 0x20) {
          throw syntax(String.format("unescaped control character U+%04X in a string", (int) c));
        }
        pos++;
      }
      if (!fill(1)) {
        throw new EOFException("unterminated string at path " + getPath());
      }
    }
  }

  /** The character of an escape whose backslash was consumed. */
  private char escape() throws IOException {
    if (pos == limit && !fill(1)) {
      throw new EOFException("unterminated escape at path " + getPath());
    }
    char c = buf[pos++];
    switch (c) {
      case '"', '\\', '/' -> {
        return c;
      }
      case 'b' -> {
        return '\b';
      }
      case 'f' -> {
        return '\f';
      }
      case 'n' -> {
        return '\n';
      }
      case 'r' -> {
        return '\r';
      }
      case 't' -> {
        return '\t';
      }
      case 'u' -> {
        if (limit - pos < 4 && !fill(4)) {
          throw new EOFException("unterminated \\u escape at path " + getPath());
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
          int d = Character.digit(buf[pos + i], 16);
          if (d < 0) {
            throw syntax("malformed escape \\u" + new String(buf, pos, 4));
          }
          v = v << 4 | d;
        }
        pos += 4;
        return (char) v;
      }
      default -> throw syntax("malformed escape \\" + c);
    }
  }

  private JsonEncodingException syntax(String message) {
    return new JsonEncodingException(message + " at path " + getPath());
  }

  private static String describe(int c) {
    if (c == -1) {
      return "the end of the document";
    }
    if (c < 0x20 || c == 0x7f) {
      return String.format("U+%04X", c);
    }
    return "'" + (char) c + "'";
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
