package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The embedded HTTPS engine: Jetty 12 core (no servlets) with one TLS connector, HTTP/1.1. The engine only
 * moves bytes: every request goes to the transport-neutral {@link PhoneHomeHandler}.
 */
public final class JettyEngine implements AutoCloseable {
  /** How the server asks for TLS client certificates. */
  public enum ClientAuth { NONE, WANT, NEED }

  private final Server server;
  private final ServerConnector connector;
  private final SslContextFactory.Server ssl;
  private final QueuedThreadPool pool;
  private final HttpConfiguration http;
  private final Duration idleTimeout;
  private @Nullable Adapter adapter;
  private @Nullable ServerConnector adminConnector;

  public JettyEngine(PhoneHomeHandler handler, SSLContext sslContext, ClientAuth clientAuth, String host, int port,
      Duration idleTimeout, @Nullable Executor executor, int maxThreads, long maxBodyBytes) {
    this(new Adapter(handler, executor, maxBodyBytes), jdkTls(sslContext, clientAuth), host, port, idleTimeout,
        maxThreads);
    this.adapter = (Adapter) server.getHandler();
  }

  /**
   * An engine whose TLS is BoringSSL when it loads ({@link #usesOpenSsl()}), else the JDK's from
   * {@code fallback}.
   */
  public JettyEngine(PhoneHomeHandler handler, KeyManagerFactory keys, @Nullable TrustManagerFactory trust,
      SSLContext fallback, ClientAuth clientAuth, String host, int port, Duration idleTimeout,
      @Nullable Executor executor, int maxThreads, long maxBodyBytes) {
    this(new Adapter(handler, executor, maxBodyBytes), OpenSslTls.available()
        ? OpenSslTls.factory(keys, trust, clientAuth, fallback) : jdkTls(fallback, clientAuth), host, port, idleTimeout,
        maxThreads);
    this.adapter = (Adapter) server.getHandler();
  }

  /**
   * Runs the {@link PhoneHomeHandler} on the engine's worker threads instead of the I/O thread that completed
   * the request (for handlers that block, such as a database store), unless an executor was given. Call
   * before {@link #start()}.
   */
  public void runHandlerOnWorkerThreads() {
    if (adapter != null && adapter.executor == null) {
      adapter.executor = pool;
    }
  }

  /**
   * Serves {@code admin} on a listener of its own (same TLS), besides the device port. Call before
   * {@link #start()}.
   */
  public void addAdminListener(String host, int port, PhoneHomeHandler admin) {
    if (adapter == null) {
      throw new IllegalStateException("an engine around a PhoneHomeHandler only");
    }
    ServerConnector c = newConnector(host, port);
    server.addConnector(c);
    adminConnector = c;
    adapter.admin = admin;
    adapter.adminConnector = c;
  }

  /** The admin listener's bound address (after {@link #start()}), or null without one. */
  public @Nullable InetSocketAddress adminAddress() {
    ServerConnector c = adminConnector;
    return c == null ? null : new InetSocketAddress(c.getHost() == null ? "0.0.0.0" : c.getHost(), c.getLocalPort());
  }

  /** An engine around any Jetty handler (the test kit's fake server uses it for its failure effects). */
  public JettyEngine(Handler jettyHandler, SSLContext sslContext, ClientAuth clientAuth, String host, int port,
      Duration idleTimeout, int maxThreads) {
    this(jettyHandler, jdkTls(sslContext, clientAuth), host, port, idleTimeout, maxThreads);
  }

  private static SslContextFactory.Server jdkTls(SSLContext sslContext, ClientAuth clientAuth) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setSslContext(sslContext);
    ssl.setWantClientAuth(clientAuth == ClientAuth.WANT);
    ssl.setNeedClientAuth(clientAuth == ClientAuth.NEED);
    ssl.setSniRequired(false);
    return ssl;
  }

  /** True when this engine's TLS is BoringSSL. */
  public boolean usesOpenSsl() {
    return !(ssl.getClass() == SslContextFactory.Server.class);
  }

  private JettyEngine(Handler jettyHandler, SslContextFactory.Server ssl, String host, int port,
      Duration idleTimeout, int maxThreads) {
    this.ssl = ssl;
    this.idleTimeout = idleTimeout;
    pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    pool.setName("phc-server");
    pool.setDaemon(true);
    server = new Server(pool);
    http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setSecureScheme("https");
    // The handler sees the path as sent, so it can refuse %2F and .. in a serial with a RESTCONF 400 itself.
    http.setUriCompliance(UriCompliance.UNSAFE);
    SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
    http.addCustomizer(secure);
    connector = newConnector(host, port);
    server.addConnector(connector);
    server.setHandler(jettyHandler);
    server.setErrorHandler(new RestconfErrorHandler());
    // close() stops at once: a phone-home request is short and a device retries.
    server.setStopTimeout(0);
  }

  private ServerConnector newConnector(String host, int port) {
    // One selector per core: with the non-blocking adapter the selector threads also do TLS and the handler.
    SslConnectionFactory tls = usesOpenSsl() ? new CoalescingSslConnectionFactory(ssl)
        : new SslConnectionFactory(ssl, "http/1.1");
    if (usesOpenSsl()) {
      // BoringSSL reads and writes native memory: direct buffers save a copy of every record.
      tls.setDirectBuffersForEncryption(true);
      tls.setDirectBuffersForDecryption(true);
    }
    ServerConnector c = new ServerConnector(server, 1, Math.max(1, Runtime.getRuntime().availableProcessors()),
        tls, new HttpConnectionFactory(http));
    c.setHost(host);
    c.setPort(port);
    c.setIdleTimeout(idleTimeout.toMillis());
    c.setAcceptQueueSize(1024);
    return c;
  }

  /** Tells {@code listener} of every TLS handshake's outcome (call before {@link #start()}). */
  public void onHandshake(java.util.function.Consumer<Boolean> listener) {
    SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
    if (tls != null) {
      tls.addBean(new org.eclipse.jetty.io.ssl.SslHandshakeListener() {
        @Override
        public void handshakeSucceeded(Event event) {
          notify(true);
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
          notify(false);
        }

        private void notify(boolean ok) {
          try {
            listener.accept(ok);
          } catch (RuntimeException e) {
            // a listener must not throw
          }
        }
      });
    }
  }

  public void start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the phone-home server: " + e.getMessage(), e);
    }
  }

  /** The bound address (after {@link #start()}). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost() == null ? "0.0.0.0" : connector.getHost(),
        connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the phone-home server: " + e.getMessage(), e);
    }
  }

  /** Builds a {@link ServerRequest} from a Jetty request; the body streams from the connection. */
  public static ServerRequest toServerRequest(Request req) {
    return toServerRequest(req, null);
  }

  /** As {@link #toServerRequest(Request)} with the body already read ({@code body}), or streaming when null. */
  static ServerRequest toServerRequest(Request req, byte @Nullable [] body) {
    ServerRequest.Builder b = ServerRequest.builder(req.getMethod(), req.getHttpURI().getPath())
        .query(req.getHttpURI().getQuery());
    for (HttpField f : req.getHeaders()) {
      // Jetty keeps the lower-case name of known headers: no case conversion per request.
      b.addHeader(f.getLowerCaseName(), f.getValue());
    }
    if (body == null) {
      b.body(Content.Source.asInputStream(req), req.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH));
    } else {
      b.body(new java.io.ByteArrayInputStream(body), body.length);
    }
    if (req.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
        && ssl.peerCertificates() != null) {
      b.peerCertificates(List.of(ssl.peerCertificates()));
    }
    b.remoteAddress(Request.getRemoteAddr(req));
    return b.build();
  }

  /** Writes {@code r} as the whole response. */
  public static void write(ServerResponse r, Response resp, Callback callback) {
    resp.setStatus(r.status());
    HttpFields.Mutable h = resp.getHeaders();
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      h.put(e.getKey(), e.getValue());
    }
    h.put(HttpHeader.CONTENT_LENGTH, r.bodyLength());
    resp.write(true, r.bodyLength() == 0 ? null : r.bodyBuffer(), callback);
  }

  /**
   * Runs the core without blocking an I/O thread: the body (bounded) is collected asynchronously first, then the
   * core runs on the thread that completed it (often the selector thread, saving a thread hand-off per
   * request), or on the configured executor when one is given (for records stores that block).
   */
  private static final class Adapter extends Handler.Abstract.NonBlocking {
    private final PhoneHomeHandler handler;
    private volatile @Nullable Executor executor;
    private volatile @Nullable PhoneHomeHandler admin;
    private volatile @Nullable ServerConnector adminConnector;
    private final int maxBody;

    Adapter(PhoneHomeHandler handler, @Nullable Executor executor, long maxBody) {
      this.handler = handler;
      this.executor = executor;
      this.maxBody = (int) Math.min(Integer.MAX_VALUE - 16, maxBody);
    }

    @Override
    public boolean handle(Request req, Response resp, Callback callback) {
      long declared = req.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      boolean hasBody = declared > 0 || (declared < 0 && req.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
      if (!hasBody || declared > maxBody) {
        // No body, or one the core refuses by its declared length without reading it.
        dispatch(req, resp, callback, null);
        return true;
      }
      Content.Source.asByteArrayAsync(req, maxBody + 1).whenComplete((body, failure) -> {
        if (failure != null) {
          // Longer than the limit (the core answers 413 on its own check of the limit), or a read error.
          // Jetty says so with an IllegalArgumentException or (Jetty 12.1) IllegalStateException("Max size
          // (N) exceeded"), possibly wrapped in a CompletionException.
          Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          boolean tooBig = t instanceof IllegalArgumentException
              || (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("Max size"));
          if (tooBig) {
            dispatch(req, resp, callback, new byte[maxBody + 1]);
          } else {
            callback.failed(failure);
          }
          return;
        }
        dispatch(req, resp, callback, body);
      });
      return true;
    }

    private void dispatch(Request req, Response resp, Callback callback, byte @Nullable [] body) {
      Runnable task = () -> {
        try {
          PhoneHomeHandler h = handler;
          PhoneHomeHandler a = admin;
          if (a != null && req.getConnectionMetaData().getConnector() == adminConnector) {
            h = a;
          }
          write(h.handle(toServerRequest(req, body)), resp, callback);
        } catch (Throwable t) {
          callback.failed(t);
        }
      };
      Executor ex = executor;
      if (ex == null) {
        task.run();
        return;
      }
      try {
        ex.execute(task);
      } catch (RejectedExecutionException e) {
        write(CoreHandler.error(503, Encoding.XML, "operation-failed", "server busy; retry later",
            Map.of("Retry-After", "1")), resp, callback);
      }
    }
  }

  /**
   * TLS connections that encrypt a response's header and body as one TLS record, written with one system call.
   * Jetty hands the engine the header and the body as two buffers; Netty's BoringSSL engine (JDK-compatible
   * mode) wraps one buffer per call and Jetty writes the encrypted bytes after every call, so without this a
   * small response costs two records and two writes, and the kernel's send path is most of a keep-alive
   * request's CPU. The JDK's engine gathers buffers itself and does not need it.
   */
  private static final class CoalescingSslConnectionFactory extends SslConnectionFactory {
    CoalescingSslConnectionFactory(SslContextFactory.Server ssl) {
      super(ssl, "http/1.1");
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
      return new CoalescingSslConnection(connector.getByteBufferPool(), connector.getExecutor(),
          getSslContextFactory(), endPoint, engine, isDirectBuffersForEncryption(), isDirectBuffersForDecryption());
    }
  }

  /** See {@link CoalescingSslConnectionFactory}. */
  static final class CoalescingSslConnection extends SslConnection {
    /** The largest plaintext of one TLS record (RFC 8446 section 5.1). */
    static final int MAX_RECORD_PLAINTEXT = 16384;
    private final ByteBufferPool pool;

    CoalescingSslConnection(ByteBufferPool pool, Executor executor, SslContextFactory factory, EndPoint endPoint,
        SSLEngine engine, boolean directEncryption, boolean directDecryption) {
      super(pool, executor, factory, endPoint, engine, directEncryption, directDecryption);
      this.pool = pool;
    }

    @Override
    protected SSLEngineResult wrap(SSLEngine engine, ByteBuffer[] input, ByteBuffer output) throws SSLException {
      if (!gatherable(input, MAX_RECORD_PLAINTEXT)) {
        return engine.wrap(input, output);
      }
      // From the pool, not per connection or per thread: idle connections and virtual threads hold none.
      RetainableByteBuffer gather = pool.acquire(MAX_RECORD_PLAINTEXT, true);
      try {
        return gatherWrap(engine, input, output, gather.getByteBuffer());
      } finally {
        gather.release();
      }
    }

    /** Whether {@code input} holds more than one non-empty buffer and at most {@code max} bytes in all. */
    private static boolean gatherable(ByteBuffer[] input, int max) {
      if (input.length < 2) {
        return false;
      }
      int buffers = 0;
      long total = 0;
      for (ByteBuffer b : input) {
        if (b.hasRemaining()) {
          buffers++;
          total += b.remaining();
        }
      }
      return buffers >= 2 && total <= max;
    }

    /**
     * Wraps {@code input} with one call to the engine when it holds more than one non-empty buffer and fits one
     * record: copies it into {@code gather}, wraps that, then advances the inputs by what the engine consumed.
     */
    static SSLEngineResult gatherWrap(SSLEngine engine, ByteBuffer[] input, ByteBuffer output, ByteBuffer gather)
        throws SSLException {
      if (!gatherable(input, Math.min(gather.capacity(), MAX_RECORD_PLAINTEXT))) {
        return engine.wrap(input, output);
      }
      gather.clear();
      for (ByteBuffer b : input) {
        gather.put(b.duplicate());
      }
      gather.flip();
      SSLEngineResult result = engine.wrap(gather, output);
      int consumed = result.bytesConsumed();
      for (ByteBuffer b : input) {
        int take = Math.min(consumed, b.remaining());
        b.position(b.position() + take);
        consumed -= take;
      }
      return result;
    }
  }

  /** Errors Jetty itself raises (bad request line, header too large, URI too long) as RESTCONF bodies. */
  private static final class RestconfErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
        Throwable cause, Callback callback) throws IOException {
      // A 5xx message is Jetty's own (an exception text): not for the peer's eyes.
      JettyEngine.write(CoreHandler.error(code, Encoding.XML, code >= 500 ? "operation-failed" : "malformed-message",
          code >= 500 ? "internal error" : message, Map.of()), response, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      ServerResponse r = CoreHandler.error(status, Encoding.XML, status == 413 || status == 414 || status == 431
          ? "too-big" : "malformed-message", reason, Map.of());
      fields.put(HttpHeader.CONTENT_TYPE, Encoding.XML.mediaType());
      return ByteBuffer.wrap(r.body());
    }
  }
}
