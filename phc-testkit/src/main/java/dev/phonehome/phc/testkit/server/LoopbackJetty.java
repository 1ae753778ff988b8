package dev.phonehome.phc.testkit.server;

import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty over TLS on {@code 127.0.0.1}, ephemeral port, for the fake server: the fake needs Jetty's own request
 * and connection (to close, stall or truncate), which the public {@code PhoneHomeServer} does not hand out.
 */
final class LoopbackJetty implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  LoopbackJetty(Handler handler, SSLContext sslContext, Duration idleTimeout, int maxThreads) {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads));
    pool.setName("fake-phs");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setSecureScheme("https");
    // The core sees the path as sent, so a serial with %2F or .. gets its RESTCONF 400 from the core.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.addCustomizer(new SecureRequestCustomizer(false));
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(sslContext);
    ssl.setSniRequired(false);
    connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
        new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(idleTimeout.toMillis());
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(0);
  }

  void start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fake phone-home server: " + e.getMessage(), e);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the fake phone-home server: " + e.getMessage(), e);
    }
  }

  /** The request as the server core takes it, with {@code body} already read. */
  static ServerRequest toServerRequest(Request req, byte[] body) {
    ServerRequest.Builder b = ServerRequest.builder(req.getMethod(), req.getHttpURI().getPath());
    for (HttpField f : req.getHeaders()) {
      b.addHeader(f.getName(), f.getValue());
    }
    b.body(new ByteArrayInputStream(body), body.length);
    if (req.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls
        && tls.peerCertificates() != null) {
      b.peerCertificates(List.of(tls.peerCertificates()));
    }
    b.remoteAddress(Request.getRemoteAddr(req));
    return b.build();
  }

  /** Writes {@code r} as the whole response. */
  static void write(ServerResponse r, Response resp, Callback callback) {
    resp.setStatus(r.status());
    HttpFields.Mutable h = resp.getHeaders();
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      h.put(e.getKey(), e.getValue());
    }
    h.put(HttpHeader.CONTENT_LENGTH, r.bodyLength());
    resp.write(true, r.bodyLength() == 0 ? null : r.bodyBuffer(), callback);
  }
}
