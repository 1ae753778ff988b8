package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.ConveyedInformation;
import java.io.ByteArrayInputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Broken documents (valid ones with bytes replaced, inserted or cut off) either decode or fail with
 * {@link PhcProtocolException}: never a NullPointerException, IllegalArgumentException or anything else a caller
 * would not expect from bad peer input.
 */
class DecoderFuzzProperties {
  /** A valid document of some kind, and how to decode it. */
  record Doc(String kind, byte[] bytes, Encoding encoding) {}

  record Mutation(int position, int op, byte value) {}

  @Property(tries = 600)
  void brokenDocumentsFailOnlyWithProtocolErrors(@ForAll("documents") Doc doc,
      @ForAll("mutations") List<Mutation> mutations) {
    byte[] broken = mutate(doc.bytes(), mutations);
    Throwable t = catchThrowable(() -> decode(doc.kind(), broken, doc.encoding()));
    if (t != null) {
      assertThat(t).as("decoding %s", new String(broken, java.nio.charset.StandardCharsets.UTF_8))
          .isInstanceOf(PhcProtocolException.class);
      assertThat(t.getMessage()).isNotBlank();
    }
  }

  static Object decode(String kind, byte[] b, Encoding e) {
    return switch (kind) {
      case "device" -> JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(b), CodecLimits.DEFAULT);
      case "notification" -> JuniperXmlCodec.decodeNotifications(new ByteArrayInputStream(b), CodecLimits.DEFAULT);
      case "conveyed" -> Rfc8572Codec.decodeConveyedInformation(b, e, CodecLimits.DEFAULT);
      case "progress" -> Rfc8572Codec.decodeReportProgress(new ByteArrayInputStream(b), e, CodecLimits.DEFAULT);
      case "request" -> Rfc8572Codec.decodeBootstrapRequest(new ByteArrayInputStream(b), e, "S", CodecLimits.DEFAULT);
      case "output" -> Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(b), e, CodecLimits.DEFAULT);
      case "cms" -> ConveyedInformationCms.unwrap(Bytes.of(b));
      default -> throw new AssertionError(kind);
    };
  }

  static byte[] mutate(byte[] in, List<Mutation> mutations) {
    byte[] b = in;
    for (Mutation m : mutations) {
      if (b.length == 0) {
        break;
      }
      int p = m.position() % b.length;
      switch (m.op()) {
        case 0 -> {
          b = b.clone();
          b[p] = m.value();
        }
        case 1 -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, p);
          c[p] = m.value();
          System.arraycopy(b, p, c, p + 1, b.length - p);
          b = c;
        }
        default -> b = java.util.Arrays.copyOf(b, p);
      }
    }
    return b;
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Byte> interesting = Arbitraries.oneOf(Arbitraries.bytes(),
        Arbitraries.of('<', '>', '&', '"', '\'', ':', '[', ']', '{', '}', ',', '/', '\\', '0', '=', '-')
            .map(c -> (byte) c.charValue()));
    return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers()
            .between(0, 2), interesting)
        .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Doc> documents() {
    Arbitrary<Encoding> enc = Arbitraries.of(Encoding.class);
    Arbitrary<ConveyedInformation> conveyed = Arbitraries.oneOf(ModelArbitraries.rfcOnboarding(),
        ModelArbitraries.redirect());
    return Arbitraries.oneOf(
        ModelArbitraries.juniperDevice().map(d -> new Doc("device", JuniperXmlCodec.encodeDevice(d), Encoding.XML)),
        ModelArbitraries.juniperReport().map(r -> new Doc("notification", JuniperXmlCodec.encodeNotification(r),
            Encoding.XML)),
        Combinators.combine(conveyed, enc).as((c, e) -> new Doc("conveyed",
            Rfc8572Codec.encodeConveyedInformation(c, e), e)),
        Combinators.combine(ModelArbitraries.rfcReport(), enc).as((r, e) -> new Doc("progress",
            Rfc8572Codec.encodeReportProgress(r, e), e)),
        Combinators.combine(ModelArbitraries.bootstrapRequest(), enc).as((r, e) -> new Doc("request",
            Rfc8572Codec.encodeBootstrapRequest(r, e), e)),
        Combinators.combine(ModelArbitraries.bootstrappingData(), enc).as((d, e) -> new Doc("output",
            Rfc8572Codec.encodeBootstrappingData(d, e), e)),
        Combinators.combine(conveyed, enc).as((c, e) -> new Doc("cms",
            ConveyedInformationCms.wrapUnsigned(Rfc8572Codec.encodeConveyedInformation(c, e), e).toByteArray(), e)));
  }
}
