package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code phc serve} on a temp dir, answering curl over real HTTPS on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
  private static final String JUNIPER_SERIAL = "PE3714100218";
  private static final String RFC_SERIAL = "FOC2231X0AB";

  @TempDir Path tmp;
  private Path records;
  private Path caFile;
  private StringWriter out;
  private StandaloneServer server;

  @BeforeEach
  void setUp() throws IOException {
    records = Files.createDirectories(tmp.resolve("records"));
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private StandaloneServer serve(String... extra) throws Exception {
    out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    List<String> args = new ArrayList<>(List.of("serve", "--records", records.toString(), "--port", "0"));
    args.addAll(List.of(extra));
    cl.parseArgs(args.toArray(new String[0]));
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    server = serve.start();
    caFile = tmp.resolve("trusted-server.pem");
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            server.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    return server;
  }

  static OnboardingInformation onboarding() {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder()
            .name("jinstall-ex-4300-21.4R3.15-signed.tgz")
            .osVersion("21.4R3.15")
            .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addVerification(ImageVerification.ofHex(HashAlgorithm.MD5, "0123456789abcdef0123456789abcdef"))
            .build())
        .configuration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT, List.of(
            new IntendedMember(JUNIPER_SERIAL, null, IntendedRole.ROUTING_ENGINE, null),
            new IntendedMember("PE3714100301", null, IntendedRole.LINE_CARD, null))))
        .build();
  }

  @Test
  void juniperGetServesTheRecordBytesAndANotificationLandsInTheJournal() throws Exception {
    byte[] record = JuniperXmlCodec.encodeDevice(new JuniperDevice(JUNIPER_SERIAL, onboarding()));
    Files.write(records.resolve(JUNIPER_SERIAL + ".xml"), record);
    serve("--notifications", tmp.resolve("notifications").toString());
    assertThat(out.toString()).contains("phone-home server listening on " + server.url(),
        "SHA-256 fingerprint", TlsMaterial.fingerprint(server.certificate()), JUNIPER_SERIAL + ".xml");

    String deviceUrl = server.url() + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + JUNIPER_SERIAL;
    Curl get = curl("-u", JUNIPER_SERIAL + ":", "-H", "Accept: application/yang-data+xml", deviceUrl);
    assertThat(get.status).isEqualTo(200);
    assertThat(get.body).isEqualTo(record);

    Curl wrongUser = curl("-u", "SOMEONE-ELSE:", deviceUrl);
    assertThat(wrongUser.status).isEqualTo(403);

    Curl post = curl("-u", JUNIPER_SERIAL + ":", "-X", "POST", "-H", "Content-Type: application/yang-data+xml",
        "--data-binary", "<notification xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
            + "<notification-type>bootstrap-initiated</notification-type><message>hello from curl</message>"
            + "</notification>",
        deviceUrl + "/notification");
    assertThat(post.status).isIn(201, 204);
    Path journal = tmp.resolve("notifications").resolve(JUNIPER_SERIAL + ".jsonl");
    assertThat(journal).exists();
    List<String> lines = Files.readAllLines(journal);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("{\"time\":\"")
        .contains("\"serial\":\"" + JUNIPER_SERIAL + "\"", "\"dialect\":\"juniper\"",
            "\"type\":\"bootstrap-initiated\"", "\"message\":\"hello from curl\"");
    assertThat(out.toString()).contains(JUNIPER_SERIAL + "  bootstrap-initiated: hello from curl");
    assertThat(server.server().progress().timeline(JUNIPER_SERIAL)).extracting(n -> n.report().message())
        .as("stored in the server's database").containsExactly("hello from curl");
    assertThat(tmp.resolve("phc-state.sqlite")).as("the default database, next to the records").exists();
  }

  @Test
  void rfc8572PostServesTheRecordAsConveyedInformationAndReportProgressLandsInTheJournal() throws Exception {
    byte[] record = Rfc8572Codec.encodeConveyedInformation(onboarding(), Encoding.JSON);
    Files.write(records.resolve(RFC_SERIAL + ".json"), record);
    Path secrets = tmp.resolve("device-secrets");
    Files.writeString(secrets, "# serial secret\n" + RFC_SERIAL + "  activation code 1\n");
    serve("--device-secrets", secrets.toString(), "--notifications", tmp.resolve("notifications").toString());
    String ops = server.url() + "restconf/operations/ietf-sztp-bootstrap-server:";
    // RFC 8572 section 5.3: serial + empty password is not enough in this dialect.
    assertThat(curl("-u", RFC_SERIAL + ":", "-X", "POST", ops + "get-bootstrapping-data").status).isEqualTo(401);
    Curl post = curl("-u", RFC_SERIAL + ":activation code 1", "-X", "POST", "-H", "Content-Type: application/yang-data+json",
        "-H", "Accept: application/yang-data+json",
        "--data-binary", "{\"ietf-sztp-bootstrap-server:input\":{\"hw-model\":\"ex4300-48p\",\"os-name\":\"junos\"}}",
        ops + "get-bootstrapping-data");
    assertThat(post.status).as(new String(post.body, StandardCharsets.UTF_8)).isEqualTo(200);
    BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(post.body),
        Encoding.JSON, CodecLimits.DEFAULT);
    ConveyedDocument doc = ConveyedInformationCms.unwrap(data.conveyedInformation());
    assertThat(doc.signed()).isFalse();
    assertThat(doc.encoding()).isEqualTo(Encoding.JSON);
    assertThat(doc.document()).isEqualTo(record);

    Curl progress = curl("-u", RFC_SERIAL + ":activation code 1", "-X", "POST", "-H",
        "Content-Type: application/yang-data+json",
        "--data-binary", "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"bootstrap-initiated\","
            + "\"message\":\"rfc hello\"}}",
        ops + "report-progress");
    assertThat(progress.status).isEqualTo(204);
    List<String> lines = Files.readAllLines(tmp.resolve("notifications").resolve(RFC_SERIAL + ".jsonl"));
    assertThat(lines).singleElement().asString()
        .contains("\"dialect\":\"rfc8572\"", "\"type\":\"bootstrap-initiated\"", "\"message\":\"rfc hello\"");
  }

  @Test
  void anUnclaimedSerialGets404() throws Exception {
    serve();
    Curl get = curl("-u", "NOBODY1:", server.url()
        + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=NOBODY1");
    assertThat(get.status).isEqualTo(404);
  }

  @Test
  void adminApiNeedsTheTokenAndStatusShowsTheFleet() throws Exception {
    Files.write(records.resolve(JUNIPER_SERIAL + ".xml"),
        JuniperXmlCodec.encodeDevice(new JuniperDevice(JUNIPER_SERIAL, onboarding())));
    Path tokenFile = Files.writeString(tmp.resolve("admin.token"), "s3cret-token-0123456789\n");
    serve("--admin-token-file", tokenFile.toString());
    String deviceUrl = server.url() + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + JUNIPER_SERIAL;
    assertThat(curl("-u", JUNIPER_SERIAL + ":", deviceUrl).status).isEqualTo(200);
    curl("-u", JUNIPER_SERIAL + ":", "-X", "POST", "-H", "Content-Type: application/yang-data+xml",
        "--data-binary", "<notification xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
            + "<notification-type>boot-image-initiated</notification-type><message>downloading</message>"
            + "</notification>", deviceUrl + "/notification");

    String admin = server.adminUrl().toString();
    assertThat(admin).endsWith("/phc/admin/v1/").doesNotContain(":" + server.url().getPort() + "/");
    assertThat(curl(admin + "devices").status).isEqualTo(401);
    assertThat(curl("-H", "Authorization: Bearer wrong", admin + "devices").status).isEqualTo(401);
    assertThat(curl("-u", JUNIPER_SERIAL + ":", server.url() + "phc/admin/v1/devices").status)
        .as("the admin API is not on the device port").isEqualTo(404);
    assertThat(curl("-H", "Authorization: Bearer s3cret-token-0123456789", server.url() + "phc/admin/v1/devices")
        .status).as("a token holder on the device port is pointed at the admin port").isEqualTo(307);

    String fp = TlsMaterial.fingerprint(server.certificate());
    // phc status finds the admin port from the device URL.
    CliRun fleet = CliRun.of("status", "--server", server.url().toString(), "--token-file", tokenFile.toString(),
        "--insecure-fingerprint", fp);
    assertThat(fleet.exitCode()).as(fleet.err()).isZero();
    assertThat(fleet.out()).contains("SERIAL", "STATE", "PHASE", "LAST NOTIFICATION", "AGE")
        .containsPattern(JUNIPER_SERIAL + " +in-progress +boot-image-initiated +downloading");

    CliRun one = CliRun.of("status", "--server", admin, "--token-file", tokenFile.toString(),
        "--insecure-fingerprint", fp, JUNIPER_SERIAL);
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out()).contains("Device " + JUNIPER_SERIAL + ": in-progress", "juniper",
        "boot-image-initiated", "downloading");

    Path wrongToken = Files.writeString(tmp.resolve("wrong.token"), "not-the-token-at-all\n");
    CliRun badToken = CliRun.of("status", "--server", admin, "--token-file", wrongToken.toString(),
        "--insecure-fingerprint", fp);
    assertThat(badToken.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badToken.err()).contains("the admin API refused the token (401)");

    CliRun wrongPin = CliRun.of("status", "--server", admin, "--token-file", tokenFile.toString(),
        "--insecure-fingerprint", "00".repeat(32));
    assertThat(wrongPin.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(wrongPin.err()).contains("TLS handshake failed");
  }

  @Test
  void aRecordWithAnXmlSyntaxErrorStopsStartupNamingFileAndLine() throws IOException {
    Path bad = records.resolve("PE1.xml");
    Files.writeString(bad, "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">\n"
        + "  <unique-id>PE1</unique-id>\n"
        + "  <boot-image><name>x</name>\n"
        + "</device>\n");
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("a record does not parse:", bad + ":4: XML is not well formed");
  }

  @Test
  void aJsonRecordWithASyntaxErrorNamesFileAndLine() throws IOException {
    Path bad = records.resolve("FOC1.json");
    Files.writeString(bad, "{\n  \"ietf-sztp-conveyed-info:onboarding-information\": {\n"
        + "    \"boot-image\": {\"os-name\": \"junos\",}\n  }\n}\n");
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(bad + ":3: JSON is not valid: expected a member name in double quotes");
  }

  @Test
  void aWellFormedRecordWithABadValueNamesFileLineAndValue() throws IOException {
    Path bad = records.resolve("PE2.xml");
    Files.writeString(bad, "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">\n"
        + "  <unique-id>PE2</unique-id>\n"
        + "  <boot-image>\n"
        + "    <name>jinstall.tgz</name>\n"
        + "    <md5>not-hex</md5>\n"
        + "    <path>https://images.example.net/jinstall.tgz</path>\n"
        + "  </boot-image>\n"
        + "</device>\n");
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains(bad + ":5: ").contains("not-hex");
  }

  @Test
  void aRecordChangedWhileServingIsReReadAndReported() throws Exception {
    Files.write(records.resolve(JUNIPER_SERIAL + ".xml"),
        JuniperXmlCodec.encodeDevice(new JuniperDevice(JUNIPER_SERIAL, onboarding())));
    serve();
    OnboardingInformation changed = onboarding().toBuilder()
        .configuration(Bytes.utf8("<configuration><system><host-name>sw2</host-name></system></configuration>"))
        .build();
    byte[] updated = JuniperXmlCodec.encodeDevice(new JuniperDevice(JUNIPER_SERIAL, changed));
    Files.write(records.resolve(JUNIPER_SERIAL + ".xml"), updated);
    String deviceUrl = server.url() + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + JUNIPER_SERIAL;
    Curl get = curl("-u", JUNIPER_SERIAL + ":", deviceUrl);
    assertThat(get.status).isEqualTo(200);
    assertThat(get.body).isEqualTo(updated);
  }

  @Test
  void redirectModeServesRedirectRecordsAndNotOnboardingRecords() throws Exception {
    Files.write(records.resolve("PE9.redirect.json"), Rfc8572Codec.encodeConveyedInformation(
        dev.phonehome.phc.api.model.RedirectInformation.of(
            new dev.phonehome.phc.api.model.BootstrapServer("phs.example.net", 8443, null)), Encoding.JSON));
    Files.write(records.resolve(JUNIPER_SERIAL + ".xml"),
        JuniperXmlCodec.encodeDevice(new JuniperDevice(JUNIPER_SERIAL, onboarding())));
    serve("--redirect");
    assertThat(out.toString()).contains("redirect server listening on",
        JUNIPER_SERIAL + ".xml", "[ignored: not redirect information; serve without --redirect]");
    String base = server.url() + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
    Curl redirect = curl("-u", "PE9:", base + "PE9");
    assertThat(redirect.status).isEqualTo(200);
    JuniperDevice d = JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(redirect.body), CodecLimits.DEFAULT);
    assertThat(d.conveyedInformation()).isEqualTo(dev.phonehome.phc.api.model.RedirectInformation.of(
        new dev.phonehome.phc.api.model.BootstrapServer("phs.example.net", 8443, null)));
    assertThat(curl("-u", JUNIPER_SERIAL + ":", base + JUNIPER_SERIAL).status).isEqualTo(404);
  }

  @Test
  void givenPemFilesTheServerPresentsThatCertificate() throws Exception {
    dev.phonehome.phc.testkit.pki.TestPki pki = dev.phonehome.phc.testkit.pki.TestPki.create();
    Path cert = Files.writeString(tmp.resolve("phs.pem"), pki.serverCertificateChainPem());
    Path key = Files.writeString(tmp.resolve("phs.key"), pki.serverKeyPem());
    serve("--tls-cert", cert.toString(), "--tls-key", key.toString());
    assertThat(server.certificate()).isEqualTo(pki.serverCertificate());
    assertThat(out.toString()).contains(TlsMaterial.fingerprint(pki.serverCertificate()))
        .doesNotContain("self-signed");
    assertThat(curl("-u", "NOBODY1:", server.url()
        + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=NOBODY1").status).isEqualTo(404);
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsBadInput() throws Exception {
    dev.phonehome.phc.testkit.pki.TestPki pki = dev.phonehome.phc.testkit.pki.TestPki.create();
    Path cert = Files.writeString(tmp.resolve("phs.pem"), pki.serverCertificateChainPem());
    Path key = Files.writeString(tmp.resolve("other.key"), pki.deviceKeyPem("PE1"));
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0",
        "--tls-cert", cert.toString(), "--tls-key", key.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--tls-key " + key + ": the private key does not belong to the certificate")
        .contains(" of " + cert);
  }

  @Test
  void theBannerSaysWhatEachDialectAcceptsAndWarnsOfASecretsFileOthersCanRead() throws Exception {
    Path secrets = tmp.resolve("device-secrets");
    Files.writeString(secrets, RFC_SERIAL + " s3cret\n");
    java.nio.file.Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-r--r--"));
    serve("--device-secrets", secrets.toString());
    assertThat(out.toString())
        .contains("Juniper dialect: serial + empty password (or the device's secret, when it has one)")
        .contains("RFC 8572:        device secret (1 in " + secrets + ")")
        .contains("WARNING " + secrets + " holds device secrets but is accessible to others (rw-r--r--); chmod 600 it");
    server.close();
    java.nio.file.Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    serve("--device-secrets", secrets.toString());
    assertThat(out.toString()).doesNotContain("WARNING");
  }

  @Test
  void withoutSecretsOrCaTheBannerSaysNoRfc8572DeviceCanAuthenticate() throws Exception {
    serve();
    assertThat(out.toString()).contains("RFC 8572:        NONE CONFIGURED: every RFC 8572 device gets 401");
  }

  @Test
  void clientCaAuthenticatesRfc8572DevicesByTheirCertificateWithCurl() throws Exception {
    dev.phonehome.phc.testkit.pki.TestPki pki = dev.phonehome.phc.testkit.pki.TestPki.create();
    Files.write(records.resolve(RFC_SERIAL + ".json"), Rfc8572Codec.encodeConveyedInformation(onboarding(),
        Encoding.JSON));
    Path ca = Files.writeString(tmp.resolve("manufacturer-ca.pem"), pki.manufacturerCaPem());
    Path cert = Files.writeString(tmp.resolve("device.pem"), pki.deviceCertificateChainPem(RFC_SERIAL));
    Path key = Files.writeString(tmp.resolve("device.key"), pki.deviceKeyPem(RFC_SERIAL));
    serve("--client-ca", ca.toString(), "--no-juniper");
    String ops = server.url() + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
    assertThat(curl("-X", "POST", "-H", "Accept: application/yang-data+json", ops).status).isEqualTo(401);
    Curl withCert = curl("--cert", cert.toString(), "--key", key.toString(), "-X", "POST", "-H",
        "Accept: application/yang-data+json", ops);
    assertThat(withCert.status).as(new String(withCert.body, StandardCharsets.UTF_8)).isEqualTo(200);
    // --no-juniper: the same record is not readable with serial + empty password.
    assertThat(curl("-u", RFC_SERIAL + ":", server.url()
        + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + RFC_SERIAL).status).isEqualTo(403);
    assertThat(out.toString()).contains("Juniper dialect: off (--no-juniper)");
  }

  @Test
  void unknownCompatibilityProfileIsAUsageError() {
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--compatibility", "go-agent");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--compatibility go-agent: use rfc8572 or opi-sztp");
  }

  private record Curl(int status, byte[] body) {}

  private Curl curl(String... args) throws Exception {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(curlAvailable()).as("curl must be installed in CI (.ci/run installs it)").isTrue();
    }
    assumeTrue(curlAvailable(), "curl is not installed");
    Path body = Files.createTempFile(tmp, "body", ".bin");
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", caFile.toString(),
        "-o", body.toString(), "-w", "HTTPSTATUS=%{http_code}"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Matcher m = Pattern.compile("HTTPSTATUS=(\\d{3})").matcher(output);
    assertThat(m.find()).as("curl output: " + output).isTrue();
    return new Curl(Integer.parseInt(m.group(1)), Files.readAllBytes(body));
  }

  private static Boolean curl;

  private static synchronized boolean curlAvailable() {
    if (curl == null) {
      curl = CliRun.toolRuns("curl");
    }
    return curl;
  }
}
