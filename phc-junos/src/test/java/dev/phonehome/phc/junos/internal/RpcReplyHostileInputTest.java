package dev.phonehome.phc.junos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcDeviceException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

class RpcReplyHostileInputTest {

  @Test
  void externalEntityIsRefused() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<rpc-reply><output>&x;</output></rpc-reply>";
    assertThatThrownBy(() -> RpcReply.parse(xxe)).isInstanceOf(SAXException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void entityExpansionBombIsRefused() {
    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
        + "<rpc-reply><output>&b;</output></rpc-reply>";
    assertThatThrownBy(() -> RpcReply.parse(bomb)).isInstanceOf(SAXException.class);
  }

  @Test
  void truncatedReplyIsRejected() {
    assertThatThrownBy(() -> RpcReply.parse("<rpc-reply><virtual-chassis-information><member-list>"))
        .isInstanceOf(SAXException.class);
  }

  @Test
  void somethingOtherThanRpcReplyIsRejected() {
    assertThatThrownBy(() -> RpcReply.parse("<hello/>")).isInstanceOf(SAXException.class)
        .hasMessage("expected <rpc-reply>, got <hello>");
  }

  @Test
  void memberIdThatIsNotANumberNamesTheValue() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><virtual-chassis-information><member-list><member>"
        + "<member-status>Prsnt</member-status><member-id>zero</member-id>"
        + "<member-serial-number>X</member-serial-number></member></member-list></virtual-chassis-information></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.virtualChassisMembers(r.root()))
        .isInstanceOf(PhcDeviceException.class).hasMessage("members: member-id is not a number: 'zero'");
  }

  @Test
  void unknownRoleNamesTheValue() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><virtual-chassis-information><member-list><member>"
        + "<member-status>Prsnt</member-status><member-id>4</member-id><member-serial-number>X</member-serial-number>"
        + "<member-role>Overlord</member-role></member></member-list></virtual-chassis-information></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.virtualChassisMembers(r.root()))
        .isInstanceOf(PhcDeviceException.class).hasMessage("members on member 4: unknown member-role 'Overlord'");
  }

  @Test
  void memberIdOutOfRangeIsRejected() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><virtual-chassis-information><member-list><member>"
        + "<member-status>Prsnt</member-status><member-id>12</member-id><member-serial-number>X</member-serial-number>"
        + "</member></member-list></virtual-chassis-information></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.virtualChassisMembers(r.root()))
        .isInstanceOf(PhcDeviceException.class).hasMessage("members on member 12: member-id must be 0 to 9, was 12");
  }

  @Test
  void replyWithoutVirtualChassisInformationIsAnError() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><ok/></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.virtualChassisMembers(r.root()))
        .isInstanceOf(PhcDeviceException.class).hasMessage("members: reply has no virtual-chassis-information element");
  }

  @Test
  void checksumThatIsNotHexNamesTheValue() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><checksum-information><file-checksum><checksum>zz</checksum>"
        + "</file-checksum></checksum-information></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.checksum(r.root(), "/var/tmp/a"))
        .isInstanceOf(PhcDeviceException.class).hasMessage("checksum: checksum of /var/tmp/a is not hex: 'zz'");
  }

  @Test
  void packageResultThatIsNotANumberNamesTheValue() throws Exception {
    RpcReply r = RpcReply.parse("<rpc-reply><package-result>ok</package-result></rpc-reply>");
    assertThatThrownBy(() -> JunosReplies.packageAdd(r.root()))
        .isInstanceOf(PhcDeviceException.class).hasMessage("install-image: package-result is not a number: 'ok'");
  }

  @Test
  void hugeReplyParses() throws Exception {
    StringBuilder b = new StringBuilder("<rpc-reply><output>");
    for (int i = 0; i < 200_000; i++) {
      b.append("line ").append(i).append('\n');
    }
    b.append("</output></rpc-reply>");
    assertThat(JunosReplies.output(RpcReply.parse(b.toString()).root())).endsWith("line 199999");
  }

  @Property(tries = 200)
  void arbitraryTextNeverEscapesAsAnythingButSaxException(@ForAll @StringLength(max = 200) String text) {
    try {
      RpcReply r = RpcReply.parse(text);
      assertThat(JunosXml.localName(r.root())).isEqualTo("rpc-reply");
    } catch (SAXException expected) {
      // fine: not a reply
    }
  }

  @Property(tries = 200)
  void anyTextInsideOutputRoundTripsThroughEscaping(@ForAll @StringLength(max = 200) String text) throws Exception {
    String clean = text.codePoints()
        .filter(c -> c == 0x9 || c == 0xA || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    RpcReply r = RpcReply.parse("<rpc-reply><output>" + JunosXml.escape(clean) + "</output></rpc-reply>");
    assertThat(JunosReplies.output(r.root())).isEqualTo(clean.strip());
  }
}
