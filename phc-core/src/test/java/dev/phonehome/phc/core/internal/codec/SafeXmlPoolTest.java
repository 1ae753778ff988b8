package dev.phonehome.phc.core.internal.codec;

import static dev.phonehome.phc.core.internal.codec.SafeXmlTest.BILLION_LAUGHS;
import static dev.phonehome.phc.core.internal.codec.SafeXmlTest.utf8;
import static dev.phonehome.phc.core.internal.codec.SafeXmlTest.xxe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * SafeXml reuses its hardened parsers: a parser that served a good document, or failed on a bad one, is just as
 * hardened for the next document, and parsers are never shared by two threads at once.
 */
@Timeout(60)
class SafeXmlPoolTest {

  @Test
  void aReusedParserStillRefusesDoctypesAndExternalEntities(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    for (int i = 0; i < 50; i++) {
      Document d = SafeXml.parse(utf8("<n xmlns=\"urn:x\"><t>ok " + i + "</t></n>"), 1 << 20);
      assertThat(d.getDocumentElement().getTextContent()).isEqualTo("ok " + i);
      assertThatThrownBy(() -> SafeXml.parse(utf8(xxe(secret)), 1 << 20))
          .isInstanceOf(PhcProtocolException.class).hasMessageContaining("DOCTYPE")
          .hasMessageNotContaining("TOP-SECRET");
      assertThatThrownBy(() -> SafeXml.parse(utf8(BILLION_LAUGHS), 1 << 20))
          .isInstanceOf(PhcProtocolException.class).hasMessageContaining("DOCTYPE");
      assertThatThrownBy(() -> SafeXml.parse(utf8("<n><unclosed></n>"), 1 << 20))
          .isInstanceOf(PhcProtocolException.class).hasMessageContaining("malformed XML");
      assertThatThrownBy(() -> drain(SafeXml.newStreamReader(utf8(xxe(secret)))))
          .isInstanceOf(PhcProtocolException.class).hasMessageNotContaining("TOP-SECRET");
      assertThat(drain(SafeXml.newStreamReader(utf8("<n><t>stax " + i + "</t></n>")))).isEqualTo("stax " + i);
    }
  }

  @Test
  void parsersUsedFromManyThreadsAtOnceEachReadTheirOwnDocument() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 300; i++) {
            String text = "thread " + thread + " document " + i;
            Document d = SafeXml.parse(utf8("<n><t>" + text + "</t></n>"), 1 << 20);
            if (!d.getDocumentElement().getTextContent().equals(text)) {
              return false;
            }
            if (!drain(SafeXml.newStreamReader(utf8("<n><t>" + text + "</t></n>"))).equals(text)) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The text of every character event. */
  private static String drain(XMLStreamReader r) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (r.hasNext()) {
      if (r.next() == XMLStreamReader.CHARACTERS) {
        sb.append(r.getText());
      }
    }
    return sb.toString();
  }
}
