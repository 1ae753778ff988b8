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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent-push path with a 64 MiB image, memory flat: {@link AgentPushRun} provisions a 4-member simulated
 * VC with the whole engine in a JVM whose heap is capped at 48 MiB, less than the image; holding the image (or
 * a large part of it) in memory anywhere on the way (HTTP download, digest, SFTP/SCP push, the device's store)
 * fails with OutOfMemoryError. The run prints its measured peak heap; the test checks it stayed under the cap
 * and under the image size, and that the VC ended on the new version with the pushed file byte-identical.
 */
@Timeout(300)
class JunosAgentPushEndToEndTest {
  static final long IMAGE_BYTES = 64L * 1024 * 1024;
  static final String HEAP = "-Xmx48m";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sftp", "scp"})
  void aSixtyFourMebibyteImageIsPushedVerifiedAndInstalledOnEveryMemberWithTheHeapCappedBelowItsSize(String transfer)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
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
    assertThat(p.exitValue()).as("exit status; output:\n" + output).isZero();
    String result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    System.out.println(result);
    double peak = Double.parseDouble(value(result, "peak_heap_used_mb"));
    assertThat(peak).as("peak heap used (MiB), image is 64 MiB: " + result).isLessThan(48.0);
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
