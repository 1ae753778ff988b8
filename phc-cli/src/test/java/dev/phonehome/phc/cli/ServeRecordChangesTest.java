package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code phc serve} while record files change under it: each change reported once, when the file is complete; a
 * half-written file never reaches a device; a broken one is one line naming file and line, without a stack trace.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServeRecordChangesTest {
  private static final String NS = "http://juniper.net/zerotouch-bootstrap-server";
  private static final Pattern LISTENING = Pattern.compile("listening on (https://[^/]+/)");

  @TempDir Path tmp;
  private StandaloneServer server;
  private Process child;
  private final HeldCertificate cert = new HeldCertificate.Builder().commonName("phc serve")
      .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost").build();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  static String record(String serial, String hostName) {
    return "<device xmlns=\"" + NS + "\">\n<unique-id>" + serial + "</unique-id>\n<configuration><config><configuration>"
        + "<system><host-name>" + hostName + "</host-name></system></configuration></config></configuration>\n</device>\n";
  }

  @Test
  void aRecordWrittenInTwoStepsIsReportedOnceWhenComplete() throws Exception {
    Path records = Files.createDirectories(tmp.resolve("records"));
    StringWriter out = new StringWriter();
    server = serve(records, out, Duration.ofSeconds(1));
    Path pe1 = records.resolve("PE1.xml");
    String full = record("PE1", "sw1");
    Files.writeString(pe1, full.substring(0, full.length() / 2));       // create + first write
    Files.writeString(pe1, full);                                        // the rest: a second write event
    awaitOutput(out::toString, "records: PE1.xml (re)loaded");
    Files.writeString(records.resolve("PE2.xml"), record("PE2", "sw2"));  // a later change, reported after PE1's
    awaitOutput(out::toString, "records: PE2.xml (re)loaded");
    assertThat(recordLines(out.toString())).hasSize(2)
        .allSatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d  records: PE[12]\\.xml \\(re\\)loaded: configuration, standalone"));
  }

  @Test
  void aHalfWrittenRecordKeepsServingTheLastGoodVersionUntilTheWriteCompletes() throws Exception {
    Path records = Files.createDirectories(tmp.resolve("records"));
    Path pe1 = records.resolve("PE1.xml");
    Files.writeString(pe1, record("PE1", "first"));
    StringWriter out = new StringWriter();
    // A long settle time, so that the half-written state below lasts as long as the test needs it.
    server = serve(records, out, Duration.ofSeconds(60));
    OkHttpClient http = http();
    assertThat(get(http, server.url().toString(), "PE1")).isEqualTo("200 " + record("PE1", "first"));

    String second = record("PE1", "second");
    Files.writeString(pe1, second.substring(0, 70));                    // the writer is half way
    assertThat(get(http, server.url().toString(), "PE1")).isEqualTo("200 " + record("PE1", "first"));
    Files.writeString(pe1, second);                                       // done
    assertThat(get(http, server.url().toString(), "PE1")).isEqualTo("200 " + second);
    Files.writeString(records.resolve("PE2.xml"), "");                   // a new file, nothing written yet
    assertThat(get(http, server.url().toString(), "PE2")).startsWith("404 ");
    assertThat(out.toString()).doesNotContain("ERROR", "Premature end of file");
  }

  @Test
  void aBrokenRecordIsOneLineNamingFileAndLineAndTheDevicesRequestLogsNoStackTrace() throws Exception {
    Path records = Files.createDirectories(tmp.resolve("records"));
    Path pe1 = records.resolve("PE1.xml");
    Files.writeString(pe1, record("PE1", "first"));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    String url = startChild(records, lines);

    Files.writeString(pe1, "<device xmlns=\"" + NS + "\">\n<unique-id>PE1</unique-id>\n<configuration><conf");
    Files.setLastModifiedTime(pe1, FileTime.from(Instant.now().minusSeconds(60)));   // written long ago: broken
    String watcherLine = awaitOutput(() -> String.join("\n", lines), "records: ERROR " + pe1 + ":3: ");
    assertThat(watcherLine).endsWith("(device PE1 gets 500 until fixed)");

    assertThat(get(http(), url, "PE1")).startsWith("500 ");
    String logLine = awaitOutput(() -> String.join("\n", lines), "provisioning record for 'PE1' cannot be read");
    assertThat(logLine).contains("(answered 500): record file " + pe1 + ": malformed XML (line 3");
    synchronized (lines) {
      assertThat(lines).as("no stack trace: " + lines)
          .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by:") || l.contains("Exception:"));
    }
  }

  private StandaloneServer serve(Path records, StringWriter out, Duration settle) {
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    Path key = write("key.pem", cert.privateKeyPkcs8Pem());
    Path chain = write("cert.pem", cert.certificatePem());
    cl.parseArgs("serve", "--records", records.toString(), "--port", "0", "--tls-cert", chain.toString(),
        "--tls-key", key.toString());
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.recordsSettle = settle;
    return serve.start();
  }

  private String startChild(Path records, List<String> lines) throws IOException {
    Path key = write("key.pem", cert.privateKeyPkcs8Pem());
    Path chain = write("cert.pem", cert.certificatePem());
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "dev.phonehome.phc.cli.Main", "serve",
        "--records", records.toString(), "--port", "0", "--tls-cert", chain.toString(), "--tls-key", key.toString());
    child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "phc-serve-child-output");
    reader.setDaemon(true);
    reader.start();
    String listening = awaitOutput(() -> String.join("\n", lines), "listening on ");
    Matcher m = LISTENING.matcher(listening);
    assertThat(m.find()).as(listening).isTrue();
    return m.group(1);
  }

  private Path write(String name, String content) {
    try {
      return Files.writeString(tmp.resolve(name), content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private OkHttpClient http() {
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(cert.certificate()).build();
    return new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .callTimeout(Duration.ofSeconds(20)).build();
  }

  /** "STATUS BODY" of a device's Juniper GET. */
  private static String get(OkHttpClient http, String base, String serial) throws IOException {
    try (Response r = http.newCall(new Request.Builder()
        .url(base + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + serial)
        .header("Authorization", Credentials.basic(serial, "")).build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  private static List<String> recordLines(String output) {
    return output.lines().filter(l -> l.contains("  records: ")).toList();
  }

  /** The first output line containing {@code text}, waiting for it up to 30 s (the watcher and logs are asynchronous). */
  private static String awaitOutput(Supplier<String> output, String text) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String o = output.get();
      for (String line : o.split("\n")) {
        if (line.contains(text)) {
          return line;
        }
      }
      assertThat(System.nanoTime() < deadline).as("no line with \"" + text + "\" within 30 s in:\n" + o).isTrue();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
