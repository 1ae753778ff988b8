package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code phc serve} keeps its state in a database: a restart keeps every timeline, the unclaimed inbox shows who
 * polls, records move between a directory and a database, and admin tokens never go on the command line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeStateTest {
  private static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";

  @TempDir Path tmp;
  private Path records;
  private final List<StandaloneServer> running = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    records = Files.createDirectories(tmp.resolve("records"));
    for (String serial : List.of("PE1001", "PE1002")) {
      Files.writeString(records.resolve(serial + ".xml"), "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
          + "<unique-id>" + serial + "</unique-id><configuration><config><configuration><system><host-name>"
          + serial.toLowerCase(java.util.Locale.ROOT) + "</host-name></system></configuration></config>"
          + "</configuration></device>\n");
    }
  }

  @AfterEach
  void tearDown() {
    running.forEach(StandaloneServer::close);
  }

  private StandaloneServer serve(String... args) {
    CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true));
    List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
    all.addAll(List.of(args));
    cl.parseArgs(all.toArray(new String[0]));
    StandaloneServer s = cl.getSubcommands().get("serve").<ServeCommand>getCommand().start();
    running.add(s);
    return s;
  }

  private static OkHttpClient client(StandaloneServer s) {
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(s.certificate()).build();
    return new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .hostnameVerifier((h, session) -> true).callTimeout(Duration.ofSeconds(20)).build();
  }

  private static int get(StandaloneServer s, String serial) throws IOException {
    try (Response r = client(s).newCall(new Request.Builder().url(s.url() + DEVICES + serial)
        .header("Authorization", Credentials.basic(serial, "")).build()).execute()) {
      return r.code();
    }
  }

  private static int post(StandaloneServer s, String serial, ProgressType type, String message) throws IOException {
    try (Response r = client(s).newCall(new Request.Builder().url(s.url() + DEVICES + serial + "/notification")
        .header("Authorization", Credentials.basic(serial, ""))
        .post(RequestBody.create(JuniperXmlCodec.encodeNotification(ProgressReport.of(type, message)),
            MediaType.get("application/yang-data+xml"))).build()).execute()) {
      return r.code();
    }
  }

  @Test
  void restartOfPhcServeKeepsEveryTimelineInTheFileNextToTheRecords() throws Exception {
    StandaloneServer first = serve("--records", records.toString());
    assertThat(get(first, "PE1001")).isEqualTo(200);
    assertThat(post(first, "PE1001", ProgressType.BOOTSTRAP_INITIATED, "started")).isEqualTo(204);
    assertThat(post(first, "PE1001", ProgressType.BOOTSTRAP_COMPLETE, "done")).isEqualTo(204);
    assertThat(get(first, "WAITING9")).isEqualTo(404);
    first.close();

    StandaloneServer again = serve("--records", records.toString());
    assertThat(again.database().toString()).contains(tmp.resolve("phc-state.sqlite").toString());
    assertThat(again.server().progress().timeline("PE1001")).extracting(n -> n.report().message())
        .containsExactly("started", "done");
    assertThat(again.server().progress().status("PE1001").state()).isEqualTo(DeviceState.COMPLETE);
    assertThat(again.server().progress().unclaimed()).extracting(s -> s.serialNumber()).containsExactly("WAITING9");
  }

  @Test
  void statusListsTheUnclaimedInboxFoundThroughTheDevicePort() throws Exception {
    Path token = Files.writeString(tmp.resolve("admin.token"), "0123456789abcdef-token\n");
    StandaloneServer s = serve("--records", records.toString(), "--admin-token-file", token.toString());
    assertThat(get(s, "NEWSWITCH1")).isEqualTo(404);
    String fp = TlsMaterial.fingerprint(s.certificate());
    CliRun inbox = CliRun.of("status", "--server", s.url().toString(), "--token-file", token.toString(),
        "--insecure-fingerprint", fp, "--unclaimed");
    assertThat(inbox.exitCode()).as(inbox.err()).isZero();
    assertThat(inbox.out()).contains("SERIAL", "SOURCE", "LAST SEEN")
        .containsPattern("NEWSWITCH1 +127\\.0\\.0\\.1 +juniper")
        .contains("1 unclaimed device(s)");
  }

  @Test
  void anAdminTokenOnTheCommandLineIsRefusedSayingWhereToPutIt() {
    CliRun serve = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--admin-token",
        "s3cret-token-0123456789");
    assertThat(serve.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(serve.err()).contains("--admin-token: a token on the command line is visible to every user",
        "--admin-token-file", "PHC_ADMIN_TOKEN");
    CliRun status = CliRun.of("status", "--server", "https://127.0.0.1:1", "--token", "x");
    assertThat(status.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(status.err()).contains("--token-file");
  }

  @Test
  void aShortAdminTokenFileIsBadInputNamingTheFile() throws Exception {
    Path token = Files.writeString(tmp.resolve("short.token"), "tiny\n");
    CliRun serve = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--admin-token-file",
        token.toString());
    assertThat(serve.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(serve.err()).contains(token.toString(), "at least 16");
  }

  @Test
  void recordsImportedIntoADatabaseAreServedFromItAndExportedByteForByte() throws Exception {
    String db = "jdbc:sqlite:" + tmp.resolve("shared.sqlite");
    CliRun imp = CliRun.of("records", "import", records.toString(), "--database", db);
    assertThat(imp.exitCode()).as(imp.err()).isZero();
    assertThat(imp.out()).contains("imported 2 record(s)");

    StandaloneServer s = serve("--database", db);
    assertThat(get(s, "PE1002")).isEqualTo(200);
    assertThat(get(s, "PE9999")).isEqualTo(404);
    assertThat(post(s, "PE1002", ProgressType.CONFIG_COMPLETE, "ok")).isEqualTo(204);
    assertThat(s.server().progress().timeline("PE1002")).hasSize(1);

    Path out = tmp.resolve("exported");
    CliRun exp = CliRun.of("records", "export", out.toString(), "--database", db);
    assertThat(exp.exitCode()).as(exp.err()).isZero();
    for (String serial : List.of("PE1001", "PE1002")) {
      assertThat(Files.readAllBytes(out.resolve(serial + ".xml")))
          .isEqualTo(Files.readAllBytes(records.resolve(serial + ".xml")));
    }
    CliRun list = CliRun.of("records", "list", "--database", db);
    assertThat(list.out()).contains("PE1001  PE1001.xml", "PE1002  PE1002.xml", "2 record(s)");
  }

  @Test
  void importOfADirectoryWithABadRecordImportsNothingAndNamesTheFileAndLine() throws Exception {
    Files.writeString(records.resolve("PE1003.xml"), "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">\n"
        + "  <unique-id>PE1003</unique-id>\n  <boot-image><name>x</name>\n</device>\n");
    String db = "jdbc:sqlite:" + tmp.resolve("bad.sqlite");
    CliRun imp = CliRun.of("records", "import", records.toString(), "--database", db);
    assertThat(imp.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(imp.err()).contains("PE1003.xml:4");
    CliRun list = CliRun.of("records", "list", "--database", db);
    assertThat(list.out()).contains("0 record(s)");
  }
}
