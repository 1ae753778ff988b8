package dev.phonehome.phc.core.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.server.DeviceCredentials;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceIdentityTest {
  private static final Fixture F = new Fixture();

  private static X509Certificate device(String subject) {
    return CertificateBuilder.builder().subject(subject).issuer(F.manufacturerCa, F.manufacturerCaKeys.getPrivate())
        .clientAuth().build(CertificateBuilder.newKeyPair(KeyType.EC_P256));
  }

  @Test
  void serialNumberComesFromTheSubjectSerialNumberAttribute() {
    X509Certificate c = device("CN=switch,SERIALNUMBER=VJ3724AK0012,O=Maker");
    assertThat(DeviceIdentity.serialNumberOf(c)).contains("VJ3724AK0012");
    assertThat(DeviceIdentity.serialNumberOf(device("CN=VJ3724AK0012"))).isEmpty();
  }

  @Test
  void certificateAndBasicUsernameMustAgree() {
    X509Certificate c = device("CN=switch,SERIALNUMBER=VJ3724AK0012");
    assertThat(DeviceIdentity.serialNumber(c, "VJ3724AK0012")).isEqualTo("VJ3724AK0012");
    assertThat(DeviceIdentity.serialNumber(c, null)).isEqualTo("VJ3724AK0012");
    assertThat(DeviceIdentity.serialNumber(null, "VJ3724AK0012")).isEqualTo("VJ3724AK0012");
    assertThatThrownBy(() -> DeviceIdentity.serialNumber(c, "OTHER"))
        .isInstanceOfSatisfying(PhcTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.DEVICE_IDENTITY_MISMATCH);
          assertThat(e.getMessage()).contains("VJ3724AK0012").contains("OTHER");
        });
  }

  @Test
  void certificateWithoutSerialOrNoIdentityAtAllIsAMismatch() {
    assertThatThrownBy(() -> DeviceIdentity.serialNumber(device("CN=nothing"), "S1"))
        .isInstanceOfSatisfying(PhcTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_IDENTITY_MISMATCH));
    assertThatThrownBy(() -> DeviceIdentity.serialNumber(null, null))
        .isInstanceOfSatisfying(PhcTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_IDENTITY_MISMATCH));
  }

  @Test
  void subjectNamingTwoSerialsIsAMismatch() {
    X509Certificate c = device("CN=x,SERIALNUMBER=A1,SERIALNUMBER=B2");
    assertThatThrownBy(() -> DeviceIdentity.serialNumberOf(c)).isInstanceOfSatisfying(PhcTrustException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_IDENTITY_MISMATCH));
  }

  @Test
  void urlSerialMustMatchTheAuthenticatedOne() {
    X509Certificate c = device("CN=switch,SERIALNUMBER=S1");
    assertThat(DeviceIdentity.serialNumber(new DeviceCredentials("S1", "S1", "pw", List.of(c)))).isEqualTo("S1");
    assertThatThrownBy(() -> DeviceIdentity.serialNumber(new DeviceCredentials("S2", null, null, List.of(c))))
        .isInstanceOfSatisfying(PhcTrustException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DEVICE_IDENTITY_MISMATCH));
  }
}
