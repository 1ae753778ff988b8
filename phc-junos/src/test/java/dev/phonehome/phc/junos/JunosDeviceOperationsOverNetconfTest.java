package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.junos.internal.NetconfFraming;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.JunosSimulationFault;
import dev.phonehome.phc.testkit.junos.RecordedRpc;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** NETCONF-level behaviour of JunosDeviceOperations against the simulated Junos device, over real SSH. */
@Timeout(60)
class JunosDeviceOperationsOverNetconfTest {
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final String IMAGE_URI = "http://images.example.test/" + IMAGE_NAME;
  private static final byte[] IMAGE = "not really a Junos image, but bytes all the same".repeat(1000).getBytes();

  private final VirtualClock clock = new VirtualClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private VirtualChassisModel fourMemberVc() throws Exception {
    return VirtualChassisModel.builder().clock(clock)
        .member(0, "PE3714100218", "ex4300-48p", "20.4R3.8")
        .member(1, "PE3714100301", "ex4300-48p", "20.4R3.8")
        .member(2, "PE3714100477", "ex4300-48p", "20.4R3.8")
        .member(3, "PE3714100592", "ex4300-48p", "20.4R3.8")
        .primary(2).backup(3)
        .image(IMAGE_NAME, "21.4R3.15", Bytes.of(MessageDigest.getInstance("SHA-256").digest(IMAGE)))
        .imageSource(uri -> new ByteArrayInputStream(IMAGE))
        .build();
  }

  private SimulatedJunosDevice device(SimulatedJunosDevice.Builder b) {
    SimulatedJunosDevice d = b.start();
    closeables.add(d);
    return d;
  }

  private JunosDeviceOperations ops(JunosDeviceOperations.Builder b) {
    JunosDeviceOperations o = b.build();
    closeables.add(0, o);
    return o;
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static ImageFetch fetch(HashAlgorithm a, byte[] digest) {
    return new ImageFetch(IMAGE_URI, IMAGE_NAME, List.of(new ImageVerification(a, Bytes.of(digest))), Duration.ofMinutes(5));
  }

  @Test
  void bothSidesOfferingBase11UseChunkedFraming() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThat(o.members()).hasSize(4);
    assertThat(o.currentFraming()).isEqualTo(NetconfFraming.Mode.CHUNKED);
  }

  @Test
  void aDeviceOfferingOnlyBase10GetsEndOfMessageFraming() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()).chunkedFraming(false));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThat(o.members()).hasSize(4);
    assertThat(o.currentFraming()).isEqualTo(NetconfFraming.Mode.END_OF_MESSAGE);
  }

  @Test
  void aClientNotOfferingBase11GetsEndOfMessageFraming() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock).chunkedFraming(false));
    assertThat(o.members()).hasSize(4);
    assertThat(o.currentFraming()).isEqualTo(NetconfFraming.Mode.END_OF_MESSAGE);
  }

  @Test
  void repliesWrittenOneByteAtATimeStillParseInBothFramings() throws Exception {
    for (boolean chunked : new boolean[] {true, false}) {
      SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()).chunkedFraming(chunked)
          .fault(new JunosSimulationFault.SplitWrites(1)));
      JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
      assertThat(o.members()).extracting(VcMember::role)
          .containsExactly(MemberRole.LINECARD, MemberRole.LINECARD, MemberRole.PRIMARY, MemberRole.BACKUP);
    }
  }

  @Test
  void membersComeFromVirtualChassisInformationAndVersionsFromShowVersionOnAllRoutingEngines() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    assertThat(d.rpcSummaries()).containsExactly(
        "get-virtual-chassis-information", "command:show version invoke-on all-routing-engines");
  }

  @Test
  void oldReleasesWithoutJunosVersionReportTheVersionFromThePackageComment() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()).legacyVersionFormat(true));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThat(o.members()).extracting(VcMember::version).containsOnly("20.4R3.8");
  }

  @Test
  void fetchCopiesTheFileThenChecksumsEveryDigestThenInstallsOnTheMember() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    ImageFetch f = new ImageFetch(IMAGE_URI, IMAGE_NAME, List.of(
        new ImageVerification(HashAlgorithm.MD5, Bytes.of(MessageDigest.getInstance("MD5").digest(IMAGE))),
        new ImageVerification(HashAlgorithm.SHA_1, Bytes.of(MessageDigest.getInstance("SHA-1").digest(IMAGE))),
        new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(MessageDigest.getInstance("SHA-256").digest(IMAGE)))),
        Duration.ofMinutes(5));
    StagedImage staged = o.fetchImage(f);
    assertThat(staged.path()).isEqualTo("/var/tmp/" + IMAGE_NAME);
    o.installImage(1, staged);
    assertThat(d.rpcSummaries()).containsExactly("file-copy", "get-checksum-information",
        "get-sha1-checksum-information", "get-sha256-checksum-information", "request-package-add member=1");
    assertThat(d.recordedRpcs().get(0).xml()).contains("<source>" + IMAGE_URI + "</source>")
        .contains("<destination>/var/tmp/" + IMAGE_NAME + "</destination>");
    assertThat(d.recordedRpcs()).extracting(RecordedRpc::xml)
        .filteredOn(x -> x.contains("checksum-information"))
        .allSatisfy(x -> assertThat(x).contains("<path>/var/tmp/" + IMAGE_NAME + "</path>").doesNotContain("<type>"));
    assertThat(vc.stagedVersion(1)).hasValue("21.4R3.15");
  }

  @Test
  void aChecksumMismatchDeletesTheFileAndNamesBothDigests() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    byte[] wrong = new byte[16];
    String actual = Bytes.of(MessageDigest.getInstance("MD5").digest(IMAGE)).hex();
    assertThatThrownBy(() -> o.fetchImage(fetch(HashAlgorithm.MD5, wrong)))
        .isInstanceOf(PhcDeviceException.class)
        .hasMessage("fetch-image: MD5 of /var/tmp/" + IMAGE_NAME + " is " + actual
            + ", expected 00000000000000000000000000000000; the file was deleted");
    assertThat(d.rpcSummaries()).containsExactly("file-copy", "get-checksum-information", "file-delete");
    assertThat(vc.file("/var/tmp/" + IMAGE_NAME)).isEmpty();
  }

  @Test
  void aCorruptDownloadIsCaughtByTheDevicesChecksum() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    vc.inject(new VcFault.CorruptImage(1));
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(IMAGE);
    assertThatThrownBy(() -> o.fetchImage(fetch(HashAlgorithm.SHA_256, sha))).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("SHA-256 of /var/tmp/" + IMAGE_NAME);
    assertThat(o.fetchImage(fetch(HashAlgorithm.SHA_256, sha)).path()).endsWith(IMAGE_NAME);
  }

  @Test
  void sha512AloneCannotBeCheckedOnJunosAndIsRefused() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    byte[] sha512 = MessageDigest.getInstance("SHA-512").digest(IMAGE);
    assertThatThrownBy(() -> o.fetchImage(fetch(HashAlgorithm.SHA_512, sha512)))
        .isInstanceOf(PhcDeviceException.class).hasMessageContaining("no digest of " + IMAGE_NAME + " can be checked");
  }

  @Test
  void anUnsafeImageFileNameIsRefusedBeforeAnyRpc() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    ImageFetch f = new ImageFetch(IMAGE_URI, "../../etc/passwd", List.of(), Duration.ofMinutes(1));
    assertThatThrownBy(() -> o.fetchImage(f)).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("unsafe image file name '../../etc/passwd'");
    assertThat(d.recordedRpcs()).isEmpty();
  }

  @Test
  void installErrorFromThePackageResultIsAFailureOnThatMember() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    StagedImage staged = o.fetchImage(fetch(HashAlgorithm.SHA_256, MessageDigest.getInstance("SHA-256").digest(IMAGE)));
    vc.inject(new VcFault.InstallFails(0, 1));
    assertThatThrownBy(() -> o.installImage(0, staged)).isInstanceOf(PhcDeviceException.class)
        .hasMessageStartingWith("install-image on member 0: request-package-add of /var/tmp/" + IMAGE_NAME
            + " failed (package-result 1): ")
        .hasMessageContaining("ERROR: package installation failed on member 0");
  }

  @Test
  void aMissingPackageResultIsASuccessUnlessTheOutputSaysError() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc).fault(new JunosSimulationFault.OmitPackageResult()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    StagedImage staged = o.fetchImage(fetch(HashAlgorithm.SHA_256, MessageDigest.getInstance("SHA-256").digest(IMAGE)));
    o.installImage(0, staged);
    assertThat(vc.stagedVersion(0)).hasValue("21.4R3.15");
    vc.inject(new VcFault.InstallFails(1, 1));
    assertThatThrownBy(() -> o.installImage(1, staged)).isInstanceOf(PhcDeviceException.class)
        .hasMessageStartingWith("install-image on member 1: request-package-add of /var/tmp/" + IMAGE_NAME + " failed: ")
        .hasMessageContaining("ERROR:");
  }

  @Test
  void warningsInASuccessfulReplyAreNotErrors() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc)
        .fault(new JunosSimulationFault.Warning("commit-configuration", "statement has no contents; ignored"))
        .fault(new JunosSimulationFault.Warning("load-configuration", "mgd: statement not found")));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.loadConfiguration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"),
        ConfigurationHandling.MERGE);
    o.commitConfiguration();
    assertThat(vc.commitCount()).isEqualTo(1);
  }

  @Test
  void rebootOfSeveralMembersIsOneRequestPerMemberWithThePrimaryLast() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    d.clearRecordedRpcs();
    o.reboot(List.of(2, 0, 1));
    assertThat(d.rpcSummaries()).containsExactly("request-reboot member=0", "request-reboot member=1",
        "request-reboot member=2");
    assertThat(vc.primaryMemberId()).hasValue(3);
  }

  @Test
  void thePrimarysRebootDropsTheSessionAndTheNextCallReconnectsToTheNewPrimary() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    o.reboot(List.of(2));
    assertThat(d.sessionsOpened()).isEqualTo(1);
    List<VcMember> after = o.members();
    assertThat(d.sessionsOpened()).isEqualTo(2);
    assertThat(after).extracting(VcMember::memberId, VcMember::role).contains(
        org.assertj.core.groups.Tuple.tuple(3, MemberRole.PRIMARY), org.assertj.core.groups.Tuple.tuple(2, null));
    List<Integer> sessions = d.recordedRpcs().stream().map(RecordedRpc::sessionId).toList();
    assertThat(sessions).hasSize(5);
    assertThat(sessions.subList(0, 3)).containsOnly(sessions.get(0));
    assertThat(sessions.subList(3, 5)).containsOnly(sessions.get(3)).doesNotContain(sessions.get(0));
  }

  @Test
  void whileNoMemberIsPrimaryTheClientRetriesOnTheVirtualClockUntilTheVcIsBack() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    vc.reboot(List.of(0, 1, 2, 3));
    assertThat(vc.primaryMemberId()).isEmpty();
    java.time.Instant before = clock.instant();
    List<VcMember> members = o.members();
    assertThat(members).allMatch(VcMember::isPresent);
    assertThat(d.sessionsRefused()).isPositive();
    assertThat(Duration.between(before, clock.instant())).isGreaterThanOrEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void theClientGivesUpReconnectingAfterTheReconnectTimeout() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    vc.inject(new VcFault.MemberNeverReturns(0));
    vc.inject(new VcFault.MemberNeverReturns(1));
    vc.inject(new VcFault.MemberNeverReturns(2));
    vc.inject(new VcFault.MemberNeverReturns(3));
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock).reconnectTimeout(Duration.ofMinutes(5)));
    vc.reboot(List.of(0, 1, 2, 3));
    assertThatThrownBy(o::members).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("no NETCONF session to 127.0.0.1:" + d.port() + " within PT5M")
        .matches(e -> ((PhcDeviceException) e).sessionLost());
  }

  @Test
  void aSessionDroppedDuringAReadIsReopenedAndTheReadRetriedOnce() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc())
        .fault(new JunosSimulationFault.DropSessionOn("get-virtual-chassis-information", 1)));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThat(o.members()).hasSize(4);
    assertThat(d.sessionsOpened()).isEqualTo(2);
  }

  @Test
  void aSessionDroppedDuringAnInstallIsReportedAsSessionLostAndNotRetried() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc)
        .fault(new JunosSimulationFault.DropSessionOn("request-package-add", 1)));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    StagedImage staged = o.fetchImage(fetch(HashAlgorithm.SHA_256, MessageDigest.getInstance("SHA-256").digest(IMAGE)));
    assertThatThrownBy(() -> o.installImage(1, staged)).isInstanceOf(PhcDeviceException.class)
        .matches(e -> ((PhcDeviceException) e).sessionLost());
    assertThat(d.rpcSummaries("request-package-add")).containsExactly("request-package-add member=1");
    o.installImage(1, staged);
    assertThat(vc.stagedVersion(1)).hasValue("21.4R3.15");
  }

  @Test
  void anUnknownHostKeyIsRefused() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock)
        .hostKeyVerification(HostKeyVerification.pinned(List.of(g.generateKeyPair().getPublic())))
        .reconnectTimeout(Duration.ofMinutes(30)));
    assertThatThrownBy(o::members).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("SSH authentication with 127.0.0.1:" + d.port() + " failed")
        .matches(e -> !((PhcDeviceException) e).sessionLost());
    assertThat(d.recordedRpcs()).isEmpty();
    assertThat(clock.totalSlept()).as("no retries").isZero();
  }

  /**
   * Found when the Junos fault schedules ran on a loaded machine: authentication that gets no answer in time was
   * reported as "host key not accepted or credentials refused" (fatal) and ended the run. A timeout is not a
   * refusal: it is reported as a lost session, which the engine waits out (bounded) like a rebooting device.
   */
  @Test
  void anAuthenticationThatGetsNoAnswerInTimeIsALostSessionNotARefusal() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    org.apache.sshd.server.SshServer server = org.apache.sshd.server.SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider());
    server.setPasswordAuthenticator((user, password, session) -> {
      try {
        release.await(30, java.util.concurrent.TimeUnit.SECONDS); // answers only once the test is over
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    });
    server.start();
    try {
      JunosDeviceOperations o = ops(JunosDeviceOperations.builder().host("127.0.0.1").port(server.getPort())
          .password("lab", "lab123").hostKeyVerification(HostKeyVerification.acceptAnyForLabUseOnly())
          .clock(clock).sleeper(clock).connectTimeout(Duration.ofMillis(500)).reconnectTimeout(Duration.ofSeconds(5)));
      assertThatThrownBy(o::members).isInstanceOf(PhcDeviceException.class)
          .hasMessageContaining("SSH authentication with 127.0.0.1:" + server.getPort() + " got no answer within")
          .matches(e -> ((PhcDeviceException) e).sessionLost(), "a lost session");
    } finally {
      release.countDown();
      server.stop(true);
    }
  }

  @Test
  void aWrongPasswordIsRefused() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock).password(d.username(), "wrong"));
    assertThatThrownBy(o::members).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("SSH authentication with 127.0.0.1:" + d.port() + " failed");
    assertThat(clock.totalSlept()).as("no retries").isZero();
  }

  @Test
  void publicKeyAuthenticationWorks() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    java.security.KeyPair user = g.generateKeyPair();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()).authorizedKey(user.getPublic()));
    JunosDeviceOperations o = ops(JunosDeviceOperations.builder().host(d.host()).port(d.port())
        .keyPair(d.username(), user).hostKeyVerification(HostKeyVerification.pinned(List.of(d.hostKey())))
        .clock(clock).sleeper(clock));
    assertThat(o.members()).hasSize(4);
  }

  @Test
  void aKnownHostsFileVerifiesTheHostKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    java.nio.file.Path knownHosts = dir.resolve("known_hosts");
    StringBuilder line = new StringBuilder("[127.0.0.1]:" + d.port() + " ");
    org.apache.sshd.common.config.keys.PublicKeyEntry.appendPublicKeyEntry(line, d.hostKey());
    java.nio.file.Files.writeString(knownHosts, line + "\n");
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock).hostKeyVerification(HostKeyVerification.knownHosts(knownHosts)));
    assertThat(o.members()).hasSize(4);
  }

  @Test
  void aHostMissingFromTheKnownHostsFileIsRefusedAtOnceWithoutRetries(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    java.nio.file.Path knownHosts = dir.resolve("known_hosts");
    java.nio.file.Files.writeString(knownHosts, "");
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock).hostKeyVerification(HostKeyVerification.knownHosts(knownHosts))
        .reconnectTimeout(Duration.ofMinutes(30)));
    assertThatThrownBy(o::members).isInstanceOf(PhcDeviceException.class)
        .matches(e -> !((PhcDeviceException) e).sessionLost(), "not a lost session");
    assertThat(d.recordedRpcs()).isEmpty();
    assertThat(clock.totalSlept()).as("no retries").isZero();
  }

  @Test
  void pinningWritesMastershipPriorityThenCommitsAndUnpinningDeletesIt() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.pinRoles(2, 3);
    o.unpinRoles();
    List<RecordedRpc> rpcs = d.recordedRpcs();
    assertThat(rpcs).extracting(RecordedRpc::name).containsExactly(
        "lock-configuration", "load-configuration", "commit-configuration", "unlock-configuration",
        "lock-configuration", "load-configuration", "commit-configuration", "unlock-configuration");
    assertThat(rpcs.get(1).xml()).contains("action=\"merge\"", "format=\"xml\"",
        "<member><name>2</name><mastership-priority>255</mastership-priority></member>",
        "<member><name>3</name><mastership-priority>255</mastership-priority></member>");
    assertThat(rpcs.get(5).xml()).contains("<member><name>2</name><mastership-priority operation=\"delete\"/></member>");
    assertThat(vc.pins()).isEmpty();
    assertThat(vc.commitCount()).isZero();
  }

  @Test
  void configurationWrappedInConfigIsUnwrappedAndLoadedAsXmlMerge() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.loadConfiguration(Bytes.utf8("\uFEFF<configuration><config><configuration><system><host-name>sw&amp;1</host-name>"
        + "</system></configuration></config></configuration>"), ConfigurationHandling.MERGE);
    String xml = loads(d).get(0);
    assertThat(xml).contains("<load-configuration action=\"merge\" format=\"xml\"><configuration><system>"
        + "<host-name>sw&amp;1</host-name></system></configuration></load-configuration>");
  }

  @Test
  void replaceIsLoadedAsOverrideByDefaultAndAsReplaceWhenConfigured() throws Exception {
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(fourMemberVc()));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    Bytes config = Bytes.utf8("<configuration><system><host-name>a</host-name></system></configuration>");
    o.loadConfiguration(config, ConfigurationHandling.REPLACE);
    o.commitConfiguration();
    JunosDeviceOperations r = ops(SimulatedVc.client(d, clock).replaceAction(LoadAction.REPLACE));
    r.loadConfiguration(config, ConfigurationHandling.REPLACE);
    assertThat(loads(d))
        .satisfiesExactly(x -> assertThat(x).contains("action=\"override\""), x -> assertThat(x).contains("action=\"replace\""));
  }

  @Test
  void textConfigurationIsLoadedAsText() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.loadConfiguration(Bytes.utf8("system { host-name <sw1>; }"), ConfigurationHandling.MERGE);
    assertThat(loads(d).get(0)).contains("format=\"text\"",
        "<configuration-text>system { host-name &lt;sw1&gt;; }</configuration-text>");
    assertThat(vc.candidateConfiguration()).containsExactly(Bytes.utf8("system { host-name <sw1>; }"));
  }

  @Test
  void commitOnAVcSynchronizesAndCanCheckAndConfirm() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock)
        .commitOptions(new CommitOptions(true, null, Duration.ofMinutes(5))));
    o.members();
    d.clearRecordedRpcs();
    o.loadConfiguration(Bytes.utf8("<configuration><system><host-name>a</host-name></system></configuration>"),
        ConfigurationHandling.MERGE);
    o.commitConfiguration();
    assertThat(d.recordedRpcs()).extracting(RecordedRpc::xml).satisfiesExactly(
        x -> assertThat(x).contains("<lock-configuration/>"),
        x -> assertThat(x).contains("<load-configuration"),
        x -> assertThat(x).contains("<commit-configuration><check/></commit-configuration>"),
        x -> assertThat(x).contains("<commit-configuration><synchronize/><log>phone-home: commit-configuration</log>"
            + "<confirmed/><confirm-timeout>5</confirm-timeout></commit-configuration>"),
        x -> assertThat(x).contains("<commit-configuration><synchronize/><log>phone-home: commit-configuration</log>"
            + "</commit-configuration>"),
        x -> assertThat(x).contains("<unlock-configuration/>"));
  }

  private static List<String> loads(SimulatedJunosDevice d) {
    return d.recordedRpcs().stream().filter(r -> r.name().equals("load-configuration")).map(RecordedRpc::xml).toList();
  }

  @Test
  void aCommitErrorCarriesTheDevicesMessage() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    vc.inject(new VcFault.CommitFails(1));
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThatThrownBy(o::commitConfiguration).isInstanceOf(PhcDeviceException.class)
        .hasMessage("commit-configuration: error: configuration check-out failed");
  }

  @Test
  void syslogUsesLoggerThroughTheShellWithTheMessageSafelyQuoted() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.syslog(dev.phonehome.phc.api.device.SyslogSeverity.ERROR, "it's $(reboot)\nnext");
    assertThat(d.recordedRpcs().get(0).xml())
        .contains("<request-shell-execute><command>logger -p user.err -t phc -- "
            + "&apos;it&apos;\\&apos;&apos;s $(reboot) next&apos;</command>");
    assertThat(vc.syslog()).extracting(VirtualChassisModel.SyslogLine::message).containsExactly("it's $(reboot) next");
  }

  @Test
  void stateForTheBackupIsPutOnThePrimaryCopiedToANewFileOnTheBackupThenRenamedOverTheStateFile() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    d.clearRecordedRpcs();
    o.persistState(3, Bytes.utf8("state"));
    assertThat(d.rpcSummaries()).containsExactly("file-put", "file-copy", "file-delete", "file-rename");
    assertThat(d.recordedRpcs().get(1).xml())
        .contains("<source>/var/tmp/phc-state.outgoing</source><destination>fpc3:/var/tmp/phc-state.new</destination>");
    assertThat(d.recordedRpcs().get(3).xml())
        .contains("<source>fpc3:/var/tmp/phc-state.new</source><destination>fpc3:/var/tmp/phc-state</destination>");
    assertThat(vc.storedState(3)).hasValue(Bytes.utf8("state"));
    assertThat(vc.memberFiles(3)).containsOnlyKeys("/var/tmp/phc-state");
  }

  @Test
  void stateForThePrimaryIsPutToANewFileThenRenamedOverTheStateFile() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    d.clearRecordedRpcs();
    o.persistState(vc.primaryMemberId().getAsInt(), Bytes.utf8("state"));
    assertThat(d.rpcSummaries()).containsExactly("file-put", "file-rename");
    assertThat(d.recordedRpcs().get(0).xml()).contains("<filename>/var/tmp/phc-state.new</filename>");
    assertThat(d.recordedRpcs().get(1).xml())
        .contains("<source>/var/tmp/phc-state.new</source><destination>/var/tmp/phc-state</destination>");
  }

  @Test
  void aDeviceWithoutVirtualChassisSupportIsOneMemberFromChassisInventoryAndSoftwareInformation() throws Exception {
    VirtualChassisModel standalone = VirtualChassisModel.builder().clock(clock)
        .member(0, "JN1249018AFB", "mx480", "21.4R3.15").build();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(standalone).virtualChassisCapable(false));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    assertThat(o.members()).containsExactly(new VcMember(0, "JN1249018AFB", "mx480", MemberRole.PRIMARY,
        dev.phonehome.phc.api.model.MemberStatus.PRESENT, "21.4R3.15"));
    assertThat(d.rpcSummaries()).containsExactly("get-virtual-chassis-information", "get-chassis-inventory",
        "command:show version invoke-on all-routing-engines", "get-software-information");
    assertThat(o.deviceInfo()).isEqualTo(new dev.phonehome.phc.api.device.DeviceInfo("JN1249018AFB", "mx480", "Junos", "21.4R3.15"));
  }

  @Test
  void theSshHostKeyReportedIsTheOneTheSessionVerifiedInRfc4253Form() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    List<dev.phonehome.phc.api.model.SshHostKey> keys = o.sshHostKeys();
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).algorithm()).isEqualTo("ecdsa-sha2-nistp256");
    org.apache.sshd.common.util.buffer.ByteArrayBuffer expected = new org.apache.sshd.common.util.buffer.ByteArrayBuffer();
    expected.putRawPublicKey(d.hostKey());
    assertThat(keys.get(0).keyData()).isEqualTo(Bytes.of(expected.getCompactData()));
    assertThat(o.trustAnchorCerts()).isEmpty();
  }

  @Test
  void startConditionsComeFromTheCommitHistoryTheVcModeAndTheVcPorts() throws Exception {
    VirtualChassisModel vc = fourMemberVc();
    SimulatedJunosDevice d = device(SimulatedJunosDevice.builder(vc));
    JunosDeviceOperations o = ops(SimulatedVc.client(d, clock));
    o.members();
    d.clearRecordedRpcs();
    dev.phonehome.phc.api.device.StartConditions c = o.startConditions();
    assertThat(d.rpcSummaries()).containsExactly("get-commit-information", "get-virtual-chassis-information",
        "get-virtual-chassis-port-information");
    assertThat(c.factoryDefaultConfiguration()).isTrue();
    assertThat(c.vcpLinks()).hasSize(8).allMatch(l -> l.up() && l.kind() == dev.phonehome.phc.api.device.StartConditions.VcpKind.DEFAULT);

    o.pinRoles(vc.primaryMemberId().getAsInt(), vc.backupMemberId().getAsInt());
    c = o.startConditions();
    assertThat(c.factoryDefaultConfiguration()).isFalse();
    assertThat(c.configurationNote()).startsWith("2 commits since the factory default, all phone-home's; the last by ");
    // the binding comments its commits, and reads the comments back: a run is in progress, not an operator's change
    assertThat(c.changedByPhoneHomeOnly()).isTrue();
  }
}
