package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.api.model.ProgressType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both dialects with {@code curl} as the client, as an operator would try it; skipped where curl is absent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurlEndToEndTest {
  @TempDir
  Path tmp;
  private final TestTls tls = new TestTls();
  private PhoneHomeServer server;
  private Path caFile;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(curlAvailable(), "curl is not installed");
    caFile = tmp.resolve("ca.pem");
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(tls.ca.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    server = PhoneHomeServer.builder().records(Fixtures.records()).sslContext(tls.serverContext())
        .authenticator(DeviceAuthentication.builder()
            .deviceSecrets(DeviceSecrets.of(java.util.Map.of(Fixtures.SERIAL_B, "rfc-secret"))).build())
        .build().start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static boolean curlAvailable() {
    try {
      Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs curl; returns "status\nbody". */
  private String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", caFile.toString(),
        "-w", "\n%{http_code}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void juniperBootstrapAndNotificationWithCurl() throws Exception {
    String base = "https://localhost:" + server.port() + "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
    String out = curl("-u", SERIAL_A + ":", "-H", "Accept: application/yang.data+xml", base + SERIAL_A);
    assertThat(out).endsWith("\n200").contains("<unique-id>" + SERIAL_A + "</unique-id>").contains("sw-a");
    out = curl("-u", SERIAL_A + ":", "-H", "Content-Type: application/yang-data+xml", "--data-binary",
        "<notification xmlns=\"http://juniper.net/zerotouch-bootstrap-server\"><notification-type>bootstrap-complete"
            + "</notification-type><message>done</message></notification>", base + SERIAL_A + "/notification");
    assertThat(out).endsWith("\n204");
    assertThat(server.progress().status(SERIAL_A).phase()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    out = curl("-u", Fixtures.REDIRECTED + ":", base + SERIAL_A);
    assertThat(out).endsWith("\n403").doesNotContain("sw-a");
  }

  @Test
  void rfc8572GetBootstrappingDataAndReportProgressWithCurl() throws Exception {
    String ops = "https://127.0.0.1:" + server.port() + "/restconf/operations/ietf-sztp-bootstrap-server:";
    // RFC 8572 section 5.3: the device authenticates, here with its secret as the Basic password.
    String out = curl("-u", Fixtures.SERIAL_B + ":rfc-secret", "-H", "Content-Type: application/yang-data+json", "-H",
        "Accept: application/yang-data+json", "--data-binary",
        "{\"ietf-sztp-bootstrap-server:input\":{\"hw-model\":\"ex4300-48p\"}}", ops + "get-bootstrapping-data");
    assertThat(out).endsWith("\n200").contains("ietf-sztp-bootstrap-server:output").contains("conveyed-information");
    out = curl("-u", Fixtures.SERIAL_B + ":rfc-secret", "-H", "Content-Type: application/yang-data+xml", "--data-binary",
        "<input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\"><progress-type>bootstrap-initiated"
            + "</progress-type><message>hi</message></input>", ops + "report-progress");
    assertThat(out).endsWith("\n204");
    assertThat(server.progress().timeline(Fixtures.SERIAL_B)).extracting(n -> n.report().type())
        .containsExactly(ProgressType.BOOTSTRAP_INITIATED);
  }
}
