package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated VC as network engineers' own tools see it: Juniper PyEZ ({@code python3-junos-eznc}) and
 * {@code ncclient} ({@code python3-ncclient}) run as real Python processes against it (the scripts are in
 * {@code src/test/python}). Each script prints every call it makes and why one failed; a failure shows that
 * output. The VC runs on the system clock with a short reboot time so that PyEZ can reboot it and reconnect.
 *
 * <p>In CI ({@code CI=true}) missing Python packages fail the test; elsewhere it is skipped.
 */
@Timeout(300)
class PythonNetconfToolsTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String OLD = "20.4R3.8";
  private static final String NEW = "21.4R3.15";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";

  @BeforeAll
  static void pythonToolsInstalled() throws Exception {
    String missing = null;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      missing = PYTHON + " is not installed";
    } else {
      Run r = run(List.of(PYTHON, "-c", "import jnpr.junos, jnpr.junos.utils.sw, ncclient, scp"), Duration.ofSeconds(60));
      if (r.exit != 0) {
        missing = "python3-junos-eznc / python3-ncclient are not importable: " + r.output;
      }
    }
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail(missing + " (CI installs them in .ci/run: apt-get install python3-junos-eznc python3-ncclient)");
      }
      assumeTrue(false, missing);
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // the process ended
      }
    });
    pump.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      pump.join(5000);
      return new Run(-1, out.toString(StandardCharsets.UTF_8) + "\n(killed after " + timeout + ")");
    }
    pump.join(5000);
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  private static Path script(String name) {
    Path p = Path.of("src/test/python", name);
    assertThat(p).as("the test script").exists();
    return p.toAbsolutePath();
  }

  private static String json(Map<String, Object> args) {
    return args.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + (e.getValue() instanceof String s
        ? "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : String.valueOf(e.getValue())))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static Run python(String script, Map<String, Object> args) throws Exception {
    Run r = run(List.of(PYTHON, script(script).toString(), json(args)), Duration.ofSeconds(240));
    if (r.exit != 0 || !r.output.contains("RESULT passed=")) {
      fail(script + " failed (exit " + r.exit + "):\n" + r.output);
    }
    return r;
  }

  private static VirtualChassisModel.Builder vc(int members, int primary, int backup) {
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(Clock.systemUTC())
        .rebootTime(Duration.ofSeconds(2)).roleSettleTime(Duration.ofMillis(500));
    for (int i = 0; i < members; i++) {
      b.member(i, "PE37141002" + i + "8", "ex4300-48p", OLD);
    }
    return b.primary(primary).backup(backup);
  }

  @Test
  void pyezGathersEveryFactConfiguresInstallsOnEveryMemberRebootsAndReconnects(@TempDir Path dir) throws Exception {
    byte[] image = new byte[1 << 20];
    new java.util.Random(7).nextBytes(image);
    Path local = Files.write(dir.resolve(IMAGE_NAME), image);
    Bytes sha256 = Bytes.of(MessageDigest.getInstance("SHA-256").digest(image));
    VirtualChassisModel model = vc(4, 2, 3).image(IMAGE_NAME, NEW, sha256).build();
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(model).start()) {
      Run r = python("pyez_vc.py", Map.ofEntries(Map.entry("host", "localhost"), Map.entry("port", device.port()),
          Map.entry("user", device.username()), Map.entry("password", device.password()), Map.entry("members", 4),
          Map.entry("primary", 2), Map.entry("model", "EX4300-48P"), Map.entry("old_version", OLD),
          Map.entry("new_version", NEW), Map.entry("hostname", "vc-sim"), Map.entry("image", local.toString()),
          Map.entry("reconnect_seconds", 60)));
      assertThat(r.output).contains("ok Config.diff()", "ok Config.rollback(1)", "ok Config(dev, mode='exclusive')",
          "ok Config(dev, mode='private')", "ok SW.install(image) on every member", "ok every member on the new version");
      assertThat(device.uploads()).filteredOn(u -> u.path().equals("/var/tmp/" + IMAGE_NAME))
          .singleElement().satisfies(u -> {
            assertThat(u.protocol()).isEqualTo("scp");
            assertThat(u.bytes()).isEqualTo(image.length);
            assertThat(u.sha256()).isEqualTo(sha256);
            assertThat(u.complete()).isTrue();
          });
      assertThat(device.rpcSummaries("request-package-add"))
          .containsExactlyInAnyOrder("request-package-add member=0", "request-package-add member=1",
              "request-package-add member=2", "request-package-add member=3");
      assertThat(model.members()).extracting(VcMember::version).containsOnly(NEW);
      assertThat(device.rpcSummaries()).contains("lock-configuration", "load-configuration", "commit-configuration",
          "unlock-configuration", "get-interface-information", "get-route-engine-information", "file-show",
          "file-list", "get-ethernet-switching-table-information", "command:show version invoke-on all-routing-engines");
    }
  }

  @Test
  void ncclientUsesTheBaseOperationsInChunkedFraming() throws Exception {
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc(2, 0, 1).build()).chunkedFraming(true).start()) {
      python("ncclient_vc.py", Map.of("host", "127.0.0.1", "port", device.port(), "user", device.username(),
          "password", device.password(), "expect_chunked", true));
      assertThat(device.sessionFramings()).containsOnly("chunked");
      assertThat(device.rpcSummaries()).contains("get", "get-config", "lock", "edit-config", "validate", "commit",
          "discard-changes", "unlock", "close-session");
    }
  }

  @Test
  void ncclientUsesTheBaseOperationsInEndOfMessageFraming() throws Exception {
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc(2, 0, 1).build()).chunkedFraming(false).start()) {
      python("ncclient_vc.py", Map.of("host", "127.0.0.1", "port", device.port(), "user", device.username(),
          "password", device.password(), "expect_chunked", false));
      assertThat(device.sessionFramings()).containsOnly("end-of-message");
    }
  }
}
