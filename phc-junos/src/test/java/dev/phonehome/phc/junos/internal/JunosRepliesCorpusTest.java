package dev.phonehome.phc.junos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every real Junos reply in {@code ../shared/corpus/junos-rpc-replies/} (system property {@code phc.shared.dir})
 * parses to the values it holds. Skipped when the corpus is absent.
 */
class JunosRepliesCorpusTest {

  private static Path corpus() {
    String shared = System.getProperty("phc.shared.dir");
    assumeThat(shared).as("system property phc.shared.dir").isNotNull();
    Path dir = Path.of(shared, "corpus", "junos-rpc-replies");
    assumeThat(Files.isDirectory(dir)).as("corpus folder %s", dir).isTrue();
    return dir;
  }

  private static RpcReply reply(String file) throws Exception {
    Path p = corpus().resolve(file);
    assumeThat(Files.exists(p)).as("corpus file %s", p).isTrue();
    return RpcReply.parse(Files.readString(p, StandardCharsets.UTF_8));
  }

  /** What each corpus file must parse to. A corpus file without an entry fails the completeness test. */
  private static final Map<String, Check> EXPECTED = Map.ofEntries(
      Map.entry("commit-configuration.error.xml", r -> {
        assertThat(r.errors()).extracting(RpcReply.Problem::message)
            .containsExactly("interface-range 'axp' is not defined", "interface-ranges expansion failed");
        assertThatThrownBy(() -> r.requireNoErrors("commit-configuration", null))
            .isInstanceOf(PhcDeviceException.class)
            .hasMessage("commit-configuration: interface-range 'axp' is not defined; interface-ranges expansion failed");
      }),
      Map.entry("get-chassis-inventory.mx480.xml", r ->
          assertThat(JunosReplies.chassis(r.root())).isEqualTo(new JunosReplies.Chassis("JN1249018AFB", "MX480"))),
      Map.entry("get-checksum-information.md5.xml", r ->
          assertThat(JunosReplies.checksum(r.root(), "safecopy.tgz")).isEqualTo("96a35ab371e1ca10408c3caecdbd8a67")),
      Map.entry("get-software-information.ex2200-standalone.xml", r ->
          assertThat(JunosReplies.software(r.root())).containsExactly(
              new JunosReplies.Software(null, null, "ex2200-c-12t-2g", "11.4R1.6", "sw1"))),
      Map.entry("get-software-information.ex4200-invoke-on-all-re-fpc0.xml", r ->
          assertThat(JunosReplies.software(r.root())).containsExactly(
              new JunosReplies.Software("fpc0", 0, "ex4200-48t", "13.3R2.2", "rppdt-ex4200a"))),
      Map.entry("get-software-information.mx240-mxvc-member0-member1.xml", r ->
          assertThat(JunosReplies.software(r.root()))
              .extracting(JunosReplies.Software::reName, JunosReplies.Software::memberId,
                  JunosReplies.Software::model, JunosReplies.Software::version)
              .containsExactly(
                  org.assertj.core.groups.Tuple.tuple("member0", 0, "mx240", "15.1-20161209.0"),
                  org.assertj.core.groups.Tuple.tuple("member1", 1, "mx240", "15.1-20161209.0"))),
      Map.entry("get-virtual-chassis-information.ex4200-1member.xml", r ->
          assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
              new VcMember(0, "BP0212121453", "ex4200-48t", MemberRole.PRIMARY, MemberStatus.PRESENT, null))),
      Map.entry("get-virtual-chassis-information.ex4300-2member-notprsnt.xml", r ->
          assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
              new VcMember(0, "PD3714050496", "ex4300-48p", MemberRole.PRIMARY, MemberStatus.PRESENT, null),
              new VcMember(1, "PD3714170265", "ex4300-48p", null, MemberStatus.NOT_PRESENT, null))),
      Map.entry("get-virtual-chassis-information.ex4300-dual-master.xml", r ->
          assertThatThrownBy(() -> JunosReplies.virtualChassisMembers(r.root()))
              .isInstanceOf(PhcDeviceException.class)
              .hasMessage("members: two members report the primary role: member 0 and member 1 (split VC)")),
      Map.entry("get-virtual-chassis-information.mx240-mxvc-master-backup.xml", r ->
          assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
              new VcMember(0, "JN1230B3FAFC", "mx240", MemberRole.PRIMARY, MemberStatus.PRESENT, null),
              new VcMember(1, "JN122D0FEAFC", "mx240", MemberRole.BACKUP, MemberStatus.PRESENT, null))),
      Map.entry("get-virtual-chassis-information.qfx5100-ex4300-mixed-fabric.xml", r ->
          assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
              new VcMember(0, "TA37134XXXXX", "qfx5100-48s-6q", MemberRole.PRIMARY, MemberStatus.PRESENT, null),
              new VcMember(1, "PF37140XXXXX", "ex4300-24p", MemberRole.LINECARD, MemberStatus.PRESENT, null))),
      Map.entry("get-virtual-chassis-information.qfx5100-ex4300-mixed-linecard.xml", r ->
          assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
              new VcMember(0, "TA37134XXXXX", "qfx5100-48s-6q", MemberRole.PRIMARY, MemberStatus.PRESENT, null),
              new VcMember(1, "PF37140XXXXX", "ex4300-24p", MemberRole.LINECARD, MemberStatus.PRESENT, null))),
      Map.entry("load-configuration.error.xml", r -> {
        assertThat(r.messageId()).isEqualTo("urn:uuid:15ceca00-904e-11e4-94ad-5c514f91ab3f");
        assertThat(r.errors()).extracting(RpcReply.Problem::toString)
            .containsExactly("syntax error (at system1)", "error recovery ignores input until this point (at })");
      }),
      Map.entry("request-package-add.error-not-found.xml", r -> {
        assertThat(r.hasErrors()).isFalse();
        JunosReplies.PackageResult p = JunosReplies.packageAdd(r.root());
        assertThat(p.success()).isFalse();
        assertThat(p.packageResult()).isNull();
        assertThat(p.output()).isEqualTo("ERROR: package: /var/tmp/nonexistent.tgz is not found or empty");
      }),
      Map.entry("request-package-add.no-package-result.xml", r -> {
        JunosReplies.PackageResult p = JunosReplies.packageAdd(r.root());
        assertThat(p.success()).isTrue();
        assertThat(p.packageResult()).isNull();
        assertThat(p.output()).contains("JUNOS 11.1R3.5 will become active at next reboot");
      }),
      Map.entry("request-package-add.success.xml", r ->
          assertThat(JunosReplies.packageAdd(r.root()))
              .extracting(JunosReplies.PackageResult::success, JunosReplies.PackageResult::packageResult)
              .containsExactly(true, 0)),
      Map.entry("request-package-rollback.vc-fpc0-fpc1.xml", r ->
          assertThat(JunosReplies.packageAdd(r.root()))
              .extracting(JunosReplies.PackageResult::success, JunosReplies.PackageResult::packageResult)
              .containsExactly(true, 0)),
      Map.entry("request-package-rollback.vc-member-error.xml", r -> {
        JunosReplies.PackageResult p = JunosReplies.packageAdd(r.root());
        assertThat(p.success()).isFalse();
        assertThat(p.packageResult()).isEqualTo(1);
        assertThat(p.output()).contains("ERROR: cannot locate jroute-14.2I20140424_0657_ramas: rollback aborted");
      }),
      Map.entry("request-package-validate.success.xml", r ->
          assertThat(JunosReplies.packageAdd(r.root()).success()).isTrue()),
      Map.entry("request-reboot.output-with-warnings.xml", r -> {
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.warnings()).extracting(RpcReply.Problem::message)
            .containsExactly("Rebooting re0 in 1 min", "Initiating Junos shutdown...");
        assertThat(JunosReplies.output(r.root())).contains("Initiating vmhost reboot...").contains("shutdown: [pid 13192]");
      }),
      Map.entry("request-reboot.success.xml", r -> {
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.warnings()).isEmpty();
        assertThat(JunosXml.descendant(r.root(), "request-reboot-status").map(JunosXml::text))
            .hasValueSatisfying(t -> assertThat(t).startsWith("Shutdown NOW!"));
      }),
      Map.entry("request-system-zeroize.warnings.xml", r -> {
        assertThat(r.hasErrors()).isFalse();
        assertThat(r.warnings()).extracting(RpcReply.Problem::message).containsExactly(
            "ipsec-key-management subsystem not running - not needed by configuration.",
            "zeroizing re0",
            "ipsec-key-management subsystem not running - not needed by configuration.",
            "zeroizing re1");
      }));

  @FunctionalInterface
  interface Check extends Consumer<RpcReply> {}

  @Test
  void everyCorpusFileHasExpectedValuesAndParses() throws Exception {
    List<String> files;
    try (Stream<Path> s = Files.list(corpus())) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    assertThat(EXPECTED.keySet()).as("expected values for every corpus file").containsAll(files);
    for (String f : files) {
      RpcReply r = reply(f);
      try {
        EXPECTED.get(f).accept(r);
      } catch (AssertionError e) {
        throw new AssertionError(f + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void loadConfigurationErrorStartsWithAByteOrderMarkAndStillParses() throws Exception {
    byte[] raw = Files.readAllBytes(corpus().resolve("load-configuration.error.xml"));
    assumeThat(raw.length).isGreaterThan(3);
    assertThat(raw[0] & 0xff).isEqualTo(0xEF);
    assertThat(reply("load-configuration.error.xml").errors()).hasSize(2);
  }

  @Test
  void repliesWithAndWithoutTheNetconfNamespaceReadTheSame() throws Exception {
    // request-package-add.success.xml carries the NETCONF namespace, the rollback sample does not
    assertThat(reply("request-package-add.success.xml").root().getNamespaceURI())
        .isEqualTo("urn:ietf:params:xml:ns:netconf:base:1.0");
    assertThat(reply("request-package-rollback.vc-fpc0-fpc1.xml").root().getNamespaceURI()).isNull();
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
