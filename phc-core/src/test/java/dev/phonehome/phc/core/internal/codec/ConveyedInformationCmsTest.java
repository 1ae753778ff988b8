package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

class ConveyedInformationCmsTest {
  static final byte[] DOC = Golden.bytes("rfc8572/redirect-information.json");

  @Test
  void unsignedJsonContentInfoMatchesTheHandWrittenDer() {
    Bytes wrapped = ConveyedInformationCms.wrapUnsigned(DOC, Encoding.JSON);
    assertThat(wrapped).isEqualTo(Bytes.of(Golden.bytes("cms/redirect-information-json.der")));
    assertThat(ConveyedInformationCms.unwrap(wrapped))
        .isEqualTo(new ConveyedDocument(Encoding.JSON, DOC, false));
  }

  @Test
  void unsignedXmlUsesTheXmlContentType() throws Exception {
    byte[] xml = Golden.bytes("rfc8572/redirect-information.xml");
    Bytes wrapped = ConveyedInformationCms.wrapUnsigned(xml, Encoding.XML);
    ContentInfo ci = ContentInfo.getInstance(wrapped.toByteArray());
    assertThat(ci.getContentType().getId()).isEqualTo("1.2.840.113549.1.9.16.1.42");
    ConveyedDocument u = ConveyedInformationCms.unwrap(wrapped);
    assertThat(u.encoding()).isEqualTo(Encoding.XML);
    assertThat(u.document()).isEqualTo(xml);
    assertThat(u.signed()).isFalse();
  }

  @Test
  void signedDataYieldsTheEncapsulatedDocumentWithoutCheckingTheSignature() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
    X509CertificateHolder cert = new JcaX509v3CertificateBuilder(new X500Name("CN=owner"), BigInteger.ONE,
        new Date(0), new Date(4102444800000L), new X500Name("CN=owner"), kp.getPublic()).build(signer);
    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
    gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
        new JcaDigestCalculatorProviderBuilder().build()).build(signer, cert));
    CMSSignedData signed = gen.generate(
        new CMSProcessableByteArray(new ASN1ObjectIdentifier(ConveyedInformationCms.OID_JSON), DOC), true);

    ConveyedDocument u = ConveyedInformationCms.unwrap(Bytes.of(signed.getEncoded()));
    assertThat(u).isEqualTo(new ConveyedDocument(Encoding.JSON, DOC, true));

    byte[] tampered = signed.getEncoded();
    int at = indexOf(tampered, "sztp1".getBytes(StandardCharsets.US_ASCII));
    tampered[at] = 'X';
    assertThat(ConveyedInformationCms.unwrap(Bytes.of(tampered)).signed()).isTrue();
  }

  @Test
  void detachedSignedDataIsRefused() throws Exception {
    CMSSignedData detached = new CMSSignedDataGenerator().generate(
        new CMSProcessableByteArray(new ASN1ObjectIdentifier(ConveyedInformationCms.OID_XML), DOC), false);
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.of(detached.getEncoded())))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("no encapsulated conveyed information");
  }

  @Test
  void badDerIsAProtocolError() {
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.utf8("not DER at all")))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("not a DER CMS ContentInfo");
    byte[] truncated = Arrays.copyOf(Golden.bytes("cms/redirect-information-json.der"), 100);
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.of(truncated)))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.empty()))
        .isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void otherContentTypesAreRefusedNamingTheOid() throws Exception {
    byte[] digested = new ContentInfo(new ASN1ObjectIdentifier("1.2.840.113549.1.7.5"), new DEROctetString(DOC))
        .getEncoded();
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.of(digested)))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("1.2.840.113549.1.7.5");
  }

  @Test
  void idDataContentIsReadWithTheEncodingTheDocumentShows() throws Exception {
    byte[] data = new ContentInfo(new ASN1ObjectIdentifier("1.2.840.113549.1.7.1"), new DEROctetString(DOC)).getEncoded();
    dev.phonehome.phc.core.trust.ConveyedDocument u = ConveyedInformationCms.unwrap(Bytes.of(data));
    assertThat(u.document()).isEqualTo(DOC);
    assertThat(u.signed()).isFalse();
    byte[] neither = new ContentInfo(new ASN1ObjectIdentifier("1.2.840.113549.1.7.1"),
        new DEROctetString("plain text".getBytes(java.nio.charset.StandardCharsets.UTF_8))).getEncoded();
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.of(neither)))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("id-data").hasMessageContaining("neither JSON nor XML");
  }

  @Test
  void trailingBytesAfterTheContentInfoAreRefused() {
    byte[] der = Golden.bytes("cms/redirect-information-json.der");
    byte[] longer = Arrays.copyOf(der, der.length + 2);
    longer[der.length] = 0x05; // a NULL after the ContentInfo
    assertThatThrownBy(() -> ConveyedInformationCms.unwrap(Bytes.of(longer)))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("after its ContentInfo");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
