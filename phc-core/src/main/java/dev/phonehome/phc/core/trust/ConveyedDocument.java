package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Encoding;
import java.util.Arrays;
import java.util.Objects;

/**
 * The conveyed-information document a CMS ContentInfo carries (RFC 8572 section 3.1): the encoded
 * {@code redirect-information} or {@code onboarding-information}, its encoding (from the CMS content type
 * {@code id-ct-sztpConveyedInfoXML} or {@code ...JSON}), and whether it came inside a SignedData. Whether that
 * signature was checked is not recorded here: see {@link ConveyedInformationVerifier.Verified#trusted()}.
 *
 * <p>Immutable: the bytes are copied in and out. Equality compares the bytes.
 *
 * @param encoding the document's encoding
 * @param document the encoded document
 * @param signed true when the ContentInfo was a SignedData
 */
public record ConveyedDocument(Encoding encoding, byte[] document, boolean signed) {
  public ConveyedDocument {
    Objects.requireNonNull(encoding, "encoding");
    document = Objects.requireNonNull(document, "document").clone();
  }

  /** A copy of the encoded document. */
  @Override
  public byte[] document() {
    return document.clone();
  }

  /** The document's length in bytes, without copying it. */
  public int length() {
    return document.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConveyedDocument d && encoding == d.encoding && signed == d.signed
        && Arrays.equals(document, d.document);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * encoding.hashCode() + Arrays.hashCode(document)) + Boolean.hashCode(signed);
  }

  @Override
  public String toString() {
    return "ConveyedDocument{" + encoding + ", " + document.length + " bytes, signed=" + signed + "}";
  }
}
