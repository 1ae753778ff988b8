package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;

/**
 * The CMS ContentInfo around conveyed information (RFC 8572 section 3.1): unsigned is content type
 * {@code id-ct-sztpConveyedInfoXML} (1.2.840.113549.1.9.16.1.42) or {@code ...JSON} (...16.1.43) wrapping an
 * OCTET STRING; signed is SignedData with that eContentType. Content type {@code id-data} is accepted on input
 * too (section 3.1), its encoding read from the document.
 */
public final class ConveyedInformationCms {
  public static final String OID_XML = "1.2.840.113549.1.9.16.1.42";
  public static final String OID_JSON = "1.2.840.113549.1.9.16.1.43";
  /**
   * {@code id-data} (1.2.840.113549.1.7.1): RFC 8572 section 3.1 allows it as the content type of conveyed
   * information, the encoding then being communicated externally. phc reads the encoding from the document
   * itself ('{' is JSON, '&lt;' is XML), which agrees with any honest external signal and needs none.
   */
  public static final String OID_DATA = "1.2.840.113549.1.7.1";

  private ConveyedInformationCms() {}

  /** The content type OID for an encoding. */
  public static String contentType(Encoding encoding) {
    return encoding == Encoding.JSON ? OID_JSON : OID_XML;
  }

  /** DER ContentInfo of the unsigned form. */
  public static Bytes wrapUnsigned(byte[] document, Encoding encoding) {
    try {
      ContentInfo ci = new ContentInfo(new ASN1ObjectIdentifier(contentType(encoding)), new DEROctetString(document));
      return Bytes.of(ci.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads either form. For SignedData the encapsulated content is returned and {@code signed} is true; the
   * signature is NOT checked here (that is the trust layer's job).
   *
   * @throws PhcProtocolException when the bytes are not DER, not a ContentInfo, have another content type, or a
   *     SignedData without encapsulated content
   */
  public static ConveyedDocument unwrap(Bytes contentInfo) {
    byte[] der = contentInfo.toByteArray();
    ContentInfo ci;
    try (ASN1InputStream in = new ASN1InputStream(der)) {
      ASN1Primitive p = in.readObject();
      if (p == null) {
        throw new PhcProtocolException("conveyed-information is empty");
      }
      if (in.readObject() != null) {
        throw new PhcProtocolException("conveyed-information has bytes after its ContentInfo");
      }
      ci = ContentInfo.getInstance(p);
    } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new PhcProtocolException("conveyed-information is not a DER CMS ContentInfo: " + e.getMessage(), null, -1, e);
    }
    ASN1ObjectIdentifier type = ci.getContentType();
    try {
      if (type.equals(CMSObjectIdentifiers.signedData)) {
        SignedData sd = SignedData.getInstance(ci.getContent());
        ContentInfo encap = sd.getEncapContentInfo();
        ASN1Encodable content = encap.getContent();
        if (content == null) {
          throw new PhcProtocolException("SignedData has no encapsulated conveyed information (detached signature)");
        }
        byte[] octets = ASN1OctetString.getInstance(content).getOctets();
        return new ConveyedDocument(encodingOf(encap.getContentType(), "SignedData eContentType", octets), octets, true);
      }
      if (ci.getContent() == null) {
        throw new PhcProtocolException("ContentInfo " + type.getId() + " has no content");
      }
      byte[] octets = ASN1OctetString.getInstance(ci.getContent()).getOctets();
      return new ConveyedDocument(encodingOf(type, "content type", octets), octets, false);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new PhcProtocolException("malformed CMS " + type.getId() + ": " + e.getMessage(), null, -1, e);
    }
  }

  private static Encoding encodingOf(ASN1ObjectIdentifier oid, String what, byte[] document) {
    return encodingOf(oid.getId(), what, document);
  }

  /**
   * The encoding a conveyed-information content type names; for {@code id-data}, the encoding the document
   * shows (its first character after optional whitespace and byte order mark).
   *
   * @throws PhcProtocolException for another content type, or id-data content that is neither JSON nor XML
   */
  public static Encoding encodingOf(String oid, String what, byte[] document) {
    if (oid.equals(OID_JSON)) {
      return Encoding.JSON;
    }
    if (oid.equals(OID_XML)) {
      return Encoding.XML;
    }
    if (oid.equals(OID_DATA)) {
      return sniff(document).orElseThrow(() -> new PhcProtocolException("conveyed-information of content type"
          + " id-data (" + OID_DATA + ") is neither JSON nor XML"));
    }
    throw new PhcProtocolException("unsupported " + what + " " + oid + " (expected " + OID_XML + ", "
        + OID_JSON + " or id-data " + OID_DATA + ")");
  }

  /** JSON when the document starts with '{', XML when with '&lt;' (after whitespace and a UTF-8 BOM). */
  public static java.util.Optional<Encoding> sniff(byte[] document) {
    int i = 0;
    if (document.length >= 3 && (document[0] & 0xff) == 0xEF && (document[1] & 0xff) == 0xBB
        && (document[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < document.length && (document[i] == ' ' || document[i] == '\t' || document[i] == '\n'
        || document[i] == '\r')) {
      i++;
    }
    if (i == document.length) {
      return java.util.Optional.empty();
    }
    return document[i] == '{' ? java.util.Optional.of(Encoding.JSON)
        : document[i] == '<' ? java.util.Optional.of(Encoding.XML) : java.util.Optional.empty();
  }

  /**
   * Null when {@code der} is one DER (or BER) CMS ContentInfo of content type SignedData
   * (1.2.840.113549.1.7.2), as RFC 8572 requires of a {@code trust-anchor-cert}; else what is wrong with it.
   */
  public static @org.jspecify.annotations.Nullable String signedDataProblem(Bytes der) {
    try (ASN1InputStream in = new ASN1InputStream(der.toByteArray())) {
      ASN1Primitive p = in.readObject();
      if (p == null) {
        return "empty";
      }
      if (in.readObject() != null) {
        return "bytes after the ContentInfo";
      }
      ContentInfo ci = ContentInfo.getInstance(p);
      if (!ci.getContentType().equals(CMSObjectIdentifiers.signedData)) {
        return "content type " + ci.getContentType().getId();
      }
      SignedData.getInstance(ci.getContent());
      return null;
    } catch (IOException | RuntimeException e) {
      return "not DER: " + e.getMessage();
    }
  }
}
