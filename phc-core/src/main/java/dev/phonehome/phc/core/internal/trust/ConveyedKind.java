package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.core.internal.json.JsonReader;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/**
 * Tells redirect information from onboarding information by the name of the document's top element, without
 * decoding the rest (the trust layer must decide whether it may use a document before the codec acts on it).
 * The XML reader refuses DTDs and external entities.
 */
public final class ConveyedKind {
  private static final XMLInputFactory XML = hardenedFactory();

  private ConveyedKind() {}

  /**
   * True when the document's top element is {@code redirect-information} (JSON:
   * {@code ietf-sztp-conveyed-info:redirect-information}; XML: the local name of the root element). Anything
   * unreadable is not redirect information.
   */
  public static boolean isRedirect(ConveyedDocument document) {
    String name = document.encoding() == Encoding.JSON ? firstJsonMember(document.document())
        : xmlRoot(document.document());
    if (name == null) {
      return false;
    }
    int colon = name.indexOf(':');
    String local = colon >= 0 ? name.substring(colon + 1) : name;
    return local.equals("redirect-information");
  }

  private static @Nullable String firstJsonMember(byte[] json) {
    try {
      JsonReader r = JsonReader.of(json);
      if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return null;
      }
      r.beginObject();
      return r.hasNext() ? r.nextName() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable String xmlRoot(byte[] xml) {
    XMLStreamReader r = null;
    try {
      r = XML.createXMLStreamReader(new ByteArrayInputStream(xml));
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.DTD) {
          return null;
        }
        if (ev == XMLStreamConstants.START_ELEMENT) {
          return r.getLocalName();
        }
      }
      return null;
    } catch (XMLStreamException | RuntimeException e) {
      return null;
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException e) {
          // nothing to do
        }
      }
    }
  }

  private static XMLInputFactory hardenedFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    try {
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    } catch (IllegalArgumentException e) {
      // not supported by this StAX implementation; SUPPORT_DTD=false already refuses DTDs
    }
    return f;
  }
}
