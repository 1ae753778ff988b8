package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.core.internal.codec.RestconfErrors.RestconfError;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RestconfErrorsTest {
  static final List<RestconfError> ERRORS = List.of(
      new RestconfError("protocol", "access-denied", "serial number not claimed", null),
      new RestconfError("application", "invalid-value", "nonce must be 16 to 32 bytes",
          "/ietf-sztp-bootstrap-server:input/nonce"));

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void errorsBodyDecodesAndReencodesByteIdentically(Encoding e) {
    String f = "restconf/errors." + e.name().toLowerCase(Locale.ROOT);
    assertThat(RestconfErrors.decode(Golden.stream(f), e, CodecLimits.DEFAULT)).isEqualTo(ERRORS);
    assertThat(new String(RestconfErrors.encode(ERRORS, e), StandardCharsets.UTF_8)).isEqualTo(Golden.text(f));
  }

  @Test
  void unknownErrorTypeIsRefusedWithPathAndValue() {
    String body = "{\"ietf-restconf:errors\":{\"error\":[{\"error-type\":\"cosmic\",\"error-tag\":\"x\"}]}}";
    assertThatThrownBy(() -> RestconfErrors.decode(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), Encoding.JSON, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("'cosmic'")
        .extracting(t -> ((PhcProtocolException) t).path())
        .isEqualTo("$.ietf-restconf:errors.error[0].error-type");
  }

  @Test
  void missingErrorTagIsRefused() {
    String body = "<errors xmlns=\"" + RestconfErrors.NAMESPACE + "\"><error><error-type>rpc</error-type></error></errors>";
    assertThatThrownBy(() -> RestconfErrors.decode(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), Encoding.XML, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("missing error-tag at /errors/error[1]");
  }
}
