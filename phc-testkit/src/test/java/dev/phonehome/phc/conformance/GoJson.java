package dev.phonehome.phc.conformance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Go's {@code encoding/json} as the opiproject sztp agent uses it: {@code json.NewDecoder(r)} with
 * {@code DisallowUnknownFields()} into fixed structs. Written from the documented behaviour of that package (not
 * from its code): object keys match a field's tag exactly, else case-insensitively; a key that matches no field
 * is an error ({@code json: unknown field "k"}); a value of the wrong JSON type is an error; {@code null}
 * leaves the field at its zero value; the last of duplicate keys wins.
 */
final class GoJson {
  private GoJson() {}

  /** A Go type: a struct (tagged fields), a slice of something, a string, an int. */
  sealed interface Type permits Struct, Slice, Str, Int {}

  record Struct(Map<String, Type> fields) implements Type {
    static Struct of(Object... nameAndType) {
      Map<String, Type> m = new LinkedHashMap<>();
      for (int i = 0; i < nameAndType.length; i += 2) {
        m.put((String) nameAndType[i], (Type) nameAndType[i + 1]);
      }
      return new Struct(m);
    }
  }

  record Slice(Type element) implements Type {}

  record Str() implements Type {}

  record Int() implements Type {}

  static final Str STRING = new Str();
  static final Int INT = new Int();

  /** What {@code Decode} returned: an error text, or the decoded value (Maps by field name, Lists, String, Long). */
  static final class GoError extends Exception {
    private static final long serialVersionUID = 1L;

    GoError(String message) {
      super(message);
    }
  }

  /** {@code json.NewDecoder(bytes).DisallowUnknownFields(); Decode(&v)} for a value of type {@code t}. */
  static Object decode(byte[] json, Type t) throws GoError {
    Parser p = new Parser(new String(json, java.nio.charset.StandardCharsets.UTF_8));
    Object tree = p.value();
    return convert(tree, t, "");
  }

  private static Object convert(@Nullable Object v, Type t, String where) throws GoError {
    if (t instanceof Str) {
      if (v == null) {
        return "";
      }
      if (!(v instanceof String s)) {
        throw new GoError("json: cannot unmarshal " + kind(v) + " into Go struct field " + where + " of type string");
      }
      return s;
    }
    if (t instanceof Int) {
      if (v == null) {
        return 0L;
      }
      if (!(v instanceof BigDecimal n)) {
        throw new GoError("json: cannot unmarshal " + kind(v) + " into Go struct field " + where + " of type int");
      }
      try {
        return n.longValueExact();
      } catch (ArithmeticException e) {
        throw new GoError("json: cannot unmarshal number " + n + " into Go struct field " + where + " of type int");
      }
    }
    if (t instanceof Slice sl) {
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof List<?> list)) {
        throw new GoError("json: cannot unmarshal " + kind(v) + " into Go struct field " + where + " of type []");
      }
      List<Object> out = new ArrayList<>();
      for (Object e : list) {
        out.add(convert(e, sl.element(), where));
      }
      return out;
    }
    Struct st = (Struct) t;
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Type> f : st.fields().entrySet()) {
      out.put(f.getKey(), zero(f.getValue()));
    }
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> obj)) {
      throw new GoError("json: cannot unmarshal " + kind(v) + " into Go value of type struct");
    }
    for (Map.Entry<?, ?> e : obj.entrySet()) {
      String key = (String) e.getKey();
      String field = match(st, key);
      if (field == null) {
        throw new GoError("json: unknown field \"" + key + "\"");
      }
      out.put(field, convert(e.getValue(), st.fields().get(field), where.isEmpty() ? field : where + "." + field));
    }
    return out;
  }

  private static @Nullable String match(Struct st, String key) {
    if (st.fields().containsKey(key)) {
      return key;
    }
    for (String f : st.fields().keySet()) {
      if (f.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  private static Object zero(Type t) {
    if (t instanceof Str) {
      return "";
    }
    if (t instanceof Int) {
      return 0L;
    }
    if (t instanceof Slice) {
      return List.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Type> f : ((Struct) t).fields().entrySet()) {
      out.put(f.getKey(), zero(f.getValue()));
    }
    return out;
  }

  private static String kind(Object v) {
    return v instanceof String ? "string" : v instanceof BigDecimal ? "number" : v instanceof Boolean ? "bool"
        : v instanceof List ? "array" : "object";
  }

  /** Go's json.Marshal of a tree of LinkedHashMaps, Lists and Strings: compact, fields in order, HTML escaped. */
  static String marshal(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v instanceof String s) {
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          case '<' -> b.append("\\u003c");
          case '>' -> b.append("\\u003e");
          case '&' -> b.append("\\u0026");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(b, e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(b, l.get(i));
      }
      b.append(']');
    } else {
      b.append(v);
    }
  }

  /** A small JSON parser to a tree: LinkedHashMap (last duplicate wins), List, String, BigDecimal, Boolean, null. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Object value() throws GoError {
      ws();
      if (i >= s.length()) {
        throw new GoError("EOF");
      }
      char c = s.charAt(i);
      if (c == '{') {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
          i++;
          return m;
        }
        while (true) {
          ws();
          if (peek() != '"') {
            throw new GoError("invalid character '" + peek() + "' looking for beginning of object key string");
          }
          String k = string();
          ws();
          expect(':');
          Object v = value();
          m.remove(k);
          m.put(k, v);
          ws();
          char n = next();
          if (n == '}') {
            return m;
          }
          if (n != ',') {
            throw new GoError("invalid character '" + n + "' after object key:value pair");
          }
        }
      }
      if (c == '[') {
        i++;
        List<Object> l = new ArrayList<>();
        ws();
        if (peek() == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          ws();
          char n = next();
          if (n == ']') {
            return l;
          }
          if (n != ',') {
            throw new GoError("invalid character '" + n + "' after array element");
          }
        }
      }
      if (c == '"') {
        return string();
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      if (start == i) {
        throw new GoError("invalid character '" + c + "' looking for beginning of value");
      }
      return new BigDecimal(s.substring(start, i));
    }

    private String string() throws GoError {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = next();
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private char peek() throws GoError {
      if (i >= s.length()) {
        throw new GoError("unexpected EOF");
      }
      return s.charAt(i);
    }

    private char next() throws GoError {
      char c = peek();
      i++;
      return c;
    }

    private void expect(char c) throws GoError {
      if (next() != c) {
        throw new GoError("invalid character, expected '" + c + "'");
      }
    }
  }
}
