package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.GoJson.INT;
import static dev.phonehome.phc.conformance.GoJson.STRING;

import dev.phonehome.phc.conformance.GoJson.GoError;
import dev.phonehome.phc.conformance.GoJson.Slice;
import dev.phonehome.phc.conformance.GoJson.Struct;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The opiproject {@code sztp} agent's bootstrap sequence ({@code sztp-agent/pkg/secureagent}: daemon.go,
 * tls.go, image.go, configuration.go, progress.go), step by step as that agent performs it, written from reading
 * its source (facts, not its code): the exact request it sends, the way it decodes every answer (Go structs with
 * unknown fields refused), what it checks and in which order. A test runs it against phc's server; whatever
 * this emulation refuses, the real agent refuses.
 *
 * <ol>
 *   <li>POST {@code get-bootstrapping-data}: {@code Content-Type: application/yang-data+json}, no Accept, Basic
 *       serial:password, body {@code {"ietf-sztp-bootstrap-server:input":{"hw-model":..,"os-name":..,
 *       "os-version":..,"nonce":""}}}; the answer is decoded into {@code {output:{conveyed-information}}} (else
 *       into the RESTCONF error structure, else the first error stands), and only then must the status be 200;
 *   <li>report {@code bootstrap-initiated};
 *   <li>conveyed-information: standard base64, a CMS ContentInfo whose [0] content's octets are JSON decoded
 *       into the onboarding structure, else into the redirect structure;
 *   <li>redirect: the first bootstrap-server's address (non-empty) and port (&gt; 0) replace the URL's host and
 *       port, and 1 and 3 are done again;
 *   <li>boot image: report {@code boot-image-initiated}; for download-uri[i]: GET it (200 needed), SHA-256 of the
 *       file against image-verification[i] (hash-algorithm exactly {@code ietf-sztp-conveyed-info:sha-256},
 *       hash-value without colons, lowercase hex); the first URI decides; report {@code boot-image-complete};
 *   <li>configuration: report {@code config-initiated}, base64-decode it, report {@code config-complete};
 *   <li>pre- and post-configuration scripts: report {@code pre-script-initiated}, base64-decode, run with
 *       {@code /bin/sh}, report {@code pre-script-complete}; the same for post;
 *   <li>report {@code bootstrap-complete} with {@code trust-anchor-certs} holding base64("mysshpass") and the
 *       SSH host keys.
 * </ol>
 * Every report carries {@code "ssh-host-keys":{}} and {@code "trust-anchor-certs":{}} (Go's omitempty does not
 * omit structs) and must be answered 200; the agent logs a failed report and goes on, and so does this.
 */
final class OpiSztpAgentEmulation {
  static final String CONTENT_TYPE = "application/yang-data+json";

  static final Struct POST_OUTPUT = Struct.of("ietf-sztp-bootstrap-server:output",
      Struct.of("conveyed-information", STRING));
  static final Struct ERROR_OUTPUT = Struct.of("ietf-restconf:errors", Struct.of("error", new Slice(
      Struct.of("error-type", STRING, "error-tag", STRING, "error-message", STRING))));
  static final Struct ONBOARDING = Struct.of("ietf-sztp-conveyed-info:onboarding-information", Struct.of(
      "InfoTimestampReference", STRING,
      "boot-image", Struct.of("download-uri", new Slice(STRING),
          "image-verification", new Slice(Struct.of("hash-algorithm", STRING, "hash-value", STRING))),
      "pre-configuration-script", STRING,
      "configuration-handling", STRING,
      "configuration", STRING,
      "post-configuration-script", STRING));
  static final Struct REDIRECT = Struct.of("ietf-sztp-conveyed-info:redirect-information", Struct.of(
      "bootstrap-server", new Slice(Struct.of("address", STRING, "port", INT, "trust-anchor", STRING))));

  /** A report the agent sent and the status it got back. */
  record Report(String progressType, String body, int status) {}

  /** How far the sequence got. */
  record Outcome(boolean completed, String stage, String error, List<Report> reports,
      Map<String, Object> onboarding, byte[] configuration, List<String> scriptOutputs) {}

  private final HttpClient http;
  private final String serial;
  private final String password;
  private final Path workDir;
  private String bootstrapUrl;
  private final List<Report> reports = new ArrayList<>();

  OpiSztpAgentEmulation(String bootstrapUrl, String serial, String password, SSLContext tls, Path workDir) {
    this.bootstrapUrl = bootstrapUrl;
    this.serial = serial;
    this.password = password;
    this.workDir = workDir;
    this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** generateInputJSONContent(): the struct's four members, in order, compact, the nonce always empty. */
  static String inputJson(String hwModel, String osName, String osVersion) {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("hw-model", hwModel);
    in.put("os-name", osName);
    in.put("os-version", osVersion);
    in.put("nonce", "");
    return GoJson.marshal(Map.of("ietf-sztp-bootstrap-server:input", in));
  }

  Outcome run() throws InterruptedException {
    String stage = "onboarding";
    Map<String, Object> onboarding = Map.of();
    byte[] configuration = new byte[0];
    List<String> scriptOutputs = new ArrayList<>();
    try {
      Object[] first = requestOnboardingInfo();
      onboarding = castMap(first[0]);
      Map<String, Object> redirect = castMap(first[1]);
      if (!isZero(redirect)) {
        stage = "redirect";
        List<Object> servers = castList(castMap(redirect.get("ietf-sztp-conveyed-info:redirect-information"))
            .get("bootstrap-server"));
        Map<String, Object> s0 = castMap(servers.get(0));
        String addr = (String) s0.get("address");
        long port = (Long) s0.get("port");
        if (addr.isEmpty()) {
          throw new AgentError("invalid redirect address");
        }
        if (port <= 0) {
          throw new AgentError("invalid port");
        }
        URI u = URI.create(bootstrapUrl);
        bootstrapUrl = new URI(u.getScheme(), null, addr, (int) port, u.getPath(), null, null).toString();
        onboarding = castMap(requestOnboardingInfo()[0]);
      }
      Map<String, Object> oi = castMap(onboarding.get("ietf-sztp-conveyed-info:onboarding-information"));
      stage = "boot-image";
      downloadAndValidateImage(castMap(oi.get("boot-image")));
      stage = "config";
      report("config-initiated", "Configuration Initiated");
      configuration = Base64.getMimeDecoder().decode((String) oi.get("configuration"));
      report("config-complete", "Configuration Complete");
      stage = "pre-script";
      scriptOutputs.add(script("pre", (String) oi.get("pre-configuration-script"), "pre-script"));
      stage = "post-script";
      scriptOutputs.add(script("post", (String) oi.get("post-configuration-script"), "post-script"));
      stage = "bootstrap-complete";
      report("bootstrap-complete", "Bootstrap Complete");
      return new Outcome(true, stage, "", List.copyOf(reports), onboarding, configuration, scriptOutputs);
    } catch (AgentError | GoError | IOException | RuntimeException | java.net.URISyntaxException e) {
      return new Outcome(false, stage, e.getMessage() == null ? e.toString() : e.getMessage(), List.copyOf(reports),
          onboarding, configuration, scriptOutputs);
    }
  }

  /** doRequestBootstrapServerOnboardingInfo(): {onboarding struct, redirect struct}, one of them zero. */
  private Object[] requestOnboardingInfo() throws AgentError, GoError, IOException, InterruptedException {
    Map<String, Object> output = castMap(tlsRequest(inputJson("ex4300-48p", "Debian GNU/Linux", "12 (bookworm)"),
        bootstrapUrl, false));
    report("bootstrap-initiated", "Bootstrap Initiated");
    String crypto = (String) castMap(output.get("ietf-sztp-bootstrap-server:output")).get("conveyed-information");
    byte[] der = Base64.getDecoder().decode(crypto);
    byte[] data = GoAsn1.conveyedContent(der);
    try {
      return new Object[] {GoJson.decode(data, ONBOARDING), GoJson.decode(new byte[] {'{', '}'}, REDIRECT)};
    } catch (GoError onboardingError) {
      // not onboarding information: try redirect information, whose error then stands
      return new Object[] {GoJson.decode(new byte[] {'{', '}'}, ONBOARDING), GoJson.decode(data, REDIRECT)};
    }
  }

  /** downloadAndValidateImage(): the first download URI decides. */
  private void downloadAndValidateImage(Map<String, Object> bootImage)
      throws AgentError, IOException, InterruptedException {
    report("boot-image-initiated", "BootImage Initiated");
    List<Object> uris = castList(bootImage.get("download-uri"));
    List<Object> verifications = castList(bootImage.get("image-verification"));
    for (int i = 0; i < uris.size(); i++) {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create((String) uris.get(i)))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new AgentError("received non 200 response code");
      }
      if (i >= verifications.size()) {
        throw new AgentError("panic: runtime error: index out of range [" + i + "] with length "
            + verifications.size());
      }
      Map<String, Object> v = castMap(verifications.get(i));
      if (!"ietf-sztp-conveyed-info:sha-256".equals(v.get("hash-algorithm"))) {
        throw new AgentError("unsupported hash algorithm");
      }
      String checksum = HexFormat.of().formatHex(sha256(r.body()));
      String original = ((String) v.get("hash-value")).replace(":", "");
      if (!checksum.equals(original)) {
        throw new AgentError("checksum mismatch");
      }
      report("boot-image-complete", "BootImage Complete");
      return;
    }
  }

  private String script(String name, String base64, String reportPrefix)
      throws AgentError, IOException, InterruptedException {
    report(reportPrefix + "-initiated", "Report starting");
    Path file = workDir.resolve(name + "configuration.sh");
    Files.write(file, Base64.getMimeDecoder().decode(base64));
    Process p = new ProcessBuilder("/bin/sh", file.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AgentError(name + "-configuration script did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AgentError("running the " + name + "-configuration script: exit status " + p.exitValue());
    }
    report(reportPrefix + "-complete", "Report end");
    return out;
  }

  /** doReportProgress(): the ProgressJSON structure, failures logged and ignored by the caller. */
  private void report(String type, String message) throws InterruptedException {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("progress-type", type);
    in.put("message", message);
    Map<String, Object> keys = new LinkedHashMap<>();
    Map<String, Object> anchors = new LinkedHashMap<>();
    if (type.equals("bootstrap-complete")) {
      anchors.put("trust-anchor-cert", List.of(Base64.getEncoder().encodeToString("mysshpass".getBytes(
          StandardCharsets.UTF_8))));
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("algorithm", "ssh-ed25519");
      key.put("key-data", "AAAAC3NzaC1lZDI1NTE5AAAAIKh7oGO6AkdvBpY3YlE6y+fkp1ATL/ZLMUwPEmNxfQ2P");
      keys.put("ssh-host-key", List.of(key));
    }
    in.put("ssh-host-keys", keys);
    in.put("trust-anchor-certs", anchors);
    String body = GoJson.marshal(Map.of("ietf-sztp-bootstrap-server:input", in));
    String url = bootstrapUrl.replace("get-bootstrapping-data", "report-progress");
    int status;
    try {
      HttpResponse<byte[]> r = post(body, url);
      status = r.statusCode();
    } catch (IOException e) {
      status = -1;
    }
    reports.add(new Report(type, body, status));
  }

  /** doTLSRequest(): decode first (output, else RESTCONF errors), then require 200. */
  private Object tlsRequest(String input, String url, boolean empty) throws AgentError, GoError, IOException,
      InterruptedException {
    HttpResponse<byte[]> r = post(input, url);
    Object postResponse = null;
    if (!empty) {
      try {
        postResponse = GoJson.decode(r.body(), POST_OUTPUT);
      } catch (GoError derr) {
        Map<String, Object> errors;
        try {
          errors = castMap(GoJson.decode(r.body(), ERROR_OUTPUT));
        } catch (GoError eerr) {
          throw derr;
        }
        Map<String, Object> e0 = castMap(castList(castMap(errors.get("ietf-restconf:errors")).get("error")).get(0));
        throw new AgentError("[ERROR] Expected conveyed-information, received error type=" + e0.get("error-type")
            + ", tag=" + e0.get("error-tag") + ", message=" + e0.get("error-message"));
      }
    }
    if (r.statusCode() != 200) {
      throw new AgentError("[ERROR] Status code received: " + r.statusCode() + " ...but status code expected: 200");
    }
    return postResponse;
  }

  private HttpResponse<byte[]> post(String body, String url) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((serial + ":" + password)
            .getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isZero(Map<String, Object> redirect) {
    return castList(castMap(redirect.get("ietf-sztp-conveyed-info:redirect-information")).get("bootstrap-server"))
        .isEmpty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> castList(Object o) {
    return (List<Object>) o;
  }

  /** An error the agent returns (its text as the agent words it). */
  static final class AgentError extends Exception {
    private static final long serialVersionUID = 1L;

    AgentError(String message) {
      super(message);
    }
  }
}
