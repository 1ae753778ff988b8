package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;

/**
 * The CMS ContentInfo around conveyed information (RFC 8572 section 3.1): unsigned is content type
 * {@code id-ct-sztpConveyedInfoXML} (1.2.840.113549.1.9.16.1.42) or {@code ...JSON} (...16.1.43) wrapping an
 * OCTET STRING; signed is SignedData with that eContentType.
 */
public final class ConveyedInformationCms {
  public static final String OID_XML = "1.2.840.113549.1.9.16.1.42";
  public static final String OID_JSON = "1.2.840.113549.1.9.16.1.43";

  private ConveyedInformationCms() {}

  /** What a ContentInfo holds. */
  public record Unwrapped(Encoding encoding, byte[] document, boolean signed) {}

  /** DER ContentInfo of the unsigned form. */
  public static Bytes wrapUnsigned(byte[] document, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /**
   * Reads either form. For SignedData the encapsulated content is returned and {@code signed} is true; the
   * signature is NOT checked here (that is the trust layer's job).
   */
  public static Unwrapped unwrap(Bytes contentInfo) {
    throw new UnsupportedOperationException("codec in progress");
  }
}
