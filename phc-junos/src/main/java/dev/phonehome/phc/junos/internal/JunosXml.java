package dev.phonehome.phc.junos.internal;

import dev.phonehome.phc.core.internal.codec.SafeXml;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilder;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Hardened XML parsing and local-name navigation for Junos replies. DTDs, external entities and XInclude are
 * off (a DOCTYPE is rejected). Elements are matched by local name, so replies with or without the NETCONF
 * namespace, and with {@code junos:} attributes, read the same.
 *
 * <p>Parsing uses {@code phc-core}'s shared hardened {@link SafeXml} builder.
 */
public final class JunosXml {
  private static final char BOM = '\uFEFF';

  private JunosXml() {}

  /** Parses a document (a leading UTF-8 BOM is ignored). */
  public static Element parse(String xml) throws SAXException {
    String text = xml;
    int start = 0;
    while (start < text.length() && (text.charAt(start) == BOM || Character.isWhitespace(text.charAt(start)))) {
      start++;
    }
    text = text.substring(start);
    try {
      DocumentBuilder builder = SafeXml.newDocumentBuilder();
      Document doc = builder.parse(new InputSource(new StringReader(text)));
      return doc.getDocumentElement();
    } catch (IOException e) {
      throw new SAXException(e);
    }
  }

  /** The local name of an element, whatever its namespace or prefix. */
  public static String localName(Element e) {
    String ln = e.getLocalName();
    if (ln == null) {
      ln = e.getNodeName();
    }
    int colon = ln.indexOf(':');
    return colon < 0 ? ln : ln.substring(colon + 1);
  }

  /** Direct child elements with this local name. */
  public static List<Element> children(Element parent, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName(e).equals(localName)) {
        out.add(e);
      }
    }
    return out;
  }

  /** All direct child elements. */
  public static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  public static Optional<Element> child(Element parent, String localName) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName(e).equals(localName)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Descendant elements with this local name, in document order. */
  public static List<Element> descendants(Element root, String localName) {
    List<Element> out = new ArrayList<>();
    collect(root, localName, out);
    return out;
  }

  private static void collect(Element e, String localName, List<Element> out) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        if (localName(c).equals(localName)) {
          out.add(c);
        }
        collect(c, localName, out);
      }
    }
  }

  public static Optional<Element> descendant(Element root, String localName) {
    List<Element> all = descendants(root, localName);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** The stripped text of a direct child, or null when absent. */
  public static @Nullable String childText(Element parent, String localName) {
    return child(parent, localName).map(JunosXml::text).orElse(null);
  }

  /** The stripped text content of an element. */
  public static String text(Element e) {
    return e.getTextContent().strip();
  }

  /** Escapes text for element content and attribute values. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
