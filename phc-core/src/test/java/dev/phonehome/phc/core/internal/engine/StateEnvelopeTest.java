package dev.phonehome.phc.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The saved-state envelope: a generation counter, a length and a checksum that catch every damaged copy. */
class StateEnvelopeTest {
  private static final Bytes DOC = Bytes.utf8("{\"format\":2,\"step\":\"INSTALL_BACKUP\"}");

  @Test
  void aSealedStateOpensToItsGenerationAndDocument() throws Exception {
    Bytes sealed = StateEnvelope.seal(17, DOC);
    assertThat(sealed.utf8()).startsWith("phc-state 2 generation=17 length=" + DOC.size() + " sha256=");
    StateEnvelope.Opened opened = StateEnvelope.open(sealed);
    assertThat(opened.generation()).isEqualTo(17);
    assertThat(opened.document()).isEqualTo(DOC);
  }

  @Test
  void aBareDocumentOfTheFirstFormatOpensAsGenerationZero() throws Exception {
    assertThat(StateEnvelope.open(DOC).generation()).isZero();
  }

  @Test
  void eachKindOfDamageIsNamed() {
    byte[] sealed = StateEnvelope.seal(3, DOC).toByteArray();
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.empty())).hasMessage("the state file is empty");
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.of(Arrays.copyOf(sealed, sealed.length - 5))))
        .hasMessage("the state file is truncated: " + (DOC.size() - 5) + " of " + DOC.size() + " bytes");
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.of(Arrays.copyOf(sealed, 20))))
        .hasMessage("the state file is truncated within its header (20 bytes)");
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.utf8("GARBAGE\n{}")))
        .hasMessage("not a phc state file (no 'phc-state' header)");
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.utf8(new String(sealed, StandardCharsets.US_ASCII) + "x")))
        .hasMessage("the state file has 1 bytes more than its header says");
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.utf8(new String(sealed, StandardCharsets.US_ASCII)
        .replace("phc-state 2 ", "phc-state 9 ")))).hasMessage("state file version 9 (this engine reads 2)");
    byte[] flipped = sealed.clone();
    flipped[flipped.length - 3] ^= 0x01;
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.of(flipped)))
        .isInstanceOf(StateEnvelope.CorruptStateException.class).hasMessageContaining("checksum does not match");
  }

  @Property(tries = 300)
  void anyTruncationOfASealedStateIsDetected(@ForAll("documents") Bytes doc, @ForAll @LongRange(max = 1_000_000) long generation,
      @ForAll @IntRange(min = 1, max = 10_000) int cut) {
    byte[] sealed = StateEnvelope.seal(generation, doc).toByteArray();
    int keep = Math.max(0, sealed.length - 1 - (cut % sealed.length));
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.of(Arrays.copyOf(sealed, keep))))
        .isInstanceOf(StateEnvelope.CorruptStateException.class);
  }

  @Property(tries = 300)
  void anySingleBitFlipInTheDocumentIsDetected(@ForAll("documents") Bytes doc, @ForAll @IntRange(min = 0, max = 100_000) int at,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    byte[] sealed = StateEnvelope.seal(5, doc).toByteArray();
    int headerEnd = new String(sealed, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
    int i = headerEnd + at % (sealed.length - headerEnd);
    sealed[i] ^= (byte) (1 << bit);
    assertThatThrownBy(() -> StateEnvelope.open(Bytes.of(sealed))).isInstanceOf(StateEnvelope.CorruptStateException.class);
  }

  @Provide
  Arbitrary<Bytes> documents() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(2000).map(s -> Bytes.utf8("{" + s));
  }
}
