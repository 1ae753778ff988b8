package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier;
import dev.phonehome.phc.core.trust.Voucher;
import dev.phonehome.phc.core.trust.VoucherCodec;
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
public final class Fixture {
  public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  public static final String SERIAL = "VJ3724AK0012";

  public final KeyPair manufacturerCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  public final X509Certificate manufacturerCa;
  public final KeyPair masaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  public final X509Certificate masa;
  public final KeyPair ownerCaKeys;
  public final X509Certificate ownerCa;
  public final KeyPair ownerKeys;
  public final X509Certificate owner;
  public final KeyPair tlsCaKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  public final X509Certificate tlsCa;
  public final KeyPair serverKeys = CertificateBuilder.newKeyPair(KeyType.EC_P256);
  public final X509Certificate server;

  public Fixture() {
    this(KeyType.EC_P256, "Test");
  }

  public Fixture(KeyType ownerKeyType, String name) {
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

  public List<X509Certificate> ownerChain() {
    return List.of(owner, ownerCa);
  }

  public Bytes ownerBag() {
    return Cms.degenerate(ownerChain());
  }

  public static Bytes der(X509Certificate c) {
    try {
      return Bytes.of(c.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  public Voucher voucher() {
    return Voucher.of(SERIAL, der(ownerCa), NOW.minus(Duration.ofHours(1)));
  }

  public Bytes sign(Voucher v) {
    return VoucherCodec.sign(v, masaKeys.getPrivate(), List.of(masa));
  }

  public Bytes signJson(byte[] json) {
    return Cms.sign(json, dev.phonehome.phc.core.internal.codec.ConveyedInformationCms.OID_JSON,
        ownerKeys.getPrivate(), List.of(owner));
  }

  /** The unsigned ContentInfo form, built independently of the codec. */
  public static Bytes unsigned(byte[] document, String oid) {
    try {
      return Bytes.of(new org.bouncycastle.asn1.cms.ContentInfo(
          new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid), new org.bouncycastle.asn1.DEROctetString(document))
          .getEncoded("DER"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public DefaultConveyedInformationVerifier verifier() {
    return DefaultConveyedInformationVerifier.builder().manufacturerAnchor(manufacturerCa).build();
  }

  public static final byte[] ONBOARDING_JSON = ("{\"ietf-sztp-conveyed-info:onboarding-information\":"
      + "{\"boot-image\":{\"os-name\":\"junos\",\"os-version\":\"23.4R2\"}}}").getBytes(
          java.nio.charset.StandardCharsets.UTF_8);

  public static final byte[] REDIRECT_JSON = ("{\"ietf-sztp-conveyed-info:redirect-information\":"
      + "{\"bootstrap-server\":[{\"address\":\"127.0.0.1\",\"port\":8443}]}}").getBytes(
          java.nio.charset.StandardCharsets.UTF_8);

  public static final byte[] REDIRECT_XML = ("<redirect-information xmlns=\"urn:ietf:params:xml:ns:yang:"
      + "ietf-sztp-conveyed-info\"><bootstrap-server><address>127.0.0.1</address></bootstrap-server>"
      + "</redirect-information>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
