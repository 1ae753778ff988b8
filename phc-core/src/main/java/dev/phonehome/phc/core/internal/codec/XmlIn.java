package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.PhcProtocolException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A pull cursor over a hardened StAX reader that keeps an XPath-like path ({@code /device/virtual-chassis/member[2]/role})
 * for error messages. Every element entered by {@link #nextChild()} is left by exactly one of {@link #nextChild()}
 * returning false, {@link #text()}, {@link #leaf}, {@link #skip()} or {@link #copy}.
 */
final class XmlIn {
  private final XMLStreamReader r;
  private final Set<String> listNames;
  private final ArrayDeque<String> segments = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Integer>> counts = new ArrayDeque<>();

  private XmlIn(XMLStreamReader r, Set<String> listNames) {
    this.r = r;
    this.listNames = listNames;
  }

  static XmlIn open(InputStream in, Set<String> listNames) {
    return new XmlIn(SafeXml.newStreamReader(in), listNames);
  }

  /** Moves to the root element and enters it. */
  XmlIn root() {
    try {
      while (true) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          counts.push(new HashMap<>());
          enter();
          return this;
        }
        if (e == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace()) {
          throw new PhcProtocolException("malformed XML: text before the root element");
        }
        if (e == XMLStreamConstants.END_DOCUMENT) {
          throw new PhcProtocolException("malformed XML: no root element");
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** The local name of the current element. */
  String name() {
    return r.getLocalName();
  }

  String namespace() {
    String ns = r.getNamespaceURI();
    return ns == null ? "" : ns;
  }

  XMLStreamReader reader() {
    return r;
  }

  /** The current path, e.g. {@code /device/boot-image/md5}. */
  String path() {
    StringBuilder b = new StringBuilder();
    var it = segments.descendingIterator();
    while (it.hasNext()) {
      b.append('/').append(it.next());
    }
    return b.length() == 0 ? "/" : b.toString();
  }

  /**
   * Advances to the next child element of the current element and enters it (true), or consumes the current
   * element's end tag and leaves it (false). Text between children is ignored.
   */
  boolean nextChild() {
    try {
      while (true) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          enter();
          return true;
        }
        if (e == XMLStreamConstants.END_ELEMENT) {
          leave();
          return false;
        }
        if (e == XMLStreamConstants.END_DOCUMENT) {
          throw new PhcProtocolException("malformed XML: document ends early", path());
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** The text of the current (leaf) element, which it leaves. A child element is an error. */
  String text() {
    try {
      StringBuilder b = new StringBuilder();
      while (true) {
        int e = r.next();
        switch (e) {
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> b.append(r.getText());
          case XMLStreamConstants.END_ELEMENT -> {
            leave();
            return b.toString();
          }
          case XMLStreamConstants.START_ELEMENT ->
              throw new PhcProtocolException("expected text but found element <" + r.getLocalName() + ">", path());
          case XMLStreamConstants.END_DOCUMENT ->
              throw new PhcProtocolException("malformed XML: document ends early", path());
          default -> {
            // comments, processing instructions
          }
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /**
   * Reads the current leaf's stripped text and converts it; an {@link IllegalArgumentException} from
   * {@code convert} becomes a {@link PhcProtocolException} naming this path and the value.
   */
  <T> T leaf(Function<String, T> convert) {
    String p = path();
    String value = text().strip();
    try {
      return convert.apply(value);
    } catch (IllegalArgumentException e) {
      throw ConstraintViolation.invalidValue("invalid " + lastSegmentName(p) + " " + Texts.quote(value)
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), p);
    }
  }

  /**
   * Reads the current leaf as a QName value (a YANG identityref, RFC 7950 section 9.10.3) and leaves it.
   *
   * @return {module, prefix, local name, the text as written}: the module is the one whose namespace the prefix
   *     is declared to (for the modules {@link Rfc8572Codec} knows), or the prefix itself when it is not declared
   *     (the spelling of RFC 8572's own examples), or null without a prefix; a prefix declared to a namespace
   *     phc does not know gives a module that matches nothing
   */
  String[] leafQName() {
    String value = text().strip();
    int colon = value.indexOf(':');
    if (colon < 0) {
      return new String[] {null, null, value, value};
    }
    String prefix = value.substring(0, colon);
    String local = value.substring(colon + 1);
    String ns = r.getNamespaceURI(prefix);
    String module;
    if (ns == null || ns.isEmpty()) {
      module = prefix;
    } else {
      String known = Rfc8572Codec.moduleOfNamespace(ns);
      module = known != null ? known : "{" + ns + "}";
    }
    return new String[] {module, prefix, local, value};
  }

  /** The current leaf's stripped text. */
  String leaf() {
    return text().strip();
  }

  /** Skips the current element and everything in it. */
  void skip() {
    try {
      int depth = 1;
      while (depth > 0) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT) {
          depth++;
        } else if (e == XMLStreamConstants.END_ELEMENT) {
          depth--;
        } else if (e == XMLStreamConstants.END_DOCUMENT) {
          throw new PhcProtocolException("malformed XML: document ends early", path());
        }
      }
      leave();
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** Serializes the current element (see {@link XmlOut#copyElement}) and leaves it. */
  byte[] copy(long limit, String what) {
    try {
      byte[] b = XmlOut.copyElement(r, limit, path(), what);
      leave();
      return b;
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  /** Reads to the end of the document, which must hold nothing but whitespace and comments. */
  void finish() {
    try {
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT || (e == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace())) {
          throw new PhcProtocolException("malformed XML: content after the root element");
        }
      }
      r.close();
    } catch (XMLStreamException | RuntimeException e) {
      throw wrap(e);
    }
  }

  PhcProtocolException error(String message) {
    return new PhcProtocolException(message, path());
  }

  private void enter() {
    String n = r.getLocalName();
    int idx = counts.peek().merge(n, 1, Integer::sum);
    segments.push(listNames.contains(n) || idx > 1 ? n + "[" + idx + "]" : n);
    counts.push(new HashMap<>());
  }

  private void leave() {
    segments.pop();
    counts.pop();
  }

  private static String lastSegmentName(String path) {
    String s = path.substring(path.lastIndexOf('/') + 1);
    int b = s.indexOf('[');
    return b >= 0 ? s.substring(0, b) : s;
  }

  private static PhcProtocolException wrap(Exception e) {
    if (e instanceof PhcProtocolException p) {
      return p;
    }
    PhcProtocolException p = SafeXml.protocolCause(e);
    if (p != null) {
      return p;
    }
    if (e instanceof XMLStreamException x) {
      return SafeXml.malformed(x);
    }
    if (e instanceof RuntimeException re && !(re instanceof IllegalStateException)) {
      throw re;
    }
    return new PhcProtocolException("malformed XML: " + e.getMessage(), null, -1, e);
  }
}
