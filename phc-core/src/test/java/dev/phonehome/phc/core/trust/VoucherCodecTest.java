package dev.phonehome.phc.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VoucherCodecTest {
  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");
  private static final Bytes PINNED = Bytes.fromHex("3082010a");

  /** RFC 8366 section 5.3's example shape, with our values; member order as RFC 8366's tree. */
  private static final String GOLDEN = "{\"ietf-voucher:voucher\":{"
      + "\"created-on\":\"2026-01-02T03:04:05Z\","
      + "\"expires-on\":\"2026-02-02T03:04:05Z\","
      + "\"assertion\":\"verified\","
      + "\"serial-number\":\"JADA123456789\","
      + "\"idevid-issuer\":\"AQID\","
      + "\"pinned-domain-cert\":\"MIIBCg==\","
      + "\"domain-cert-revocation-checks\":false,"
      + "\"nonce\":\"AAECAwQFBgc=\","
      + "\"last-renewal-date\":\"2026-12-31T00:00:00Z\"}}";

  @Test
  void encodesEveryMemberExactly() {
    Voucher v = new Voucher(CREATED, Instant.parse("2026-02-02T03:04:05Z"), Voucher.Assertion.VERIFIED,
        "JADA123456789", Bytes.fromHex("010203"), PINNED, false, Bytes.fromHex("0001020304050607"),
        Instant.parse("2026-12-31T00:00:00Z"));
    assertThat(new String(VoucherCodec.encodeJson(v), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
    assertThat(VoucherCodec.decodeJson(GOLDEN.getBytes(StandardCharsets.UTF_8))).isEqualTo(v);
  }

  @Test
  void decodesRfc8366ExampleWithOffsetDatesAndQualifiedMembers() {
    String json = "{\"ietf-voucher:voucher\":{\"ietf-voucher:created-on\":\"2016-10-07T19:31:42+02:00\","
        + "\"assertion\":\"logged\",\"serial-number\":\"JADA123456789\",\"pinned-domain-cert\":\"MIIBCg==\"}}";
    Voucher v = VoucherCodec.decodeJson(json.getBytes(StandardCharsets.UTF_8));
    assertThat(v.createdOn()).isEqualTo(Instant.parse("2016-10-07T17:31:42Z"));
    assertThat(v.assertion()).isEqualTo(Voucher.Assertion.LOGGED);
    assertThat(v.expiresOn()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\",\"serial-number\":\"S\",\"colour\":\"red\"}}"
          + "|$.ietf-voucher:voucher.colour|unknown member",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"created-on\":\"2026-01-02T03:04:05Z\"}}"
          + "|$.ietf-voucher:voucher.created-on|duplicate",
      "{\"ietf-voucher:voucher\":{\"created-on\":20260102,\"assertion\":\"verified\",\"serial-number\":\"S\"}}"
          + "|$.ietf-voucher:voucher.created-on|expected a string",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-13-02\",\"assertion\":\"verified\",\"serial-number\":\"S\"}}"
          + "|$.ietf-voucher:voucher.created-on|2026-13-02",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"trusted\",\"serial-number\":\"S\"}}"
          + "|$.ietf-voucher:voucher.assertion|trusted",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\",\"serial-number\":\"S\",\"pinned-domain-cert\":\"%%%\"}}"
          + "|$.ietf-voucher:voucher.pinned-domain-cert|not base64",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\",\"serial-number\":\"S\",\"nonce\":\"AQI=\"}}"
          + "|$.ietf-voucher:voucher.nonce|2 bytes",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\",\"serial-number\":\"S\",\"domain-cert-revocation-checks\":\"yes\"}}"
          + "|$.ietf-voucher:voucher.domain-cert-revocation-checks|expected a boolean",
      "{\"ietf-voucher:voucher\":{\"assertion\":\"verified\",\"serial-number\":\"S\"}}"
          + "|$.ietf-voucher:voucher.created-on|missing",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\"}}"
          + "|$.ietf-voucher:voucher.serial-number|missing",
      "{\"ietf-voucher:voucher\":{\"created-on\":\"2026-01-02T03:04:05Z\",\"assertion\":\"verified\",\"serial-number\":\"S\",\"last-renewal-date\":\"2026-01-02T03:04:05Z\"}}"
          + "|$.ietf-voucher:voucher.last-renewal-date|without expires-on",
      "{\"voucher\":{}}|$.voucher|unexpected member",
      "[1,2]|$|expected an object",
      "{\"ietf-voucher:voucher\":[]}|$.ietf-voucher:voucher|expected an object",
  })
  void strictDecodingNamesPathAndProblem(String json, String path, String problem) {
    assertThatThrownBy(() -> VoucherCodec.decodeJson(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(PhcTrustException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
          assertThat(e.getMessage()).contains(path).contains(problem);
        });
  }

  @Test
  void trailingDataTruncationAndHugeInputAreMalformed() {
    byte[] good = VoucherCodec.encodeJson(Voucher.of("S", PINNED, CREATED));
    byte[] trailing = (new String(good, StandardCharsets.UTF_8) + "{}").getBytes(StandardCharsets.UTF_8);
    for (byte[] bad : new byte[][] {trailing, java.util.Arrays.copyOf(good, good.length - 3), new byte[0],
        new byte[70_000]}) {
      assertThatThrownBy(() -> VoucherCodec.decodeJson(bad)).isInstanceOfSatisfying(PhcTrustException.class,
          e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
  }

  @Property(tries = 200)
  void roundTrips(@ForAll("vouchers") Voucher v) {
    assertThat(VoucherCodec.decodeJson(VoucherCodec.encodeJson(v))).isEqualTo(v);
  }

  @Property(tries = 200)
  void arbitraryTextIsMalformedOrAVoucher(@ForAll String text) {
    try {
      VoucherCodec.decodeJson(text.getBytes(StandardCharsets.UTF_8));
    } catch (PhcTrustException e) {
      assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
    }
  }

  @Provide
  Arbitrary<Voucher> vouchers() {
    Arbitrary<Instant> instants = Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond);
    Arbitrary<Bytes> nonces = Arbitraries.bytes().array(byte[].class).ofMinSize(8).ofMaxSize(32).map(Bytes::of)
        .injectNull(0.3);
    Arbitrary<Bytes> blobs = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(Bytes::of);
    return Combinators.combine(instants, instants.injectNull(0.4), Arbitraries.of(Voucher.Assertion.class),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(20), blobs.injectNull(0.5), blobs,
        Arbitraries.of(true, false).injectNull(0.5), nonces).as((c, e, a, s, i, p, r, n) ->
            new Voucher(c, e, a, s, i, p, r, n, null));
  }
}
