package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcProtocolException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SafeXmlTest {
  static InputStream utf8(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  /** An endless body; counts how much a reader pulled from it. */
  static final class Endless extends InputStream {
    long served;
    private final byte[] prefix;

    Endless(String prefix) {
      this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read() {
      return served < prefix.length ? prefix[(int) served++] : (served++ >= 0 ? 'a' : -1);
    }
  }

  static String xxe(Path secret) {
    return "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><d>&x;</d>";
  }

  static final String BILLION_LAUGHS = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]><lolz>&lol4;</lolz>";

  @Test
  void domParserRefusesExternalEntity(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    assertThatThrownBy(() -> SafeXml.parse(utf8(xxe(secret)), 1 << 20))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("DOCTYPE")
        .hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void streamReaderRefusesExternalEntity(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    assertThatThrownBy(() -> drain(SafeXml.newStreamReader(utf8(xxe(secret)))))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("DOCTYPE");
  }

  @Test
  void externalDtdIsNeverFetched() {
    String doc = "<?xml version=\"1.0\"?><!DOCTYPE d SYSTEM \"http://127.0.0.1:1/evil.dtd\"><d/>";
    assertThatThrownBy(() -> SafeXml.parse(utf8(doc), 1 << 20)).isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> drain(SafeXml.newStreamReader(utf8(doc)))).isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void billionLaughsIsRefusedBeforeExpansion() {
    assertThatThrownBy(() -> SafeXml.parse(utf8(BILLION_LAUGHS), 1 << 20)).isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> drain(SafeXml.newStreamReader(utf8(BILLION_LAUGHS))))
        .isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void xincludeIsNotProcessed() {
    Document d = SafeXml.parse(utf8("<d xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\"/></d>"),
        1 << 20);
    assertThat(d.getDocumentElement().getTextContent()).isEmpty();
    assertThat(d.getDocumentElement().getFirstChild().getLocalName()).isEqualTo("include");
  }

  @Test
  void boundedStreamFailsAsSoonAsTheLimitIsPassedWithoutReadingTheRest() {
    Endless endless = new Endless("");
    assertThatThrownBy(() -> SafeXml.readBounded(endless, 1000))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("body exceeds 1000 bytes");
    assertThat(endless.served).isEqualTo(1001);
  }

  @Test
  void boundedStreamPassesABodyAtTheLimit() {
    assertThat(SafeXml.readBounded(utf8("x".repeat(1000)), 1000)).hasSize(1000);
  }

  @Test
  void domParseOfAnOversizeBodyStopsAtTheLimit() {
    Endless endless = new Endless("<d>");
    assertThatThrownBy(() -> SafeXml.parse(endless, 64 * 1024))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("body exceeds 65536 bytes");
    assertThat(endless.served).isLessThanOrEqualTo(64 * 1024 + 1);
  }

  @Test
  void malformedXmlNamesLineAndColumn() {
    assertThatThrownBy(() -> SafeXml.parse(utf8("<a>\n<b></a>"), 1000))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("malformed XML (line 2");
  }

  private static void drain(XMLStreamReader r) throws Exception {
    while (r.hasNext()) {
      if (r.next() == XMLStreamConstants.END_DOCUMENT) {
        return;
      }
    }
  }

  /** The hardened parsers still read real Junos replies (../shared/corpus, skipped where absent). */
  @Test
  void hardenedParsersReadEveryRealJunosReply() throws Exception {
    String shared = System.getProperty("phc.shared.dir");
    org.junit.jupiter.api.Assumptions.assumeTrue(shared != null, "phc.shared.dir not set");
    Path corpus = Path.of(shared, "corpus", "junos-rpc-replies");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus), "no corpus at " + corpus);
    java.util.List<Path> files;
    try (var list = Files.list(corpus)) {
      files = list.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Document d;
      try (InputStream in = Files.newInputStream(f)) {
        d = SafeXml.parse(in, 16 << 20);
      }
      assertThat(d.getDocumentElement().getLocalName()).as(f.toString()).isEqualTo("rpc-reply");
      try (InputStream in = Files.newInputStream(f)) {
        drain(SafeXml.newStreamReader(in));
      }
    }
  }

  @Test
  void badBytesAndUnknownEncodingsAreBadDocumentsButAFailingStreamIsAnIoError() {
    assertThatThrownBy(() -> SafeXml.parse(utf8("<?xml version=\"1.0\" encoding=\"UTF-0\"?><a/>"), 1000))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> SafeXml.parse(new ByteArrayInputStream(new byte[] {'<', 'a', '>', (byte) 0xC3, '<', '/',
        'a', '>'}), 1000)).isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> SafeXml.parse(CodecHostileInputTest.brokenAfter("<a>"), 1000))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("connection reset");
  }

  @Test
  void unboundedStreamReaderStillReadsInLargeChunks() throws Exception {
    int[] largest = {0};
    InputStream counting = new java.io.FilterInputStream(utf8("<a>" + "x".repeat(100_000) + "</a>")) {
      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        largest[0] = Math.max(largest[0], len);
        return super.read(b, off, len);
      }
    };
    drain(SafeXml.newStreamReader(counting));
    assertThat(largest[0]).isGreaterThan(1000);
  }
}
