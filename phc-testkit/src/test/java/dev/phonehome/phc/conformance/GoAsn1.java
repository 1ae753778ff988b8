package dev.phonehome.phc.conformance;

import java.util.Arrays;

/**
 * What the opiproject sztp agent does with {@code conveyed-information}: {@code protocol.ParseContentInfo(der)}
 * (a SEQUENCE of the content type OID and an optional {@code [0] EXPLICIT} content), then
 * {@code asn1.Unmarshal(ci.Content.Bytes, &rawValue)} and {@code rawValue.Bytes}: the contents of whatever
 * single element the [0] wraps. The content type is not looked at, and neither is the element's tag (an
 * OCTET STRING for an unsigned ContentInfo). A DER TLV walk written from X.690, not Go's code.
 */
final class GoAsn1 {
  private GoAsn1() {}

  /** The contents octets the agent ends up with, or an exception with Go's kind of complaint. */
  static byte[] conveyedContent(byte[] der) {
    Tlv contentInfo = Tlv.read(der, 0);
    if (contentInfo.tag != 0x30) {
      throw new IllegalArgumentException("asn1: structure error: tags don't match (16 vs " + contentInfo.tag + ")");
    }
    Tlv oid = Tlv.read(der, contentInfo.contentStart);
    if (oid.tag != 0x06) {
      throw new IllegalArgumentException("asn1: structure error: content type is not an OBJECT IDENTIFIER");
    }
    if (oid.end() >= contentInfo.end()) {
      throw new IllegalArgumentException("no content");
    }
    Tlv explicit = Tlv.read(der, oid.end());
    if (explicit.tag != 0xA0) {
      throw new IllegalArgumentException("asn1: structure error: content is not [0] EXPLICIT");
    }
    Tlv inner = Tlv.read(der, explicit.contentStart);
    return Arrays.copyOfRange(der, inner.contentStart, inner.end());
  }

  private record Tlv(int tag, int contentStart, int length) {
    int end() {
      return contentStart + length;
    }

    static Tlv read(byte[] b, int at) {
      int tag = b[at] & 0xff;
      int lenByte = b[at + 1] & 0xff;
      int p = at + 2;
      int len;
      if (lenByte < 0x80) {
        len = lenByte;
      } else {
        int n = lenByte & 0x7f;
        if (n == 0 || n > 4) {
          throw new IllegalArgumentException("asn1: syntax error: indefinite or too long length");
        }
        len = 0;
        for (int k = 0; k < n; k++) {
          len = (len << 8) | (b[p++] & 0xff);
        }
      }
      if (p + len > b.length) {
        throw new IllegalArgumentException("asn1: syntax error: data truncated");
      }
      return new Tlv(tag, p, len);
    }
  }
}
