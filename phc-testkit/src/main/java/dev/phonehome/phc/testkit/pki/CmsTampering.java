package dev.phonehome.phc.testkit.pki;

import dev.phonehome.phc.api.Bytes;
import java.io.IOException;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;

/**
 * Deliberate damage to CMS SignedData for negative tests: the structure stays well-formed DER, only the
 * signed bytes or the signature change, so that a verifier must notice by checking the signature.
 */
public final class CmsTampering {
  private CmsTampering() {}

  /** The same SignedData with its encapsulated content replaced by {@code content} (signature untouched). */
  public static Bytes replaceContent(Bytes signedData, byte[] content) {
    ContentInfo ci = contentInfo(signedData);
    SignedData sd = SignedData.getInstance(ci.getContent());
    ContentInfo encap = new ContentInfo(sd.getEncapContentInfo().getContentType(), new DEROctetString(content));
    SignedData changed = new SignedData(sd.getDigestAlgorithms(), encap, sd.getCertificates(), sd.getCRLs(),
        sd.getSignerInfos());
    return encode(new ContentInfo(ci.getContentType(), changed));
  }

  /** The same SignedData with the last bit of the first signer's signature value flipped. */
  public static Bytes flipLastSignatureBit(Bytes signedData) {
    ContentInfo ci = contentInfo(signedData);
    SignedData sd = SignedData.getInstance(ci.getContent());
    ASN1Set signers = sd.getSignerInfos();
    ASN1EncodableVector out = new ASN1EncodableVector();
    for (int i = 0; i < signers.size(); i++) {
      SignerInfo si = SignerInfo.getInstance(signers.getObjectAt(i));
      if (i == 0) {
        byte[] sig = si.getEncryptedDigest().getOctets().clone();
        sig[sig.length - 1] ^= 1;
        si = new SignerInfo(si.getSID(), si.getDigestAlgorithm(), si.getAuthenticatedAttributes(),
            si.getDigestEncryptionAlgorithm(), new DEROctetString(sig), si.getUnauthenticatedAttributes());
      }
      out.add(si);
    }
    SignedData changed = new SignedData(sd.getDigestAlgorithms(), sd.getEncapContentInfo(), sd.getCertificates(),
        sd.getCRLs(), new DERSet(out));
    return encode(new ContentInfo(ci.getContentType(), changed));
  }

  private static ContentInfo contentInfo(Bytes der) {
    try {
      return ContentInfo.getInstance(ASN1Primitive.fromByteArray(der.toByteArray()));
    } catch (IOException e) {
      throw new IllegalArgumentException("not DER: " + e.getMessage(), e);
    }
  }

  private static Bytes encode(ContentInfo ci) {
    try {
      return Bytes.of(ci.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

}
