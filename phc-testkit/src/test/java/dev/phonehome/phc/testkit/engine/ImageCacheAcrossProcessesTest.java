package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent processes share one image cache directory and stage the same image at the same time: the image
 * server sends it once (a lock file per image), and every process pushes the same verified bytes.
 */
@Timeout(120)
class ImageCacheAcrossProcessesTest {

  @Test
  void threeProcessesStagingOneImageAtOnceDownloadItOnce(@TempDir Path dir) throws Exception {
    int processes = 3;
    AtomicInteger served = new AtomicInteger();
    CountDownLatch allStarted = new CountDownLatch(processes);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
          served.incrementAndGet();
          allStarted.await(60, TimeUnit.SECONDS); // the first download waits until every process asked
          return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
        }
      });
      server.start(java.net.InetAddress.getLoopbackAddress(), 0);
      String sha256 = Harness.digest("SHA-256", IMAGE).hex();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<Process> workers = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        workers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ImageCacheWorker.class.getName(), dir.toString(),
            server.url("/images/" + Harness.IMAGE_NAME).toString(), sha256)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
      List<String> staged = new ArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (Process p : workers) {
        Thread t = new Thread(() -> {
          try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              if (line.equals("STARTED")) {
                allStarted.countDown();
              } else if (line.startsWith("STAGED ")) {
                synchronized (staged) {
                  staged.add(line);
                }
              }
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        t.start();
        readers.add(t);
      }
      for (Process p : workers) {
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      for (Thread t : readers) {
        t.join(10_000);
      }
      assertThat(served.get()).isEqualTo(1);
      assertThat(staged).hasSize(processes)
          .allSatisfy(line -> assertThat(line).startsWith("STAGED " + IMAGE.length + " " + sha256 + " "));
      assertThat(staged.stream().filter(l -> l.contains("downloads=1"))).hasSize(1);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
    }
  }
}
