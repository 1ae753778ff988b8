package dev.phonehome.phc.junos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Our own fixtures (marked as written by us) for shapes the real corpus lacks. */
class JunosRepliesFixturesTest {

  static String fixture(String name) throws Exception {
    try (InputStream in = JunosRepliesFixturesTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text).startsWith("<!-- written by the phc project, not captured from a device -->");
      return text;
    }
  }

  @Test
  void fourMemberEx4300VcWithThePrimaryAtMemberTwo() throws Exception {
    RpcReply r = RpcReply.parse(fixture("get-virtual-chassis-information.ex4300-4member.xml"));
    assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
        new VcMember(0, "PE3714100218", "ex4300-48p", MemberRole.LINECARD, MemberStatus.PRESENT, null),
        new VcMember(1, "PE3714100301", "ex4300-48p", MemberRole.LINECARD, MemberStatus.PRESENT, null),
        new VcMember(2, "PE3714100477", "ex4300-48p", MemberRole.PRIMARY, MemberStatus.PRESENT, null),
        new VcMember(3, "PE3714100592", "ex4300-48p", MemberRole.BACKUP, MemberStatus.PRESENT, null));
  }

  @Test
  void threeMemberVcWithARebootingMemberReportsItNotPresentWithoutRole() throws Exception {
    RpcReply r = RpcReply.parse(fixture("get-virtual-chassis-information.ex4300-3member-rebooting.xml"));
    assertThat(JunosReplies.virtualChassisMembers(r.root())).containsExactly(
        new VcMember(0, "PE3714100218", "ex4300-48p", null, MemberStatus.NOT_PRESENT, null),
        new VcMember(1, "PE3714100301", "ex4300-48p", MemberRole.BACKUP, MemberStatus.PRESENT, null),
        new VcMember(2, "PE3714100477", "ex4300-48p", MemberRole.PRIMARY, MemberStatus.PRESENT, null));
  }

  @Test
  void showVersionOnFourMembersReadsJunosVersionOrThePackageComment() throws Exception {
    RpcReply r = RpcReply.parse(fixture("show-version.ex4300-4member.xml"));
    assertThat(JunosReplies.software(r.root()))
        .extracting(JunosReplies.Software::memberId, JunosReplies.Software::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "20.4R3.8"),
            org.assertj.core.groups.Tuple.tuple(1, "20.4R3.8"),
            org.assertj.core.groups.Tuple.tuple(2, "21.4R3.15"),
            org.assertj.core.groups.Tuple.tuple(3, "20.4R3.8"));
  }

  @Test
  void commitResultsOnAVcNameEveryRoutingEngine() throws Exception {
    RpcReply r = RpcReply.parse(fixture("commit-results.vc.xml"));
    assertThat(r.hasErrors()).isFalse();
    assertThat(JunosReplies.commitSuccesses(r.root())).containsExactly("fpc2", "fpc3");
  }

  @Test
  void commitCheckWithAWarningIsASuccessWithAWarning() throws Exception {
    RpcReply r = RpcReply.parse(fixture("commit-results.check-with-warning.xml"));
    assertThat(r.hasErrors()).isFalse();
    assertThat(r.warnings()).extracting(RpcReply.Problem::message)
        .containsExactly("mastership-priority is set on more than two members");
    assertThat(JunosReplies.commitSuccesses(r.root())).containsExactly("fpc2");
    r.requireNoErrors("commit-configuration", null);
  }

  @Test
  void loadConfigurationResultsOk() throws Exception {
    RpcReply r = RpcReply.parse(fixture("load-configuration-results.ok.xml"));
    assertThat(r.hasErrors()).isFalse();
    assertThat(JunosXml.descendant(r.root(), "ok")).isPresent();
  }

  @Test
  void fileCopyOutputIsReadAndHasNoErrorLine() throws Exception {
    RpcReply r = RpcReply.parse(fixture("file-copy.output.xml"));
    String out = JunosReplies.output(r.root());
    assertThat(out).startsWith("/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz").contains("100%");
    assertThat(JunosReplies.hasErrorLine(out)).isFalse();
  }

  @Test
  void fileCopyErrorIsAnError() throws Exception {
    RpcReply r = RpcReply.parse(fixture("file-copy.error.xml"));
    assertThatThrownBy(() -> r.requireNoErrors("fetch-image", null))
        .isInstanceOf(PhcDeviceException.class).hasMessage("fetch-image: error: file-fetch failed");
  }

  @Test
  void junosHelloWithLeadingCommentsParses() throws Exception {
    Element hello = JunosXml.parse(fixture("hello.junos.xml"));
    assertThat(JunosXml.localName(hello)).isEqualTo("hello");
    assertThat(JunosXml.descendants(hello, "capability")).extracting(JunosXml::text)
        .contains("urn:ietf:params:netconf:base:1.0", "http://xml.juniper.net/netconf/junos/1.0");
    assertThat(JunosXml.childText(hello, "session-id")).isEqualTo("27700");
  }
  @Test
  void commitsAfterTheFactoryDefaultThatAllCarryPhoneHomesCommentArePhoneHomesOnly() throws Exception {
    StartConditionReplies.CommitHistory h = StartConditionReplies.commitHistory(
        JunosXml.parse(fixture("get-commit-information.phone-home-only.xml")), "phone-home");
    assertThat(h.commits()).isEqualTo(3);
    assertThat(h.factoryDefault()).isFalse();
    assertThat(h.phoneHomeOnly()).isTrue();
    assertThat(h.last()).isEqualTo("by phc via netconf at 2026-12-31 23:22:00 UTC");
  }

  @Test
  void anOperatorsCommitAmongPhoneHomesIsNotPhoneHomesOnly() throws Exception {
    StartConditionReplies.CommitHistory h = StartConditionReplies.commitHistory(
        JunosXml.parse(fixture("get-commit-information.operator-after-phone-home.xml")), "phone-home");
    assertThat(h.phoneHomeOnly()).isFalse();
    assertThat(h.last()).isEqualTo("by netops via cli at 2026-12-31 23:26:40 UTC");
  }

  @Test
  void theFactoryDefaultsSingleCommitIsNotPhoneHomes() throws Exception {
    String one = fixture("get-commit-information.phone-home-only.xml")
        .replaceAll("(?s)<commit-history>.*?</commit-history>\\s*<commit-history>.*?</commit-history>\\s*", "");
    StartConditionReplies.CommitHistory h = StartConditionReplies.commitHistory(JunosXml.parse(one), "phone-home");
    assertThat(h.commits()).isEqualTo(1);
    assertThat(h.factoryDefault()).isTrue();
    assertThat(h.phoneHomeOnly()).isFalse();
  }
}
