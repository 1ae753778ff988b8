package dev.phonehome.phc.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.core.internal.engine.EngineState;
import dev.phonehome.phc.core.internal.engine.StateCodec;
import org.junit.jupiter.api.Test;

/** The persisted engine state: versioned, tolerant of new fields, strict about what it needs. */
class EngineStateCodecTest {

  @Test
  void freshStateRoundTripsByteForByte() {
    Bytes encoded = StateCodec.encode(new EngineState());
    assertThat(encoded.utf8()).startsWith("{\"format\":2,\"step\":\"START\"");
    assertThat(StateCodec.encode(StateCodec.decode(encoded))).isEqualTo(encoded);
  }

  @Test
  void unknownFieldsFromANewerEngineAreSkipped() {
    EngineState s = StateCodec.decode(Bytes.utf8("{\"format\":1,\"step\":\"PRE_SCRIPTS\",\"future\":{\"x\":[1,2]}}"));
    assertThat(s.step()).isEqualTo(EngineState.Step.PRE_SCRIPTS);
  }

  @Test
  void anotherFormatIsRefusedNamingIt() {
    assertThatThrownBy(() -> StateCodec.decode(Bytes.utf8("{\"format\":3,\"step\":\"START\"}")))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("unsupported engine state format 3 (this engine reads 1 and 2) at $.format");
  }

  @Test
  void theFirstFormatWithoutNotificationIdsIsStillRead() {
    EngineState s = StateCodec.decode(Bytes.utf8("{\"format\":1,\"step\":\"CONFIGURATION\",\"outbox\":"
        + "[{\"server\":\"https://phs\",\"type\":\"config-initiated\",\"message\":\"m\"}]}"));
    assertThat(s.step()).isEqualTo(EngineState.Step.CONFIGURATION);
    assertThat(s.outbox()).hasSize(1);
    assertThat(s.outbox().get(0).report().notificationId()).isNull();
  }

  @Test
  void anAbandonedOnboardingSurvivesACrashSoTheResumedEngineDoesNotProcessIt() {
    // RFC 8572 section 5.6: saved right after the server refused bootstrap-initiated, before moving on
    Bytes saved = Bytes.utf8("{\"format\":2,\"step\":\"DISCOVER\",\"provisioningServer\":\"https://a\","
        + "\"abandonReason\":\"https://a refused report-progress 'bootstrap-initiated' with HTTP 403\"}");
    EngineState s = StateCodec.decode(saved);
    assertThat(s.abandonReason()).isEqualTo("https://a refused report-progress 'bootstrap-initiated' with HTTP 403");
    assertThat(StateCodec.decode(StateCodec.encode(s)).abandonReason()).isEqualTo(s.abandonReason());
    assertThat(StateCodec.encode(new EngineState()).utf8()).doesNotContain("abandonReason");
  }

  @Test
  void truncatedOrWrongStateIsAProtocolErrorWithAPath() {
    assertThatThrownBy(() -> StateCodec.decode(Bytes.utf8("{\"format\":1,\"step\":\"START\",\"members\":[{\"id\":")))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("unreadable engine state");
    assertThatThrownBy(() -> StateCodec.decode(Bytes.utf8("{\"format\":1,\"step\":\"NO_SUCH_STEP\"}")))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("NO_SUCH_STEP").hasMessageContaining("$.step");
    assertThatThrownBy(() -> StateCodec.decode(Bytes.utf8("{\"step\":\"START\"}")))
        .isInstanceOf(PhcProtocolException.class).hasMessage("engine state has no format number at $.format");
  }
}
