package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Files on the simulated VC, seen through a bare NETCONF client: every member has its own file system, writes
 * are not atomic (power can fail between delete and write, or mid-write), renames are.
 */
@Timeout(30)
class SimulatedJunosFilesTest {
  private static final String STATE = "/var/tmp/phc-state";
  private final VirtualClock clock = new VirtualClock();
  private final VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
      .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8")
      .member(2, "PE2", "ex4300-48p", "20.4R3.8").primary(1).backup(2).build();
  private final SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();

  @AfterEach
  void close() {
    device.close();
  }

  private static String put(String path, String content, boolean deleteIfExist) {
    return "<file-put><filename>" + path + "</filename><permission>600</permission><encoding>base64</encoding>"
        + (deleteIfExist ? "<delete-if-exist/>" : "") + "<file-contents>"
        + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "</file-contents></file-put>";
  }

  @Test
  void filePutWritesOnTheSessionsMemberAndFileShowWithoutEncodingAnswersPlainText() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc(put("/var/tmp/note", "a < b & c\n", false))).contains("<ok/>");
      assertThat(vc.memberFile(1, "/var/tmp/note")).hasValue(Bytes.utf8("a < b & c\n"));
      assertThat(vc.memberFile(2, "/var/tmp/note")).isEmpty();
      String shown = nc.rpc("<file-show><filename>/var/tmp/note</filename></file-show>");
      assertThat(shown).contains("<file-content filename=\"/var/tmp/note\"", "encoding=\"text\"", "filesize=\"10\"",
          ">\na &lt; b &amp; c\n\n</file-content>");
      assertThat(nc.rpc("<file-show><filename>/var/tmp/note</filename><encoding>base64</encoding></file-show>"))
          .contains("encoding=\"base64\"", Base64.getEncoder().encodeToString("a < b & c\n".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void filePutWithoutDeleteIfExistDoesNotReplaceAFile() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE, "one", false));
      String refused = nc.rpc(put(STATE, "two", false));
      assertThat(refused).contains("<error-tag>operation-failed</error-tag>", "destination file exists: " + STATE);
      assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.utf8("one"));
      assertThat(nc.rpc(put(STATE, "two", true))).contains("<ok/>");
      assertThat(vc.storedState(1)).hasValue(Bytes.utf8("two"));
    }
  }

  @Test
  void powerLossBetweenDeleteAndWriteLeavesNoFileAndRebootsTheVc() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE, "version 1", false));
      device.inject(JunosSimulationFault.PowerLossDuringWrite.afterDelete(STATE));
      nc.send("<rpc message-id=\"9\">" + put(STATE, "version 2", true) + "</rpc>");
      assertThat(nc.next()).as("no reply: the power failed").isNull();
    }
    assertThat(vc.memberFile(1, STATE)).isEmpty();
    assertThat(vc.primaryMemberId()).isEmpty();
    assertThat(vc.operationSummaries("power-loss")).hasSize(1);
    clock.advance(Duration.ofMinutes(4));
    assertThat(vc.primaryMemberId()).isPresent();
    assertThat(vc.memberFile(1, STATE)).as("still gone after the reboot").isEmpty();
  }

  @Test
  void powerLossMidWriteLeavesATruncatedFile() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE, "the old state", false));
      device.inject(JunosSimulationFault.PowerLossDuringWrite.afterBytes(STATE, 4));
      nc.send("<rpc message-id=\"9\">" + put(STATE, "the new state", true) + "</rpc>");
      assertThat(nc.next()).isNull();
    }
    assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.utf8("the "));
  }

  @Test
  void theNthWriteOfAPathIsTheOneThatLosesPower() throws Exception {
    device.inject(new JunosSimulationFault.PowerLossDuringWrite(STATE, 2, 0));
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc(put("/var/tmp/other", "x", false))).contains("<ok/>");
      assertThat(nc.rpc(put(STATE, "first", false))).contains("<ok/>");
      nc.send("<rpc message-id=\"9\">" + put(STATE, "second", true) + "</rpc>");
      assertThat(nc.next()).isNull();
    }
    assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.empty());
  }

  @Test
  void fileCopyToAnotherMemberIsNotAtomicEither() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put("/var/tmp/phc-state.new", "0123456789", false));
      assertThat(nc.rpc("<file-copy><source>/var/tmp/phc-state.new</source><destination>fpc2:/var/tmp/phc-state.new"
          + "</destination></file-copy>")).contains("<ok/>");
      assertThat(vc.memberFile(2, "/var/tmp/phc-state.new")).hasValue(Bytes.utf8("0123456789"));
      nc.rpc(put("/var/tmp/phc-state.new", "abcdefghij", true));
      device.inject(JunosSimulationFault.PowerLossDuringWrite.afterBytes("/var/tmp/phc-state.new", 3));
      nc.send("<rpc message-id=\"9\"><file-copy><source>/var/tmp/phc-state.new</source>"
          + "<destination>fpc2:/var/tmp/phc-state.new</destination></file-copy></rpc>");
      assertThat(nc.next()).isNull();
    }
    assertThat(vc.memberFile(2, "/var/tmp/phc-state.new")).hasValue(Bytes.utf8("abc"));
  }

  @Test
  void fileRenameReplacesTheDestinationInOneStepOnTheNamedMember() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE, "old", false));
      nc.rpc(put(STATE + ".new", "new", false));
      assertThat(nc.rpc("<file-rename><source>" + STATE + ".new</source><destination>" + STATE
          + "</destination></file-rename>")).contains("<ok/>");
      assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.utf8("new"));
      assertThat(vc.memberFile(1, STATE + ".new")).isEmpty();

      nc.rpc("<file-copy><source>" + STATE + "</source><destination>fpc2:" + STATE + ".new</destination></file-copy>");
      assertThat(nc.rpc("<file-rename><source>fpc2:" + STATE + ".new</source><destination>fpc2:" + STATE
          + "</destination></file-rename>")).contains("<ok/>");
      assertThat(vc.storedState(2)).hasValue(Bytes.utf8("new"));

      String missing = nc.rpc("<file-rename><source>/var/tmp/nothing</source><destination>/var/tmp/x</destination>"
          + "</file-rename>");
      assertThat(missing).contains("<error-tag>operation-failed</error-tag>", "/var/tmp/nothing",
          "No such file or directory");
    }
  }

  @Test
  void powerLossAfterARenameTookEffectKeepsTheRenamedFile() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE + ".new", "v2", false));
      device.inject(JunosSimulationFault.PowerLossOn.after("file-rename"));
      nc.send("<rpc message-id=\"9\"><file-rename><source>" + STATE + ".new</source><destination>" + STATE
          + "</destination></file-rename></rpc>");
      assertThat(nc.next()).isNull();
    }
    assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.utf8("v2"));
  }

  @Test
  void powerLossBeforeARenameLeavesBothFilesAsTheyWere() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put(STATE, "v1", false));
      nc.rpc(put(STATE + ".new", "v2", false));
      device.inject(JunosSimulationFault.PowerLossOn.before("file-rename"));
      nc.send("<rpc message-id=\"9\"><file-rename><source>" + STATE + ".new</source><destination>" + STATE
          + "</destination></file-rename></rpc>");
      assertThat(nc.next()).isNull();
    }
    assertThat(vc.memberFile(1, STATE)).hasValue(Bytes.utf8("v1"));
    assertThat(vc.memberFile(1, STATE + ".new")).hasValue(Bytes.utf8("v2"));
  }

  @Test
  void aSessionOpenedBeforeAPowerLossIsGoneEvenWhenTheSameMemberIsPrimaryAgain() throws Exception {
    try (RawNetconf before = RawNetconf.open(device)) {
      vc.powerLoss();
      clock.advance(Duration.ofMinutes(4));
      assertThat(vc.primaryMemberId()).hasValue(0);
      before.send("<rpc message-id=\"1\"><get-software-information/></rpc>");
      assertThat(before.next()).isNull();
    }
    try (RawNetconf after = RawNetconf.open(device)) {
      assertThat(after.rpc("<get-software-information/>")).contains("<software-information>");
    }
  }

  @Test
  void fileListShowsTheHomeDirectoryAndTheFilesOfADirectory() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc("<file-list><path>~</path></file-list>"))
          .contains("<directory-list root-path=\"/var/home/" + device.username() + "/\"");
      nc.rpc(put("/var/tmp/a.txt", "aaa", false));
      nc.rpc(put("/var/tmp/b.txt", "bb", false));
      String listed = nc.rpc("<file-list><detail/><path>/var/tmp</path></file-list>");
      assertThat(listed).contains("root-path=\"/var/tmp/\"", "<file-name>a.txt</file-name>",
          "<file-name>b.txt</file-name>", "<file-size>3</file-size>", "<total-files>2</total-files>");
      assertThat(nc.rpc("<file-list><path>/var/tmp/none</path></file-list>"))
          .contains("<error-message>\nls: /var/tmp/none: No such file or directory\n</error-message>");
    }
  }

  @Test
  void missingFilesAreOperationFailedErrorsNamingThePath() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc("<file-show><filename>/var/tmp/gone</filename></file-show>"))
          .contains("<error-type>protocol</error-type>", "<error-tag>operation-failed</error-tag>",
              "could not resolve file: /var/tmp/gone");
      assertThat(nc.rpc("<file-delete><path>/var/tmp/gone</path></file-delete>"))
          .contains("rm: /var/tmp/gone: No such file or directory");
      assertThat(nc.rpc("<get-checksum-information><path>/var/tmp/gone</path></get-checksum-information>"))
          .contains("md5: /var/tmp/gone: No such file or directory");
    }
  }

  @Test
  void checksumsAreComputedOnTheDeviceForEachAlgorithm() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(put("/var/tmp/abc", "abc", false));
      assertThat(nc.rpc("<get-checksum-information><path>/var/tmp/abc</path></get-checksum-information>"))
          .contains("<computation-method>MD5</computation-method>", "<checksum>900150983cd24fb0d6963f7d28e17f72</checksum>");
      assertThat(nc.rpc("<get-sha256-checksum-information><path>/var/tmp/abc</path></get-sha256-checksum-information>"))
          .contains("<computation-method>SHA256</computation-method>",
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      assertThat(nc.rpc("<get-checksum-information><path>/var/tmp/abc</path><type>sha256</type></get-checksum-information>"))
          .as("Junos has no <type> argument: one RPC per algorithm")
          .contains("<error-message>\nsyntax error\n</error-message>", "<bad-element>type</bad-element>");
    }
  }

  @Test
  void etcHostsJunosMapsEveryMemberSlotForThePrivateRoutingInstance() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      String hosts = nc.rpc("<file-show><filename>/etc/hosts.junos</filename></file-show>");
      assertThat(hosts).containsPattern("128\\.0\\.0\\.1 +master").containsPattern("128\\.0\\.0\\.17 +fpc1")
          .containsPattern("128\\.0\\.0\\.25 +fpc9");
    }
  }

  @Test
  void errorsAreShapedLikeJunosAndNeverNameTheSimulator() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      String unknown = nc.rpc("<get-frobnicator/>");
      assertThat(unknown).contains("<error-type>protocol</error-type>", "<error-tag>operation-failed</error-tag>",
          "<error-severity>error</error-severity>", "<error-message>\nsyntax error\n</error-message>",
          "<bad-element>get-frobnicator</bad-element>");
      String badArg = nc.rpc("<file-show><filename>/etc/hosts.junos</filename><colour>red</colour></file-show>");
      assertThat(badArg).contains("<bad-element>colour</bad-element>");
      String noArg = nc.rpc("<file-show/>");
      assertThat(noArg).contains("missing mandatory argument", "<bad-element>filename</bad-element>");
      for (String reply : new String[] {unknown, badArg, noArg}) {
        assertThat(reply.toLowerCase(java.util.Locale.ROOT)).doesNotContain("simulat");
      }
    }
  }
}
