package dev.phonehome.phc.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.server.ClientAuth;
import dev.phonehome.phc.core.server.CompatibilityProfile;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.DeviceSecrets;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opiproject {@code sztp} agent bootstraps from phc's server with
 * {@link CompatibilityProfile#OPI_SZTP_AGENT}: the agent's whole sequence ({@link OpiSztpAgentEmulation}, which
 * decodes every answer exactly as the Go agent does) against the real server over HTTPS, with the image served
 * by another HTTPS server. Without the profile the same agent fails on the first answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpiSztpAgentProfileTest {
  private static final TestPki PKI = TestPki.create();
  private static final String SERIAL = "OPI-DPU-0001";
  private static final String SECRET = "opi-activation-code";
  private static final byte[] IMAGE = "a DPU boot image, not really".getBytes(StandardCharsets.UTF_8);
  private final List<DeviceNotification> stored = new CopyOnWriteArrayList<>();
  @TempDir Path work;
  private ScriptedHttpsServer images;
  private PhoneHomeServer phs;
  private PhoneHomeServer redirector;

  @BeforeEach
  void start() throws IOException {
    images = new ScriptedHttpsServer(PKI.serverSslContext());
    images.script(r -> r.path().equals("/images/dpu.img") ? new Reply(200, Map.of(), IMAGE) : Reply.empty(404));
  }

  @AfterEach
  void stop() {
    images.close();
    if (phs != null) {
      phs.close();
    }
    if (redirector != null) {
      redirector.close();
    }
  }

  private OnboardingInformation onboarding() throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(IMAGE);
    byte[] md5 = MessageDigest.getInstance("MD5").digest(IMAGE);
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().osName("Debian").osVersion("12")
            .addDownloadUri(images.url() + "/images/dpu.img")
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Bytes.of(md5)))
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(sha))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<config>dpu</config>"))
        .addPreConfigurationScript(Bytes.utf8("echo pre-ran\n"))
        .addPostConfigurationScript(Bytes.utf8("echo post-ran\n"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, List.of(IntendedMember.of(SERIAL))))
        .build();
  }

  private PhoneHomeServer server(InMemoryProvisioningRecords records, CompatibilityProfile profile) {
    return PhoneHomeServer.builder().records(records).sslContext(PKI.serverSslContext()).clientAuth(ClientAuth.NONE)
        .authenticator(DeviceAuthentication.builder().deviceSecrets(DeviceSecrets.of(Map.of(SERIAL, SECRET))).build())
        .compatibility(profile).addProgressListener(stored::add).build().start();
  }

  private OpiSztpAgentEmulation agent(PhoneHomeServer bootstrap) {
    return new OpiSztpAgentEmulation(bootstrap.url()
        + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", SERIAL, SECRET,
        PKI.clientSslContext(null), work);
  }

  @Test
  void opiSztpAgentBootstrapsAgainstTheOpiProfile() throws Exception {
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, onboarding()), CompatibilityProfile.OPI_SZTP_AGENT);

    OpiSztpAgentEmulation.Outcome o = agent(phs).run();

    assertThat(o.error()).isEmpty();
    assertThat(o.completed()).isTrue();
    assertThat(o.configuration()).isEqualTo("<config>dpu</config>".getBytes(StandardCharsets.UTF_8));
    assertThat(o.scriptOutputs()).containsExactly("pre-ran\n", "post-ran\n");
    assertThat(o.reports()).extracting(OpiSztpAgentEmulation.Report::progressType).containsExactly(
        "bootstrap-initiated", "boot-image-initiated", "boot-image-complete", "config-initiated", "config-complete",
        "pre-script-initiated", "pre-script-complete", "post-script-initiated", "post-script-complete",
        "bootstrap-complete");
    assertThat(o.reports()).allSatisfy(r -> assertThat(r.status()).as(r.progressType()).isEqualTo(200));
    assertThat(stored).extracting(n -> n.report().type().name()).containsExactlyElementsOf(
        o.reports().stream().map(OpiSztpAgentEmulation.Report::progressType).toList());
    DeviceNotification complete = stored.get(stored.size() - 1);
    assertThat(complete.report().type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(complete.report().trustAnchorCerts()).containsExactly(Bytes.utf8("mysshpass"));
    assertThat(complete.report().sshHostKeys()).singleElement()
        .satisfies(k -> assertThat(k.algorithm()).isEqualTo("ssh-ed25519"));
  }

  @Test
  void theAgentReceivesOnlyTheMembersItsStructuresDeclare() throws Exception {
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, onboarding()), CompatibilityProfile.OPI_SZTP_AGENT);
    OpiSztpAgentEmulation.Outcome o = agent(phs).run();
    @SuppressWarnings("unchecked")
    Map<String, Object> oi = (Map<String, Object>) o.onboarding().get("ietf-sztp-conveyed-info:onboarding-information");
    @SuppressWarnings("unchecked")
    Map<String, Object> bootImage = (Map<String, Object>) oi.get("boot-image");
    assertThat(bootImage.get("image-verification")).asList().singleElement().asString()
        .contains("hash-algorithm=ietf-sztp-conveyed-info:sha-256");
    assertThat(oi.get("configuration-handling")).isEqualTo("merge");
  }

  @Test
  void theSameAgentCannotReadTheDefaultRfc8572AnswerSoTheProfileIsNeeded() throws Exception {
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, onboarding()), CompatibilityProfile.RFC8572);
    OpiSztpAgentEmulation.Outcome o = agent(phs).run();
    assertThat(o.completed()).isFalse();
    assertThat(o.stage()).isEqualTo("onboarding");
    assertThat(o.error()).isEqualTo("json: unknown field \"reporting-level\"");
  }

  @Test
  void theAgentFollowsARedirectAndEveryPortIsWritten() throws Exception {
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, onboarding()), CompatibilityProfile.OPI_SZTP_AGENT);
    redirector = server(new InMemoryProvisioningRecords().put(SERIAL, RedirectInformation.of(
        new BootstrapServer("127.0.0.1", phs.port(), null))), CompatibilityProfile.OPI_SZTP_AGENT);

    OpiSztpAgentEmulation.Outcome o = agent(redirector).run();

    assertThat(o.error()).isEmpty();
    assertThat(o.completed()).isTrue();
    assertThat(stored).filteredOn(n -> n.report().type() == ProgressType.BOOTSTRAP_COMPLETE).hasSize(1);
  }

  @Test
  void redirectWithoutPortIsWrittenWithPort443ForTheAgent() throws Exception {
    redirector = server(new InMemoryProvisioningRecords().put(SERIAL, RedirectInformation.of(
        new BootstrapServer("phs.example.net", null, null))), CompatibilityProfile.OPI_SZTP_AGENT);
    java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newBuilder().sslContext(PKI.clientSslContext(null))
        .build().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(redirector.url()
            + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data"))
            .header("Authorization", okhttp3.Credentials.basic(SERIAL, SECRET))
            .header("Content-Type", OpiSztpAgentEmulation.CONTENT_TYPE)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(OpiSztpAgentEmulation.inputJson("m", "o", "v")))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, String>> out = (Map<String, Map<String, String>>) GoJson.decode(r.body(),
        OpiSztpAgentEmulation.POST_OUTPUT);
    byte[] doc = GoAsn1.conveyedContent(java.util.Base64.getDecoder().decode(
        out.get("ietf-sztp-bootstrap-server:output").get("conveyed-information")));
    // The agent's redirect structure: a port of 0 (absent) would make it refuse the entry ("invalid port").
    assertThat(GoJson.decode(doc, OpiSztpAgentEmulation.REDIRECT).toString())
        .isEqualTo("{ietf-sztp-conveyed-info:redirect-information={bootstrap-server=[{address=phs.example.net,"
            + " port=443, trust-anchor=}]}}");
  }

  @Test
  void aRecordWithoutSha256IsAServerErrorNotABadAnswerForTheAgent() throws Exception {
    OnboardingInformation md5Only = onboarding().toBuilder().bootImage(BootImage.builder()
        .addDownloadUri(images.url() + "/images/dpu.img")
        .addVerification(new ImageVerification(HashAlgorithm.MD5,
            Bytes.of(MessageDigest.getInstance("MD5").digest(IMAGE)))).build()).build();
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, md5Only), CompatibilityProfile.OPI_SZTP_AGENT);
    OpiSztpAgentEmulation.Outcome o = agent(phs).run();
    assertThat(o.completed()).isFalse();
    // The error body decodes into the agent's own error structure: no error-path member it would refuse.
    assertThat(o.error()).isEqualTo("[ERROR] Expected conveyed-information, received error type=application,"
        + " tag=operation-failed, message=the record of 'OPI-DPU-0001' has no sha-256 image-verification, the only"
        + " one the opiproject sztp agent can check; add one to the record");
  }

  @Test
  void aWrongSecretIsAnErrorTheAgentCanRead() throws Exception {
    phs = server(new InMemoryProvisioningRecords().put(SERIAL, onboarding()), CompatibilityProfile.OPI_SZTP_AGENT);
    OpiSztpAgentEmulation.Outcome o = new OpiSztpAgentEmulation(phs.url()
        + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data", SERIAL, "wrong",
        PKI.clientSslContext(null), work).run();
    assertThat(o.error()).startsWith("[ERROR] Expected conveyed-information, received error type=protocol,"
        + " tag=access-denied");
  }
}
