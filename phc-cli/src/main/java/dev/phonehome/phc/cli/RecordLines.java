package dev.phonehome.phc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Line numbers for record files, so that an error names the file and the line: a syntax check (XML or JSON)
 * that fails with line and column, and a map from document paths ({@code /device/boot-image/md5},
 * {@code $.onboarding-information.boot-image}) to the line where that element or member starts. The codecs
 * report paths, not lines; this turns one into the other.
 */
final class RecordLines {
  /** A syntax error at a line and column (1-based). */
  static final class SyntaxError extends Exception {
    final int line;
    final int column;

    SyntaxError(String message, int line, int column) {
      super(message);
      this.line = line;
      this.column = column;
    }
  }

  private final Map<String, Integer> lines;

  private RecordLines(Map<String, Integer> lines) {
    this.lines = lines;
  }

  /** Reads {@code file} (XML when it ends in .xml, JSON otherwise) and indexes where each path starts. */
  static RecordLines index(Path file) throws IOException, SyntaxError {
    if (file.getFileName().toString().endsWith(".xml")) {
      return indexXml(file);
    }
    return indexJson(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The line a codec path points at: exact, else its longest indexed prefix. */
  Optional<Integer> lineOf(String path) {
    String p = normalise(path);
    while (!p.isEmpty()) {
      Integer l = lines.get(p);
      if (l != null) {
        return Optional.of(l);
      }
      int cut = Math.max(p.lastIndexOf('/'), Math.max(p.lastIndexOf('.'), p.lastIndexOf('[')));
      if (cut <= 0) {
        break;
      }
      p = p.substring(0, cut);
    }
    return Optional.empty();
  }

  /**
   * One form for XML and JSON paths: a "/"-separated list of local names; module prefixes, "$", array
   * indexes [0] and a leading file name ("x.xml:") dropped.
   */
  static String normalise(String path) {
    String p = path.strip();
    int fileCut = p.indexOf(":/");
    if (fileCut >= 0 && !p.startsWith("/")) {
      p = p.substring(fileCut + 1);
    }
    p = p.replaceAll("\\[[^\\]]*\\]", "");
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    StringBuilder out = new StringBuilder();
    for (String seg : p.split("[./]")) {
      if (seg.isEmpty()) {
        continue;
      }
      int colon = seg.lastIndexOf(':');
      out.append('/').append(colon >= 0 ? seg.substring(colon + 1) : seg);
    }
    return out.toString();
  }

  private static RecordLines indexXml(Path file) throws IOException, SyntaxError {
    Map<String, Integer> lines = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      SAXParserFactory f = SAXParserFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      SAXParser parser = f.newSAXParser();
      parser.parse(in, new DefaultHandler() {
        private Locator locator;
        private final Deque<String> stack = new ArrayDeque<>();

        @Override
        public void setDocumentLocator(Locator locator) {
          this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
          String parent = stack.isEmpty() ? "" : stack.peek();
          String path = parent + "/" + (localName.isEmpty() ? qName : localName);
          stack.push(path);
          lines.putIfAbsent(path, locator == null ? 1 : locator.getLineNumber());
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
          stack.pop();
        }
      });
    } catch (SAXParseException e) {
      throw new SyntaxError("XML is not well formed: " + e.getMessage(), e.getLineNumber(), e.getColumnNumber());
    } catch (SAXException | ParserConfigurationException e) {
      throw new SyntaxError("XML is not well formed: " + e.getMessage(), 1, 1);
    }
    return new RecordLines(lines);
  }

  static RecordLines indexJson(String text) throws SyntaxError {
    Map<String, Integer> lines = new LinkedHashMap<>();
    JsonScanner s = new JsonScanner(text, lines);
    s.skipWs();
    s.value("");
    s.skipWs();
    if (s.pos < text.length()) {
      throw s.error("unexpected text after the JSON document");
    }
    return new RecordLines(lines);
  }

  /** A small strict JSON scanner (RFC 8259) that only tracks where values start. */
  private static final class JsonScanner {
    private final String t;
    private final Map<String, Integer> lines;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;

    JsonScanner(String t, Map<String, Integer> lines) {
      this.t = t;
      this.lines = lines;
    }

    SyntaxError error(String msg) {
      return new SyntaxError("JSON is not valid: " + msg, line, pos - lineStart + 1);
    }

    void skipWs() {
      while (pos < t.length()) {
        char c = t.charAt(pos);
        if (c == '\n') {
          line++;
          pos++;
          lineStart = pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          pos++;
        } else {
          break;
        }
      }
    }

    void value(String path) throws SyntaxError {
      if (pos >= t.length()) {
        throw error("unexpected end of input");
      }
      if (++depth > 200) {
        throw error("nested more than 200 deep");
      }
      lines.putIfAbsent(path.isEmpty() ? "/" : path, line);
      char c = t.charAt(pos);
      switch (c) {
        case '{' -> object(path);
        case '[' -> array(path);
        case '"' -> string();
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            number();
          } else {
            throw error("unexpected character '" + c + "'");
          }
        }
      }
      depth--;
    }

    private void object(String path) throws SyntaxError {
      pos++;
      skipWs();
      if (peek() == '}') {
        pos++;
        return;
      }
      while (true) {
        skipWs();
        if (peek() != '"') {
          throw error("expected a member name in double quotes");
        }
        String name = string();
        skipWs();
        if (peek() != ':') {
          throw error("expected ':' after member name \"" + name + "\"");
        }
        pos++;
        skipWs();
        int colon = name.lastIndexOf(':');
        value(path + "/" + (colon >= 0 ? name.substring(colon + 1) : name));
        skipWs();
        char c = peek();
        pos++;
        if (c == '}') {
          return;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}' in an object");
        }
      }
    }

    private void array(String path) throws SyntaxError {
      pos++;
      skipWs();
      if (peek() == ']') {
        pos++;
        return;
      }
      while (true) {
        skipWs();
        value(path);
        skipWs();
        char c = peek();
        pos++;
        if (c == ']') {
          return;
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']' in an array");
        }
      }
    }

    private String string() throws SyntaxError {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (pos < t.length()) {
        char c = t.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          if (pos >= t.length()) {
            break;
          }
          char e = t.charAt(pos++);
          if (e == 'u') {
            if (pos + 4 > t.length()) {
              throw error("truncated \\u escape");
            }
            pos += 4;
          } else if ("\"\\/bfnrt".indexOf(e) < 0) {
            throw error("bad escape \\" + e);
          }
          sb.append('?');
        } else if (c < 0x20) {
          pos--;
          throw error("control character in a string (a string must end on the line it starts)");
        } else {
          sb.append(c);
        }
      }
      throw error("unterminated string");
    }

    private void literal(String word) throws SyntaxError {
      if (!t.startsWith(word, pos)) {
        throw error("expected " + word);
      }
      pos += word.length();
    }

    private void number() throws SyntaxError {
      int start = pos;
      while (pos < t.length() && "+-0123456789.eE".indexOf(t.charAt(pos)) >= 0) {
        pos++;
      }
      try {
        Double.parseDouble(t.substring(start, pos));
      } catch (NumberFormatException e) {
        pos = start;
        throw error("bad number");
      }
    }

    private char peek() throws SyntaxError {
      if (pos >= t.length()) {
        throw error("unexpected end of input");
      }
      return t.charAt(pos);
    }
  }
}
