package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The agent-push path with a 64 MiB image, memory flat: {@link AgentPushRun} provisions a 4-member simulated
 * VC with the whole engine, the phone-home server, the image's HTTP server and the simulated device in one JVM
 * whose heap is capped at 32 MiB, half the image (both transfers also pass at 24 MiB, with more GC). Holding the image
 * (or a large part of it) in memory anywhere on the way (download, digest, push, the device's store) ends in
 * OutOfMemoryError. The run prints its measured peak heap; the test checks it ended well and that the VC is on
 * the new version with the pushed file byte-identical.
 */
@Timeout(300)
class JunosAgentPushEndToEndTest {
  static final long IMAGE_BYTES = 64L * 1024 * 1024;

  @ParameterizedTest(name = "{0} with -Xmx{1}m")
  @CsvSource({"sftp, 32", "scp, 32"})
  void aSixtyFourMebibyteImageIsPushedVerifiedAndInstalledOnEveryMemberWithTheHeapCappedBelowItsSize(String transfer,
      int heapMib) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + heapMib + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        AgentPushRun.class.getName(), Long.toString(IMAGE_BYTES), transfer).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      } catch (java.io.IOException e) {
        // ended
      }
    });
    pump.start();
    boolean ended = p.waitFor(240, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    pump.join(10_000);
    String output = out.toString(StandardCharsets.UTF_8);
    assertThat(ended).as("the run ended in time:\n" + output).isTrue();
    assertThat(output).as("no part of the run ran out of memory").doesNotContain("OutOfMemoryError");
    assertThat(p.exitValue()).as("exit status; output:\n" + output).isZero();
    String result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    System.out.println(result);
    assertThat(Double.parseDouble(value(result, "max_heap_mb"))).as("the cap held: " + result).isLessThanOrEqualTo(heapMib);
    assertThat(Long.parseLong(value(result, "image_bytes"))).isEqualTo(IMAGE_BYTES);
    assertThat(List.of(value(result, "all_on_new_version"), value(result, "upload_identical"), value(result, "renamed")))
        .as(result).containsOnly("true");
  }

  private static String value(String line, String key) {
    for (String part : line.split(" ")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    throw new AssertionError(key + " not in " + line);
  }
}
