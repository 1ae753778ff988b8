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
 * OCTET STRING; signed is SignedData with that eContentType.
 */
public final class ConveyedInformationCms {
  public static final String OID_XML = "1.2.840.113549.1.9.16.1.42";
  public static final String OID_JSON = "1.2.840.113549.1.9.16.1.43";

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
        Encoding encoding = encodingOf(encap.getContentType(), "SignedData eContentType");
        ASN1Encodable content = encap.getContent();
        if (content == null) {
          throw new PhcProtocolException("SignedData has no encapsulated conveyed information (detached signature)");
        }
        return new ConveyedDocument(encoding, ASN1OctetString.getInstance(content).getOctets(), true);
      }
      Encoding encoding = encodingOf(type, "content type");
      if (ci.getContent() == null) {
        throw new PhcProtocolException("ContentInfo " + type.getId() + " has no content");
      }
      return new ConveyedDocument(encoding, ASN1OctetString.getInstance(ci.getContent()).getOctets(), false);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new PhcProtocolException("malformed CMS " + type.getId() + ": " + e.getMessage(), null, -1, e);
    }
  }

  private static Encoding encodingOf(ASN1ObjectIdentifier oid, String what) {
    if (oid.getId().equals(OID_JSON)) {
      return Encoding.JSON;
    }
    if (oid.getId().equals(OID_XML)) {
      return Encoding.XML;
    }
    throw new PhcProtocolException("unsupported " + what + " " + oid.getId() + " (expected " + OID_XML + " or "
        + OID_JSON + ")");
  }
}
