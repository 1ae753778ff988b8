package dev.phonehome.phc.junos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.junos.internal.NetconfFraming.Decoder;
import dev.phonehome.phc.junos.internal.NetconfFraming.FramingException;
import dev.phonehome.phc.junos.internal.NetconfFraming.Mode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NetconfFramingTest {

  @Provide
  Arbitrary<List<String>> messages() {
    Arbitrary<String> xmlish = Arbitraries.strings()
        .withChars("<>/=\"#\n ]abcdefghijklmnopqrstuvwxyz0123456789äé€\u00a0")
        .ofMinLength(1).ofMaxLength(300);
    return xmlish.list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 300)
  void anyMessagesSurviveChunkedFramingSplitAtArbitraryPoints(
      @ForAll("messages") List<String> messages, @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 17) Integer> cuts)
      throws FramingException {
    assertThat(roundTrip(messages, Mode.CHUNKED, cuts)).isEqualTo(messages);
  }

  @Property(tries = 300)
  void messagesWithoutTheDelimiterSurviveEndOfMessageFramingSplitAtArbitraryPoints(
      @ForAll("messages") List<String> messages, @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 17) Integer> cuts)
      throws FramingException {
    List<String> safe = messages.stream().map(NetconfFramingTest::representableInEndOfMessageFraming).toList();
    assertThat(roundTrip(safe, Mode.END_OF_MESSAGE, cuts)).isEqualTo(safe);
  }

  /**
   * RFC 6242 end-of-message framing cannot carry a message that holds the delimiter {@code ]]>]]>}, nor one whose
   * end forms the delimiter with the delimiter's start (a message ending in {@code ]]>}, for one: {@code ]]>} +
   * {@code ]]>]]>} reads as an empty message first). No XML document does either (it ends with a tag); the
   * generator drew {@code ]]>} once in a CI run. Such strings are cut down to what the framing can carry.
   */
  private static String representableInEndOfMessageFraming(String m) {
    String delimiter = "]]>]]>";
    String out = m;
    while (out.contains(delimiter)) {
      out = out.replace(delimiter, "]]>");
    }
    while ((out + delimiter).indexOf(delimiter) < out.length()) {
      out = out.substring(0, out.length() - 1);
    }
    return out.isEmpty() ? "x" : out;
  }

  @Test
  void aMessageEndingInTheDelimitersStartIsRefusedByEndOfMessageFraming() {
    // The case the property drew: the framing's limit, refused when sending rather than desynchronising.
    assertThatThrownBy(() -> NetconfFraming.encode("]]>", Mode.END_OF_MESSAGE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end-of-message delimiter");
    assertThatThrownBy(() -> NetconfFraming.encode("<a>]]>]]></a>", Mode.END_OF_MESSAGE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NetconfFraming.encode("]]>", Mode.CHUNKED)).isNotEmpty(); // chunked framing carries anything
    assertThat(representableInEndOfMessageFraming("]]>")).isEqualTo("]]");
    assertThat(representableInEndOfMessageFraming("a]]>]]>]]>b")).isEqualTo("a]]>b");
  }

  private static List<String> roundTrip(List<String> messages, Mode mode, List<Integer> cuts) throws FramingException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (String m : messages) {
      wire.writeBytes(NetconfFraming.encode(m, mode));
    }
    byte[] bytes = wire.toByteArray();
    Decoder d = new Decoder(mode, 1 << 20);
    List<String> out = new ArrayList<>();
    int off = 0;
    int k = 0;
    while (off < bytes.length) {
      int n = cuts.isEmpty() ? bytes.length : Math.min(cuts.get(k++ % cuts.size()), bytes.length - off);
      out.addAll(d.feed(bytes, off, n));
      off += n;
    }
    return out;
  }

  @Test
  void endOfMessageDelimiterSplitAcrossEveryByteBoundaryIsFound() throws FramingException {
    byte[] wire = "<rpc-reply><ok/></rpc-reply>]]>]]>".getBytes(StandardCharsets.UTF_8);
    for (int cut = 1; cut < wire.length; cut++) {
      Decoder d = new Decoder(Mode.END_OF_MESSAGE, 4096);
      List<String> got = new ArrayList<>(d.feed(wire, 0, cut));
      got.addAll(d.feed(wire, cut, wire.length - cut));
      assertThat(got).as("cut at %d", cut).containsExactly("<rpc-reply><ok/></rpc-reply>");
    }
  }

  @Test
  void chunkedMessageMadeOfSeveralChunksIsJoined() throws FramingException {
    byte[] wire = "\n#4\n<rpc\n#18\n-reply><ok/></rpc-\n#6\nreply>\n##\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(new Decoder(Mode.CHUNKED, 4096).feed(wire, 0, wire.length)).containsExactly("<rpc-reply><ok/></rpc-reply>");
  }

  @Test
  void chunkedFramingIsTheRfc6242Encoding() {
    assertThat(new String(NetconfFraming.encode("<ok/>", Mode.CHUNKED), StandardCharsets.US_ASCII))
        .isEqualTo("\n#5\n<ok/>\n##\n");
    assertThat(new String(NetconfFraming.encode("<ok/>", Mode.END_OF_MESSAGE), StandardCharsets.US_ASCII))
        .isEqualTo("<ok/>]]>]]>");
  }

  @Test
  void chunkSizeWithLeadingZeroIsRejected() {
    byte[] wire = "\n#05\nabcde\n##\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new Decoder(Mode.CHUNKED, 4096).feed(wire, 0, wire.length))
        .isInstanceOf(FramingException.class).hasMessageContaining("bad chunk size start '0'");
  }

  @Test
  void garbageInsteadOfAChunkHeaderIsRejected() {
    byte[] wire = "<rpc-reply/>]]>]]>".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new Decoder(Mode.CHUNKED, 4096).feed(wire, 0, wire.length))
        .isInstanceOf(FramingException.class).hasMessageContaining("expected LF starting a chunk header, got '<'");
  }

  @Test
  void chunkLargerThanTheMessageLimitIsRejectedBeforeBuffering() {
    byte[] wire = "\n#999999999\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new Decoder(Mode.CHUNKED, 1024).feed(wire, 0, wire.length))
        .isInstanceOf(FramingException.class).hasMessageContaining("exceeds 1024 bytes");
  }

  @Test
  void chunkSizeAboveTheRfcMaximumIsRejected() {
    byte[] wire = "\n#4294967296\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> new Decoder(Mode.CHUNKED, Integer.MAX_VALUE).feed(wire, 0, wire.length))
        .isInstanceOf(FramingException.class).hasMessageContaining("4294967295");
  }

  @Test
  void endlessMessageWithoutDelimiterIsRejectedAtTheLimit() {
    byte[] wire = new byte[5000];
    java.util.Arrays.fill(wire, (byte) 'a');
    assertThatThrownBy(() -> new Decoder(Mode.END_OF_MESSAGE, 1024).feed(wire, 0, wire.length))
        .isInstanceOf(FramingException.class).hasMessageContaining("exceeds 1024 bytes");
  }

  @Test
  void framingSwitchesAfterTheHello() throws FramingException {
    Decoder d = new Decoder(Mode.END_OF_MESSAGE, 4096);
    byte[] hello = "<hello/>]]>]]>".getBytes(StandardCharsets.US_ASCII);
    assertThat(d.feed(hello, 0, hello.length)).containsExactly("<hello/>");
    d.switchTo(Mode.CHUNKED);
    byte[] rpc = NetconfFraming.encode("<rpc-reply/>", Mode.CHUNKED);
    assertThat(d.feed(rpc, 0, rpc.length)).containsExactly("<rpc-reply/>");
  }
}
