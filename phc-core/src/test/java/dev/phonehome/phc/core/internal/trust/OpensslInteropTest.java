package dev.phonehome.phc.core.internal.trust;

import static dev.phonehome.phc.core.internal.trust.Fixture.NOW;
import static dev.phonehome.phc.core.internal.trust.Fixture.ONBOARDING_JSON;
import static dev.phonehome.phc.core.internal.trust.Fixture.SERIAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationSigner;
import dev.phonehome.phc.core.trust.VoucherCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interop evidence with a CMS implementation nobody here wrote: OpenSSL verifies what our signer produces,
 * and our verifier accepts what {@code openssl cms -sign} produces. Skipped when {@code openssl} is absent.
 */
@Timeout(60)
class OpensslInteropTest {
  private static final ProvisioningRecord RECORD = new ProvisioningRecord(SERIAL,
      RedirectInformation.of(new BootstrapServer("127.0.0.1", 8443, null)), "v1");

  @TempDir
  Path dir;

  @BeforeAll
  static void requireOpenssl() {
    boolean present;
    try {
      present = run(List.of("openssl", "version"), null).exit == 0;
    } catch (IOException e) {
      present = false;
    }
    assumeTrue(present, "openssl is not installed");
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(List<String> command, Path workDir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Path out = Files.createTempFile("phc-openssl", ".out");
    Path err = Files.createTempFile("phc-openssl", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("openssl timed out: " + command);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
          Files.readString(err, StandardCharsets.ISO_8859_1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  private Path writePem(String name, Object certOrKey) throws IOException {
    return write(name, CertificateBuilder.pem(certOrKey).getBytes(StandardCharsets.US_ASCII));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void opensslVerifiesConveyedInformationFromOurSigner(KeyType keyType) throws IOException {
    Fixture f = new Fixture(keyType, keyType.name());
    DefaultConveyedInformationSigner signer = DefaultConveyedInformationSigner.builder()
        .ownerKey(f.ownerKeys.getPrivate(), f.ownerChain())
        .manufacturerKey(f.masaKeys.getPrivate(), List.of(f.masa)).pinnedDomainCert(f.ownerCa)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    BootstrappingData data = signer.bootstrappingData(RECORD, ONBOARDING_JSON, Encoding.JSON, null, null);
    write("ci.der", data.conveyedInformation().toByteArray());
    writePem("owner-ca.pem", f.ownerCa);

    Result r = run(List.of("openssl", "cms", "-verify", "-inform", "DER", "-in", "ci.der", "-binary",
        "-CAfile", "owner-ca.pem", "-purpose", "any", "-out", "content.json"), dir);

    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.stderr).contains("Verification successful");
    assertThat(Files.readAllBytes(dir.resolve("content.json"))).isEqualTo(ONBOARDING_JSON);
    Result type = run(List.of("openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", "ci.der"), dir);
    assertThat(type.stdout).containsPattern("eContentType: .*1\\.2\\.840\\.113549\\.1\\.9\\.16\\.1\\.43");

    // the voucher, too, verifies against the manufacturer CA
    write("voucher.der", data.ownershipVoucher().toByteArray());
    writePem("manufacturer-ca.pem", f.manufacturerCa);
    Result v = run(List.of("openssl", "cms", "-verify", "-inform", "DER", "-in", "voucher.der", "-binary",
        "-CAfile", "manufacturer-ca.pem", "-purpose", "any", "-out", "voucher.json"), dir);
    assertThat(v.exit).as(v.stderr).isZero();
    assertThat(VoucherCodec.decodeJson(Files.readAllBytes(dir.resolve("voucher.json"))).serialNumber())
        .isEqualTo(SERIAL);

    // the owner-certificate bag is a PKCS#7 certificate bag OpenSSL can list
    write("owner.p7b", data.ownerCertificate().toByteArray());
    Result bag = run(List.of("openssl", "pkcs7", "-inform", "DER", "-in", "owner.p7b", "-print_certs",
        "-noout"), dir);
    assertThat(bag.exit).as(bag.stderr).isZero();
    assertThat(bag.stdout).contains(keyType.name() + " Owner CA").contains(keyType.name() + " Owner");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void ourVerifierAcceptsCmsSignedByOpenssl(KeyType keyType) throws IOException {
    Fixture f = new Fixture(keyType, keyType.name());
    write("doc.json", ONBOARDING_JSON);
    writePem("owner.pem", f.owner);
    writePem("owner.key", f.ownerKeys.getPrivate());
    writePem("owner-ca.pem", f.ownerCa);
    writePem("masa.pem", f.masa);
    writePem("masa.key", f.masaKeys.getPrivate());
    write("voucher.json", VoucherCodec.encodeJson(f.voucher()));

    Result ci = run(List.of("openssl", "cms", "-sign", "-nodetach", "-binary", "-outform", "DER",
        "-econtent_type", ConveyedInformationCms.OID_JSON, "-md", "sha256", "-in", "doc.json",
        "-signer", "owner.pem", "-inkey", "owner.key", "-certfile", "owner-ca.pem", "-out", "ci.der"), dir);
    assertThat(ci.exit).as(ci.stderr).isZero();
    Result voucher = run(List.of("openssl", "cms", "-sign", "-nodetach", "-binary", "-outform", "DER",
        "-econtent_type", Cms.OID_JSON_VOUCHER, "-md", "sha256", "-in", "voucher.json",
        "-signer", "masa.pem", "-inkey", "masa.key", "-out", "voucher.der"), dir);
    assertThat(voucher.exit).as(voucher.stderr).isZero();
    Bytes ciDer = Bytes.of(Files.readAllBytes(dir.resolve("ci.der")));
    Bytes voucherDer = Bytes.of(Files.readAllBytes(dir.resolve("voucher.der")));
    BootstrappingData data = new BootstrappingData(null, ciDer, f.ownerBag(), voucherDer);

    ConveyedInformationVerifier.Verified v = f.verifier().verify(data, false, null, SERIAL, NOW);

    assertThat(v.trusted()).isTrue();
    assertThat(v.document().encoding()).isEqualTo(Encoding.JSON);
    assertThat(v.document().document()).isEqualTo(ONBOARDING_JSON);

    // and an OpenSSL signature by a key the voucher does not pin is refused at step 6
    Fixture other = new Fixture(KeyType.EC_P256, "Stranger");
    writePem("stranger.pem", other.owner);
    writePem("stranger.key", other.ownerKeys.getPrivate());
    Result bad = run(List.of("openssl", "cms", "-sign", "-nodetach", "-binary", "-outform", "DER",
        "-econtent_type", ConveyedInformationCms.OID_JSON, "-md", "sha256", "-in", "doc.json",
        "-signer", "stranger.pem", "-inkey", "stranger.key", "-out", "bad.der"), dir);
    assertThat(bad.exit).as(bad.stderr).isZero();
    List<Bytes> leaves = new ArrayList<>();
    leaves.add(Bytes.of(Files.readAllBytes(dir.resolve("bad.der"))));
    BootstrappingData forged = new BootstrappingData(null, leaves.get(0), other.ownerBag(), voucherDer);
    assertThatThrownBy(() -> f.verifier().verify(forged, false, null, SERIAL, NOW))
        .isInstanceOfSatisfying(PhcTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OWNER_CERTIFICATE_UNTRUSTED));
  }

  @Test
  void opensslTrustAnchorBagIsReadAsRfc8572TrustAnchor() throws IOException {
    Fixture f = new Fixture();
    writePem("tls-ca.pem", f.tlsCa);
    Result r = run(List.of("openssl", "crl2pkcs7", "-nocrl", "-certfile", "tls-ca.pem", "-outform", "DER",
        "-out", "anchor.p7b"), dir);
    assertThat(r.exit).as(r.stderr).isZero();
    Bytes bag = Bytes.of(Files.readAllBytes(dir.resolve("anchor.p7b")));
    assertThat(TrustAnchors.fromRedirectTrustAnchor(bag, dev.phonehome.phc.api.Dialect.RFC8572).certificates())
        .containsExactly(f.tlsCa);
  }
}
