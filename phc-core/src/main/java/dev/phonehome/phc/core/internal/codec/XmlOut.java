package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.PhcProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The canonical XML writer of the codecs: UTF-8, an XML declaration, two-space indentation, one leaf per line,
 * {@code <a/>} for empty elements. Also copies an element subtree from a StAX reader verbatim (the Junos
 * configuration), which is the one serializer for configuration bytes in both directions.
 */
final class XmlOut {
  private final Writer w;
  private final ArrayDeque<String> open = new ArrayDeque<>();
  private final boolean pretty;
  /** A start tag written without its closing {@code >}: an element with no content yet becomes {@code <a/>}. */
  private boolean pendingStart;

  private XmlOut(OutputStream out, boolean pretty) {
    this.w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    this.pretty = pretty;
  }

  /** A pretty-printing document writer with the XML declaration already written. */
  static XmlOut document(OutputStream out) {
    XmlOut x = new XmlOut(out, true);
    x.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    return x;
  }

  /** Opens a container element; {@code xmlns} may be null. */
  XmlOut start(String name, String xmlns) {
    indent();
    write("<" + name);
    if (xmlns != null) {
      write(" xmlns=\"" + escapeAttr(xmlns) + "\"");
    }
    pendingStart = true;
    open.push(name);
    return this;
  }

  XmlOut start(String name) {
    return start(name, null);
  }

  XmlOut end() {
    String name = open.pop();
    if (pendingStart) {
      pendingStart = false;
      write("/>" + (pretty ? "\n" : ""));
      return this;
    }
    indent();
    write("</" + name + ">" + (pretty ? "\n" : ""));
    return this;
  }

  /** {@code <name>text</name>}, or nothing when {@code text} is null. */
  XmlOut leaf(String name, String text) {
    if (text == null) {
      return this;
    }
    indent();
    write("<" + name + ">");
    write(escapeText(name, text));
    write("</" + name + ">" + (pretty ? "\n" : ""));
    return this;
  }

  /**
   * {@code <name xmlns:prefix="ns">text</name>}: a leaf whose value is a QName (a YANG identityref, RFC 7950
   * section 9.10.3) with the prefix it uses declared on the leaf itself, so that a strict parser resolves it.
   */
  XmlOut leafWithPrefix(String name, String text, String prefix, String ns) {
    indent();
    write("<" + name + " xmlns:" + prefix + "=\"" + escapeAttr(ns) + "\">");
    write(escapeText(name, text));
    write("</" + name + ">" + (pretty ? "\n" : ""));
    return this;
  }

  /** {@code <name/>} (a YANG empty leaf, or a container without content). */
  XmlOut empty(String name, String xmlns) {
    indent();
    write("<" + name + (xmlns == null ? "" : " xmlns=\"" + escapeAttr(xmlns) + "\"") + "/>" + (pretty ? "\n" : ""));
    return this;
  }

  void finish() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed elements: " + open);
    }
    try {
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void indent() {
    if (pendingStart) {
      pendingStart = false;
      write(">" + (pretty ? "\n" : ""));
    }
    if (pretty) {
      write("  ".repeat(open.size()));
    }
  }

  private void write(String s) {
    try {
      w.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escapeText(String field, String s) {
    int bad = Texts.firstInvalidXmlChar(s);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          field + " contains a character XML cannot carry (U+" + String.format("%04X", (int) s.charAt(bad))
              + " at index " + bad + ")");
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '\r' -> "&#13;";
        default -> null;
      };
      if (rep != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  static String escapeAttr(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '"' -> b.append("&quot;");
        case '\t' -> b.append("&#9;");
        case '\n' -> b.append("&#10;");
        case '\r' -> b.append("&#13;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Serializes the element the reader is positioned on (START_ELEMENT) with all its content, leaving the reader
   * on its END_ELEMENT. Text, CDATA (as escaped text), elements, attributes and namespace declarations made
   * inside the subtree are kept; comments and processing instructions are dropped; a default namespace
   * inherited from outside the subtree is not carried (the Junos configuration inside a Juniper
   * {@code <device>} is in no namespace). Prefixes used but declared outside are declared on first use.
   *
   * @param limit the largest serialization allowed
   * @param path where the subtree is, for the error
   * @throws PhcProtocolException when the serialization exceeds {@code limit}
   */
  static byte[] copyElement(XMLStreamReader r, long limit, String path, String what) throws XMLStreamException {
    LimitedBuffer buf = new LimitedBuffer(limit, path, what);
    Writer out = new OutputStreamWriter(buf, StandardCharsets.UTF_8);
    copyElement(r, out, what);
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /**
   * Copies the element the reader is on into this document on its own line at the current indentation (see
   * {@link #copyElement(XMLStreamReader, long, String, String)} for what is kept).
   */
  XmlOut copy(XMLStreamReader r, String what) throws XMLStreamException {
    indent();
    copyElement(r, w, what);
    write(pretty ? "\n" : "");
    return this;
  }

  private static void copyElement(XMLStreamReader r, Writer out, String what) throws XMLStreamException {
    ArrayDeque<Set<String>> declared = new ArrayDeque<>();
    ArrayDeque<String> names = new ArrayDeque<>();
    boolean pendingStart = false;
    try {
      int depth = 0;
      int event = r.getEventType();
      while (true) {
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (pendingStart) {
              out.write('>');
            }
            Set<String> scope = new HashSet<>(declared.isEmpty() ? Set.of() : declared.peek());
            String qn = qname(r.getPrefix(), r.getLocalName());
            out.write('<');
            out.write(qn);
            for (int i = 0; i < r.getNamespaceCount(); i++) {
              String p = r.getNamespacePrefix(i);
              p = p == null ? "" : p;
              scope.add(p);
              out.write(p.isEmpty() ? " xmlns=\"" : " xmlns:" + p + "=\"");
              out.write(escapeAttr(r.getNamespaceURI(i) == null ? "" : r.getNamespaceURI(i)));
              out.write('"');
            }
            declareIfNeeded(out, scope, r.getPrefix(), r.getNamespaceURI());
            for (int i = 0; i < r.getAttributeCount(); i++) {
              String p = r.getAttributePrefix(i);
              declareIfNeeded(out, scope, p, r.getAttributeNamespace(i));
              out.write(' ');
              out.write(qname(p, r.getAttributeLocalName(i)));
              out.write("=\"");
              out.write(escapeAttr(r.getAttributeValue(i)));
              out.write('"');
            }
            declared.push(scope);
            names.push(qn);
            pendingStart = true;
            depth++;
          }
          case XMLStreamConstants.END_ELEMENT -> {
            if (pendingStart) {
              out.write("/>");
              pendingStart = false;
            } else {
              out.write("</" + names.peek() + ">");
            }
            names.pop();
            declared.pop();
            depth--;
            if (depth == 0) {
              return;
            }
          }
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
            if (pendingStart) {
              out.write('>');
              pendingStart = false;
            }
            out.write(escapeText(what, r.getText()));
          }
          default -> {
            // comments, processing instructions: dropped
          }
        }
        event = r.next();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void declareIfNeeded(Writer out, Set<String> scope, String prefix, String ns) throws IOException {
    String p = prefix == null ? "" : prefix;
    if (!p.isEmpty() && !scope.contains(p) && ns != null && !ns.isEmpty() && !p.equals("xml")) {
      out.write(" xmlns:" + p + "=\"" + escapeAttr(ns) + "\"");
      scope.add(p);
    }
  }

  private static String qname(String prefix, String local) {
    return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
  }

  /** A byte buffer that throws once it passes its limit. */
  static final class LimitedBuffer extends ByteArrayOutputStream {
    private final long limit;
    private final String path;
    private final String what;

    LimitedBuffer(long limit, String path, String what) {
      this.limit = limit;
      this.path = path;
      this.what = what;
    }

    @Override
    public synchronized void write(int b) {
      check(1);
      super.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      check(len);
      super.write(b, off, len);
    }

    private void check(int more) {
      if ((long) size() + more > limit) {
        throw new PhcProtocolException(what + " exceeds " + limit + " bytes", path);
      }
    }
  }
}
