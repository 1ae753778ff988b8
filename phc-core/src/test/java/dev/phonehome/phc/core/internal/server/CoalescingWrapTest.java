package dev.phonehome.phc.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded engine's gathering wrap: a response's header and body become one TLS record (one write), with the
 * BoringSSL engine (which on its own wraps one buffer per call) and with the JDK's, over a real handshake in memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoalescingWrapTest {
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.generate(Clock.systemUTC());

  @ParameterizedTest
  @ValueSource(strings = {"BoringSSL", "JDK"})
  void headerAndBodyGoOutAsOneRecordAndArriveIntact(String tls) throws Exception {
    Pair p = handshake(tls);
    ByteBuffer header = ascii("HTTP/1.1 200 OK\r\nContent-Type: application/yang-data+xml\r\nContent-Length: 812\r\n\r\n");
    ByteBuffer body = ByteBuffer.wrap(filled(812, (byte) 'x')).asReadOnlyBuffer();
    int total = header.remaining() + body.remaining();
    ByteBuffer out = ByteBuffer.allocateDirect(p.server.getSession().getPacketBufferSize());

    SSLEngineResult r = JettyEngine.CoalescingSslConnection.gatherWrap(p.server, new ByteBuffer[] {header, body}, out,
        ByteBuffer.allocateDirect(JettyEngine.CoalescingSslConnection.MAX_RECORD_PLAINTEXT));

    assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
    assertThat(r.bytesConsumed()).isEqualTo(total);
    assertThat(header.hasRemaining()).isFalse();
    assertThat(body.hasRemaining()).isFalse();
    out.flip();
    assertThat(recordLengths(out)).as("TLS records written").hasSize(1);
    assertThat(new String(unwrapAll(p.client, out), StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 200 OK").endsWith("xxx").hasSize(total);
  }

  @ParameterizedTest
  @ValueSource(strings = {"BoringSSL", "JDK"})
  void moreThanOneRecordOfDataIsWrappedAsTheEngineWouldAndNothingIsLost(String tls) throws Exception {
    Pair p = handshake(tls);
    ByteBuffer header = ascii("HTTP/1.1 200 OK\r\nContent-Length: 40000\r\n\r\n");
    ByteBuffer body = ByteBuffer.wrap(filled(40_000, (byte) 'y'));
    int total = header.remaining() + body.remaining();
    ByteBuffer gather = ByteBuffer.allocateDirect(JettyEngine.CoalescingSslConnection.MAX_RECORD_PLAINTEXT);
    ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
    ByteBuffer[] in = {header, body};
    while (header.hasRemaining() || body.hasRemaining()) {
      ByteBuffer out = ByteBuffer.allocate(p.server.getSession().getPacketBufferSize());
      SSLEngineResult r = JettyEngine.CoalescingSslConnection.gatherWrap(p.server, in, out, gather);
      assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
      out.flip();
      wire.put(out);
    }
    wire.flip();
    byte[] plain = unwrapAll(p.client, wire);
    assertThat(plain).hasSize(total);
    assertThat(plain[plain.length - 1]).isEqualTo((byte) 'y');
  }

  @ParameterizedTest
  @ValueSource(strings = {"BoringSSL", "JDK"})
  void anOutputBufferTooSmallConsumesNothing(String tls) throws Exception {
    Pair p = handshake(tls);
    ByteBuffer header = ascii("HTTP/1.1 200 OK\r\n\r\n");
    ByteBuffer body = ByteBuffer.wrap(filled(500, (byte) 'z'));
    SSLEngineResult r = JettyEngine.CoalescingSslConnection.gatherWrap(p.server, new ByteBuffer[] {header, body},
        ByteBuffer.allocate(64), ByteBuffer.allocateDirect(JettyEngine.CoalescingSslConnection.MAX_RECORD_PLAINTEXT));
    assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.BUFFER_OVERFLOW);
    assertThat(header.position()).isZero();
    assertThat(body.position()).isZero();
  }

  // ---- an in-memory handshake ----------------------------------------------------------------------------

  private record Pair(SSLEngine server, SSLEngine client) {}

  private static Pair handshake(String tls) throws Exception {
    SSLEngine server;
    if (tls.equals("BoringSSL")) {
      if (!OpenSslTls.available()) {
        if ("true".equals(System.getenv("CI"))) {
          fail("BoringSSL (netty-tcnative) does not load on this CI machine");
        }
        assumeTrue(false, "BoringSSL does not load on this platform");
      }
      server = OpenSslTls.factory(CERT.keyManagerFactory(), null, JettyEngine.ClientAuth.NONE, CERT.sslContext())
          .newSSLEngine();
    } else {
      server = CERT.sslContext().createSSLEngine();
    }
    server.setUseClientMode(false);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("server", CERT.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext clientCtx = SSLContext.getInstance("TLSv1.3");
    clientCtx.init(null, tmf.getTrustManagers(), null);
    SSLEngine client = clientCtx.createSSLEngine("localhost", 443);
    client.setUseClientMode(true);

    ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
    ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 200 && !(done(client) && done(server)); i++) {
      step(client, empty, toServer, toClient, sink);
      step(server, empty, toClient, toServer, sink);
    }
    assertThat(done(client) && done(server)).as("handshake finished").isTrue();
    // The server's first wrap after the handshake may carry TLS 1.3 session tickets: send one message first so
    // that the records a test counts are its own.
    server.wrap(ascii("hello"), toClient);
    toClient.flip();
    assertThat(new String(unwrapAll(client, toClient), StandardCharsets.US_ASCII)).endsWith("hello");
    return new Pair(server, client);
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  /** One handshake step of {@code e}: read what the peer sent it ({@code in}), write what it has ({@code out}). */
  private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws Exception {
    while (true) {
      HandshakeStatus s = e.getHandshakeStatus();
      if (s == HandshakeStatus.NEED_TASK) {
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
          t.run();
        }
      } else if (s == HandshakeStatus.NEED_WRAP) {
        e.wrap(empty, out);
      } else if (s == HandshakeStatus.NEED_UNWRAP || s == HandshakeStatus.NEED_UNWRAP_AGAIN) {
        in.flip();
        sink.clear();
        SSLEngineResult r = e.unwrap(in, sink);
        in.compact();
        if (r.bytesConsumed() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
          return;
        }
      } else {
        return;
      }
    }
  }

  private static byte[] unwrapAll(SSLEngine client, ByteBuffer wire) throws Exception {
    ByteBuffer plain = ByteBuffer.allocate(128 * 1024);
    while (wire.hasRemaining()) {
      SSLEngineResult r = client.unwrap(wire, plain);
      assertThat(r.getStatus()).isEqualTo(SSLEngineResult.Status.OK);
    }
    plain.flip();
    byte[] b = new byte[plain.remaining()];
    plain.get(b);
    return b;
  }

  /** The lengths of the TLS records in {@code wire} (not consumed). */
  private static List<Integer> recordLengths(ByteBuffer wire) {
    List<Integer> lengths = new ArrayList<>();
    ByteBuffer b = wire.duplicate();
    while (b.remaining() >= 5) {
      assertThat(b.get()).as("application data record").isEqualTo((byte) 23);
      b.getShort();
      int len = b.getShort() & 0xffff;
      lengths.add(len);
      b.position(b.position() + len);
    }
    assertThat(b.hasRemaining()).isFalse();
    return lengths;
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    Arrays.fill(b, value);
    return b;
  }
}
