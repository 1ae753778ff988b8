package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A small PKI for the trust tests (phc-core cannot use phc-testkit's TestPki: the dependency goes the other
 * way). Fixed instant so that tests are deterministic about dates.
 */
final class Fixture {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final String SERIAL = "VJ3724AK0012";

  final KeyPair manufacturerCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  final X509Certificate manufacturerCa;
  final KeyPair masaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  final X509Certificate masa;
  final KeyPair ownerCaKeys;
  final X509Certificate ownerCa;
  final KeyPair ownerKeys;
  final X509Certificate owner;
  final KeyPair tlsCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  final X509Certificate tlsCa;
  final KeyPair serverKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  final X509Certificate server;

  Fixture() {
    this(KeyType.EC_P256, "Test");
  }

  Fixture(KeyType ownerKeyType, String name) {
    Instant nb = NOW.minus(Duration.ofDays(30));
    Instant na = NOW.plus(Duration.ofDays(3650));
    manufacturerCa = CertificateBuilder.builder().subject("CN=" + name + " Manufacturer CA").ca(null)
        .validity(nb, na).build(manufacturerCaKeys);
    masa = CertificateBuilder.builder().subject("CN=" + name + " MASA").issuer(manufacturerCa,
        manufacturerCaKeys.getPrivate()).validity(nb, na).build(masaKeys);
    ownerCaKeys = CertificateBuilder.newKeyPair(ownerKeyType);
    ownerCa = CertificateBuilder.builder().subject("CN=" + name + " Owner CA").ca(null).validity(nb, na)
        .build(ownerCaKeys);
    ownerKeys = CertificateBuilder.newKeyPair(ownerKeyType);
    owner = CertificateBuilder.builder().subject("CN=" + name + " Owner").issuer(ownerCa, ownerCaKeys.getPrivate())
        .validity(nb, na).build(ownerKeys);
    tlsCa = CertificateBuilder.builder().subject("CN=" + name + " TLS CA").ca(null).validity(nb, na)
        .build(tlsCaKeys);
    try {
      server = CertificateBuilder.builder().subject("CN=localhost").issuer(tlsCa, tlsCaKeys.getPrivate())
          .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)))
          .dnsName("localhost").ipAddress(InetAddress.getByName("127.0.0.1")).serverAuth().build(serverKeys);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  List<X509Certificate> ownerChain() {
    return List.of(owner, ownerCa);
  }

  Bytes ownerBag() {
    return Cms.degenerate(ownerChain());
  }

  static Bytes der(X509Certificate c) {
    try {
      return Bytes.of(c.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  Voucher voucher() {
    return Voucher.of(SERIAL, der(ownerCa), NOW.minus(Duration.ofHours(1)));
  }

  Bytes sign(Voucher v) {
    return VoucherCodec.sign(v, masaKeys.getPrivate(), List.of(masa));
  }

  Bytes signJson(byte[] json) {
    return Cms.sign(json, dev.phonehome.phc.core.internal.codec.ConveyedInformationCms.OID_JSON,
        ownerKeys.getPrivate(), List.of(owner));
  }

  /** The unsigned ContentInfo form, built independently of the codec. */
  static Bytes unsigned(byte[] document, String oid) {
    try {
      return Bytes.of(new org.bouncycastle.asn1.cms.ContentInfo(
          new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid), new org.bouncycastle.asn1.DEROctetString(document))
          .getEncoded("DER"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  DefaultConveyedInformationVerifier verifier() {
    return DefaultConveyedInformationVerifier.builder().manufacturerAnchor(manufacturerCa).build();
  }

  static final byte[] ONBOARDING_JSON = ("{\"ietf-sztp-conveyed-info:onboarding-information\":"
      + "{\"boot-image\":{\"os-name\":\"junos\",\"os-version\":\"23.4R2\"}}}").getBytes(
          java.nio.charset.StandardCharsets.UTF_8);

  static final byte[] REDIRECT_JSON = ("{\"ietf-sztp-conveyed-info:redirect-information\":"
      + "{\"bootstrap-server\":[{\"address\":\"127.0.0.1\",\"port\":8443}]}}").getBytes(
          java.nio.charset.StandardCharsets.UTF_8);

  static final byte[] REDIRECT_XML = ("<redirect-information xmlns=\"urn:ietf:params:xml:ns:yang:"
      + "ietf-sztp-conveyed-info\"><bootstrap-server><address>127.0.0.1</address></bootstrap-server>"
      + "</redirect-information>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
