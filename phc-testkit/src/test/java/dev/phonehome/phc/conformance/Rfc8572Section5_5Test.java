package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Wire.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.ConstraintViolation;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8572 section 5.5, processing redirect information, as phc's client does it against a server that is not
 * phc (the JDK's HTTPS server answering scripted documents).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section5_5Test {
  private static final TestPki PKI = TestPki.create();
  private ScriptedHttpsServer server;
  private Device device;

  @BeforeEach
  void start() throws IOException {
    server = new ScriptedHttpsServer(PKI.serverSslContext());
    device = Device.builder(PKI).build();
  }

  @AfterEach
  void stop() {
    device.close();
    server.close();
  }

  private void answer(String servers) {
    String output = Device.unsignedOutput("{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":["
        + servers + "]}}", Encoding.JSON, Encoding.JSON);
    server.script(r -> Reply.of(200, JSON, output));
  }

  @Test
  void redirectInformationListsBootstrapServersInOrder() {
    answer("{\"address\":\"phs1.example.net\",\"port\":8443},{\"address\":\"2001:db8::1\"}");
    RedirectInformation r = (RedirectInformation) device.fetch(server.url()).information();
    assertThat(r.bootstrapServers()).containsExactly(new BootstrapServer("phs1.example.net", 8443, null),
        new BootstrapServer("2001:db8::1", null, null));
    assertThat(r.bootstrapServers().get(1).effectivePort()).isEqualTo(443);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://phs1.example.net", "http://phs1.example.net", "phs1.example.net/path",
      "phs1.example.net:8443", "user@phs1.example.net"})
  void addressIsAnInetHostWithoutSchemePortOrPath(String address) {
    answer("{\"address\":\"" + address + "\",\"port\":8443}");
    assertThatThrownBy(() -> device.fetch(server.url()))
        .isInstanceOfSatisfying(ConstraintViolation.class, e -> {
          assertThat(e.errorTag()).isEqualTo("invalid-value");
          assertThat(e.path()).isEqualTo("$.ietf-sztp-conveyed-info:redirect-information.bootstrap-server[0].address");
        })
        .hasMessageContaining(address);
  }

  @Test
  void bootstrapServerListIsKeyedByAddressDuplicatesAreRefused() {
    answer("{\"address\":\"phs1.example.net\",\"port\":8443},{\"address\":\"PHS1.example.net\",\"port\":9443}");
    assertThatThrownBy(() -> device.fetch(server.url()))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("duplicate bootstrap-server with address 'PHS1.example.net'");
  }

  @Test
  void redirectWithoutBootstrapServerIsRefused() {
    answer("");
    assertThatThrownBy(() -> device.fetch(server.url()))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("has no bootstrap-server");
  }

  @Test
  void juniperRedirectAddressFollowsTheSameRule() {
    Device juniper = Device.builder(PKI).dialect(dev.phonehome.phc.api.Dialect.JUNIPER).build();
    try {
      server.script(r -> Reply.of(200, Wire.XML, "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
          + "<unique-id>" + Records.DEVICE + "</unique-id><redirect-information><bootstrap-server>"
          + "<address>https://phs1.example.net</address><port>443</port></bootstrap-server></redirect-information>"
          + "</device>"));
      assertThatThrownBy(() -> juniper.fetch(server.url()))
          .isInstanceOf(ConstraintViolation.class).hasMessageContaining("inet:host has no scheme");
    } finally {
      juniper.close();
    }
  }
}
