package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** The configuration has its own limit (default 16 MiB): a 5 MiB one passes although documents stop at 1 MiB. */
class LargeConfigurationTest {
  static Bytes junosConfiguration(int approxBytes) {
    StringBuilder b = new StringBuilder(approxBytes + 64).append("<configuration><interfaces>");
    for (int i = 0; b.length() < approxBytes; i++) {
      b.append("<interface><name>ge-0/0/").append(i).append("</name><description>uplink &amp; more ")
          .append(i).append("</description></interface>");
    }
    return Bytes.utf8(b.append("</interfaces></configuration>").toString());
  }

  @Test
  void fiveMibJunosConfigurationStreamsThroughTheJuniperDialect() {
    Bytes config = junosConfiguration(5 << 20);
    JuniperDevice device = new JuniperDevice("S1", OnboardingInformation.builder().configuration(config).build());
    byte[] xml = JuniperXmlCodec.encodeDevice(device);
    assertThat((long) xml.length).isGreaterThan(CodecLimits.DEFAULT.maxDocumentBytes() * 5);
    assertThat(JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(xml), CodecLimits.DEFAULT)).isEqualTo(device);
  }

  @Test
  void fiveMibConfigurationPassesTheRfcDialectInBothEncodings() {
    Bytes config = junosConfiguration(5 << 20);
    OnboardingInformation info = OnboardingInformation.builder().configuration(config).build();
    for (Encoding e : Encoding.values()) {
      byte[] doc = Rfc8572Codec.encodeConveyedInformation(info, e);
      assertThat(Rfc8572Codec.decodeConveyedInformation(doc, e, CodecLimits.DEFAULT)).as(e.name()).isEqualTo(info);
    }
  }
}
