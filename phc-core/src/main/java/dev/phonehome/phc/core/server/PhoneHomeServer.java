package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.internal.deps.OptionalDependencies;
import dev.phonehome.phc.core.internal.server.AdminHandler;
import dev.phonehome.phc.core.internal.server.CoreHandler;
import dev.phonehome.phc.core.internal.server.ObservedHandler;
import dev.phonehome.phc.core.internal.server.TimedDeviceStore;
import dev.phonehome.phc.core.internal.server.JettyEngine;
import dev.phonehome.phc.core.internal.server.ProgressStore;
import dev.phonehome.phc.core.internal.server.SelfSignedCertificate;
import dev.phonehome.phc.core.trust.ConveyedInformationSigner;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * An embeddable phone-home server (PHS) and redirect server (SPEC sections 2, 3, 5, 6). It answers both
 * dialects on one port: Juniper {@code GET .../devices/device=<serial>} and {@code POST .../notification}, and
 * RFC 8572 {@code get-bootstrapping-data} and {@code report-progress} in JSON and XML. A record whose conveyed
 * information is {@link dev.phonehome.phc.api.model.RedirectInformation} is answered as a redirect server.
 *
 * <pre>{@code
 * try (PhoneHomeServer server = PhoneHomeServer.builder()
 *     .records(FileProvisioningRecords.open(Path.of("/etc/phc/records")))
 *     .sslContext(mySslContext)
 *     .bind("0.0.0.0", 8443)
 *     .addProgressListener(n -> log.info("{}: {}", n.serialNumber(), n.report()))
 *     .build()
 *     .start()) {
 *   ...
 *   server.progress().status("PE3714100218").state();
 * }
 * }</pre>
 *
 * <p>{@link #start()} runs the embedded HTTPS engine: Jetty 12 core (HTTP/1.1, non-blocking), with TLS by
 * BoringSSL (netty-tcnative) when the key material comes as a {@link Builder#keyManagerFactory} (or is the
 * generated default) and the native library loads, else the JDK's TLS. A full TLS handshake costs about a
 * quarter of the CPU with BoringSSL, which is what a fleet of devices opening new connections needs (see
 * {@code BENCHMARKS.md}). To mount the server in your own HTTP stack instead, do not start it: hand
 * {@link #handler()} to it (for Jakarta Servlet containers, use
 * {@code dev.phonehome.phc.core.servlet.PhoneHomeServlet}).
 *
 * <p>Authorisation: a device gets only its own record. The {@link DeviceAuthenticator} (default
 * {@link DeviceAuthentication#defaults()}: Juniper devices by serial and empty password, as Junos sends; RFC
 * 8572 devices only by a per-device secret or a manufacturer-issued client certificate, which you configure
 * with {@link DeviceAuthentication#builder()}) says which serial a request comes from; a request for another
 * serial is 403 and never data; an unclaimed serial is 404 (the device keeps polling). Failed authentications
 * are throttled per source and per serial (429 with Retry-After), notifications per device
 * ({@link ServerLimits}). Every error carries a RESTCONF {@code ietf-restconf:errors} body.
 */
public final class PhoneHomeServer implements AutoCloseable {
  private final PhoneHomeHandler handler;
  private final ProgressStore progress;
  private final SSLContext sslContext;
  private final @Nullable KeyManagerFactory keyManagerFactory;
  private final @Nullable TrustManagerFactory trustManagerFactory;
  private final @Nullable X509Certificate generatedCertificate;
  private final ClientAuth clientAuth;
  private final String host;
  private final int port;
  private final ServerLimits limits;
  private final @Nullable Executor executor;
  private final int maxThreads;
  private final boolean blockingStore;
  private final @Nullable AdminHandler admin;
  private final @Nullable String adminHost;
  private final int adminPort;
  private @Nullable URI adminUrl;
  private @Nullable JettyEngine engine;
  private final @Nullable ServerEventListener eventListener;
  private final java.util.concurrent.CountDownLatch terminated = new java.util.concurrent.CountDownLatch(1);
  private boolean started;
  private @Nullable InetSocketAddress bound;

  private PhoneHomeServer(Builder b) {
    if (b.records == null) {
      throw new IllegalStateException("records are required: PhoneHomeServer.builder().records(...)");
    }
    this.limits = b.limits;
    DeviceStore store = b.store != null ? b.store
        : InMemoryDeviceStore.create(b.limits.maxTimelineEntries(), 10_000);
    // A store other than the in-memory one may block (a database commit): run the handler on worker threads
    // then, never on the engine's I/O threads.
    this.blockingStore = !(store instanceof InMemoryDeviceStore);
    this.eventListener = b.eventListener;
    if (b.eventListener != null) {
      store = new TimedDeviceStore(store, b.eventListener);
    }
    this.progress = new ProgressStore(store, b.clock, b.stalledAfter, b.listeners);
    this.admin = b.adminToken == null ? null : new AdminHandler(progress, b.adminToken);
    this.adminHost = b.adminHost;
    this.adminPort = b.adminPort;
    CoreHandler core = new CoreHandler(b.records, b.authenticator, progress, b.signer, b.reportingLevel, b.limits,
        b.clock, b.profiles);
    this.handler = b.eventListener == null ? core : new ObservedHandler(core, b.eventListener);
    this.trustManagerFactory = b.trustManagerFactory;
    if (b.sslContext != null) {
      this.sslContext = b.sslContext;
      this.keyManagerFactory = null;
      this.generatedCertificate = null;
    } else if (b.keyManagerFactory != null) {
      this.keyManagerFactory = b.keyManagerFactory;
      this.sslContext = jdkContext(b.keyManagerFactory, b.trustManagerFactory);
      this.generatedCertificate = null;
    } else {
      SelfSignedCertificate self = SelfSignedCertificate.generate(b.clock);
      this.keyManagerFactory = self.keyManagerFactory();
      this.sslContext = self.sslContext();
      this.generatedCertificate = self.certificate();
    }
    this.clientAuth = b.clientAuth;
    this.host = b.host;
    this.port = b.port;
    this.executor = b.executor;
    this.maxThreads = b.maxThreads;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the embedded HTTPS engine and binds the port. Returns this, for chaining.
   *
   * @throws IllegalStateException when already started, or when Jetty is not on the classpath (depend on
   *     {@code dev.phonehome:phc-server}, or mount {@link #handler()} in your own HTTP stack)
   */
  public synchronized PhoneHomeServer start() {
    if (engine != null) {
      throw new IllegalStateException("already started");
    }
    OptionalDependencies.requireJetty("PhoneHomeServer.start()");
    PhoneHomeHandler devicePort = admin == null ? handler : new DevicePort(handler, admin, adminHost != null);
    JettyEngine e = keyManagerFactory != null
        ? new JettyEngine(devicePort, keyManagerFactory, trustManagerFactory, sslContext, toEngine(clientAuth), host,
            port, limits.idleTimeout(), executor, maxThreads, limits.maxRequestBodyBytes())
        : new JettyEngine(devicePort, sslContext, toEngine(clientAuth), host, port, limits.idleTimeout(), executor,
            maxThreads, limits.maxRequestBodyBytes());
    if (blockingStore && executor == null) {
      e.runHandlerOnWorkerThreads();
    }
    if (admin != null && adminHost != null) {
      e.addAdminListener(adminHost, adminPort, admin);
    }
    ServerEventListener listener = eventListener;
    if (listener != null) {
      e.onHandshake(listener::tlsHandshake);
    }
    e.start();
    engine = e;
    started = true;
    bound = e.address();
    if (admin != null) {
      InetSocketAddress a = adminHost == null ? bound : java.util.Objects.requireNonNull(e.adminAddress());
      String h = urlHost(adminHost == null ? host : adminHost);
      adminUrl = URI.create("https://" + h + ":" + a.getPort() + AdminHandler.PREFIX + "/");
      if (admin != null && adminHost != null && devicePort instanceof DevicePort d) {
        d.adminPort = a.getPort();
        d.adminHostForUrl = isAnyLocal(adminHost) ? null : h;
      }
    }
    return this;
  }

  /**
   * The admin API's base URL, {@code https://HOST:PORT/phc/admin/v1/} (after {@link #start()}), or null when it
   * is off. See {@link Builder#adminApi}.
   */
  public synchronized @Nullable URI adminUrl() {
    return adminUrl;
  }

  /**
   * The admin JSON API as a transport-neutral handler (to mount it in your own HTTP stack under
   * {@code /phc/admin/}), or null when {@link Builder#adminApi} was not given.
   */
  public @Nullable PhoneHomeHandler adminHandler() {
    return admin;
  }

  private static boolean isAnyLocal(String h) {
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]");
  }

  private static String urlHost(String h) {
    if (isAnyLocal(h)) {
      return "localhost";
    }
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  /**
   * The device port with the admin API: served there under {@code /phc/admin/}, or, when it has a listener of
   * its own, a 307 to it for requests that carry the admin token (so a tool pointed at the device port finds it;
   * without the token the path does not exist, as on a server without the admin API).
   */
  private static final class DevicePort implements PhoneHomeHandler {
    private final PhoneHomeHandler devices;
    private final AdminHandler admin;
    private final boolean separate;
    volatile int adminPort;
    volatile @Nullable String adminHostForUrl;

    DevicePort(PhoneHomeHandler devices, AdminHandler admin, boolean separate) {
      this.devices = devices;
      this.admin = admin;
      this.separate = separate;
    }

    @Override
    public ServerResponse handle(ServerRequest request) {
      String path = request.rawPath();
      if (!path.equals(AdminHandler.ROOT) && !path.startsWith(AdminHandler.ROOT + "/")) {
        return devices.handle(request);
      }
      if (!separate) {
        return admin.handle(request);
      }
      if (!admin.authorized(request)) {
        return devices.handle(request);
      }
      String h = adminHostForUrl;
      if (h == null) {
        String hostHeader = request.header("Host");
        h = hostHeader == null ? "localhost" : hostHeader.startsWith("[")
            ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
            : hostHeader.contains(":") ? hostHeader.substring(0, hostHeader.indexOf(':')) : hostHeader;
      }
      String location = "https://" + h + ":" + adminPort + path + (request.query() == null ? "" : "?" + request.query());
      return ServerResponse.of(307, "application/json",
          ("{\"admin-api\":\"https://" + h + ":" + adminPort + AdminHandler.PREFIX + "/\"}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          java.util.Map.of("Location", location, "Cache-Control", "no-store"));
    }
  }

  /** The transport-neutral handler, to mount this server in another HTTP stack. */
  public PhoneHomeHandler handler() {
    return handler;
  }

  /**
   * What the server knows, read through its {@link DeviceStore} (so servers sharing a store answer alike):
   * device states, timelines, VC members as last reported, the unclaimed inbox and the notification feed.
   */
  public ProgressQuery progress() {
    return progress;
  }

  /** The bound port (after {@link #start()}). */
  public synchronized int port() {
    if (bound == null) {
      throw new IllegalStateException("not started");
    }
    return bound.getPort();
  }

  /** {@code https://<host>:<port>/} (after {@link #start()}). */
  public synchronized URI url() {
    int p = port();
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0")) {
      h = "localhost";
    }
    return URI.create("https://" + h + ":" + p + "/");
  }

  /**
   * The self-signed certificate generated because no SSLContext was given (for {@code localhost},
   * {@code 127.0.0.1}, {@code ::1}), or null when you brought your own.
   */
  public @Nullable X509Certificate generatedCertificate() {
    return generatedCertificate;
  }

  /** Stops the engine (if started) at once; a device whose request is cut off retries. */
  @Override
  public synchronized void close() {
    if (engine != null) {
      try {
        engine.close();
      } finally {
        engine = null;
        terminated.countDown();
      }
    }
  }

  /**
   * Blocks until {@link #close()} has stopped the started server (the engine's threads are daemons, so a
   * {@code main} that only calls {@link #start()} would exit at once). For a standalone server:
   *
   * <pre>{@code
   * server.start();
   * Runtime.getRuntime().addShutdownHook(new Thread(server::close));   // Ctrl-C, SIGTERM
   * server.awaitTermination();
   * }</pre>
   *
   * @throws IllegalStateException when the server was never started
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void awaitTermination() throws InterruptedException {
    requireStartedOnce();
    terminated.await();
  }

  /**
   * As {@link #awaitTermination()}, for at most {@code timeout}.
   *
   * @return true when the server stopped, false when the timeout passed first
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    requireStartedOnce();
    return terminated.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  private synchronized void requireStartedOnce() {
    if (!started) {
      throw new IllegalStateException("not started: call start() first");
    }
  }

  /**
   * Which TLS implementation the started engine uses: {@code "BoringSSL"} (key material given as a
   * KeyManagerFactory or generated, and the native library loaded) or {@code "JDK"}.
   */
  public synchronized String tlsImplementation() {
    if (engine == null) {
      throw new IllegalStateException("not started");
    }
    return engine.usesOpenSsl() ? "BoringSSL" : "JDK";
  }

  private static SSLContext jdkContext(KeyManagerFactory keys, @Nullable TrustManagerFactory trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable key material: " + e.getMessage(), e);
    }
  }

  private static JettyEngine.ClientAuth toEngine(ClientAuth a) {
    return switch (a) {
      case NONE -> JettyEngine.ClientAuth.NONE;
      case WANT -> JettyEngine.ClientAuth.WANT;
      case NEED -> JettyEngine.ClientAuth.NEED;
    };
  }

  /** Configures a {@link PhoneHomeServer}. Only {@link #records} is required. */
  public static final class Builder {
    private @Nullable ProvisioningRecords records;
    private @Nullable DeviceStore store;
    private @Nullable AdminToken adminToken;
    private @Nullable String adminHost;
    private int adminPort;
    private @Nullable ServerEventListener eventListener;
    private DeviceAuthenticator authenticator = DeviceAuthentication.defaults();
    private java.util.function.Function<String, CompatibilityProfile> profiles = serial -> CompatibilityProfile.RFC8572;
    private final List<ProgressListener> listeners = new ArrayList<>();
    private @Nullable Executor executor;
    private ServerLimits limits = ServerLimits.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private Duration stalledAfter = Duration.ofMinutes(30);
    private @Nullable SSLContext sslContext;
    private @Nullable KeyManagerFactory keyManagerFactory;
    private @Nullable TrustManagerFactory trustManagerFactory;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private @Nullable ConveyedInformationSigner signer;
    private @Nullable ReportingLevel reportingLevel = ReportingLevel.VERBOSE;
    private String host = "127.0.0.1";
    private int port;
    private int maxThreads = 200;

    private Builder() {}

    /** Where provisioning records come from (your database, {@link InMemoryProvisioningRecords}, files). */
    public Builder records(ProvisioningRecords records) {
      this.records = Objects.requireNonNull(records, "records");
      return this;
    }

    /**
     * Who a request comes from; default {@link DeviceAuthentication#defaults()} (RFC 8572 devices cannot
     * authenticate until you give secrets or manufacturer CAs). {@link BasicDeviceAuthenticator#create()} is the
     * insecure lab setting: serial + empty password in both dialects.
     */
    public Builder authenticator(DeviceAuthenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Hears requests (route, status, time), TLS handshakes and device-store calls, e.g. {@code phc-micrometer}'s
     * {@code PhcServerMetrics}. Notifications are heard through {@link #addProgressListener}. Default: none.
     */
    public Builder eventListener(ServerEventListener listener) {
      this.eventListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where the server keeps devices, notifications and sightings; default an {@link InMemoryDeviceStore}
     * bounded by {@link ServerLimits#maxTimelineEntries()}. For state that survives restarts or is shared by
     * several servers, give a JDBC store ({@code phc-store-jdbc}). The server does not close a store it was
     * given. With a store other than the in-memory one and no {@link #executor}, requests are handled on the
     * engine's worker threads (a commit blocks).
     */
    public Builder store(DeviceStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The compatibility profile every RFC 8572 device is answered with; default {@link CompatibilityProfile#RFC8572}.
     */
    public Builder compatibility(CompatibilityProfile profile) {
      Objects.requireNonNull(profile, "profile");
      this.profiles = serial -> profile;
      return this;
    }

    /**
     * Turns on the admin JSON API for operators and {@code phc status} (off by default): the fleet
     * ({@code GET /phc/admin/v1/devices}), one device's timeline and members ({@code .../devices/SERIAL}), the
     * unclaimed inbox ({@code .../unclaimed}) and the notification feed ({@code .../feed?after=CURSOR&limit=N}),
     * JSON, every request with {@code Authorization: Bearer TOKEN}. Served on the device port under
     * {@code /phc/admin/}, or on a listener of its own with {@link #adminBind}. Read the token from a file or an
     * environment variable ({@link AdminToken#fromFile}, {@link AdminToken#fromEnvironment}).
     */
    public Builder adminApi(AdminToken token) {
      this.adminToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * The compatibility profile per device serial (after authentication; errors before it use
     * {@link CompatibilityProfile#RFC8572}). The function must be thread-safe and fast; null means RFC 8572.
     */
    public Builder compatibility(java.util.function.Function<String, CompatibilityProfile> profileBySerial) {
      this.profiles = Objects.requireNonNull(profileBySerial, "profileBySerial");
      return this;
    }

    /**
     * Serves the admin API on its own listener (same TLS identity), for example a management address, instead
     * of the device port; the device port then answers admin requests that carry the token with a 307 to it.
     * Port 0 picks a free one ({@link PhoneHomeServer#adminUrl()}).
     */
    public Builder adminBind(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("admin port out of range: " + port);
      }
      this.adminHost = Objects.requireNonNull(host, "host");
      this.adminPort = port;
      return this;
    }

    /**
     * Hears every newly stored notification, after the store has it (see {@link ProgressListener} for its
     * rules); a duplicate by notification id is not heard twice. For an NMS that must see every notification
     * exactly once across restarts, read {@link ProgressQuery#feed} instead: a listener of a process that dies
     * between the commit and the call never hears that notification.
     */
    public Builder addProgressListener(ProgressListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Runs the request handling (record lookup, authentication, listeners) on this executor instead of the
     * embedded engine's I/O threads. Without one, the handler runs on the I/O threads (fastest: no thread
     * hand-off); so give one whenever your {@link ProvisioningRecords}, authenticator or listeners may block
     * (a database, a remote call). A rejected task is answered 503.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder limits(ServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The clock that stamps notifications and judges stalls; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A device with nothing heard for longer than this is {@link DeviceState#STALLED}; default 30 min. */
    public Builder stalledAfter(Duration stalledAfter) {
      if (stalledAfter.isNegative() || stalledAfter.isZero()) {
        throw new IllegalArgumentException("stalledAfter must be positive, was " + stalledAfter);
      }
      this.stalledAfter = stalledAfter;
      return this;
    }

    /**
     * The server's TLS identity as a JDK SSLContext (certificate and key in its key managers; its trust
     * managers judge client certificates). The engine then uses the JDK's TLS. Prefer
     * {@link #keyManagerFactory} for many new connections per second: it lets the engine use BoringSSL.
     * Default: a generated self-signed certificate for localhost ({@link PhoneHomeServer#generatedCertificate()}).
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * The server's certificate and key. The embedded engine serves TLS with BoringSSL (netty-tcnative) when the
     * native library loads on this platform, else with the JDK's TLS; a full handshake costs several times
     * less CPU with BoringSSL (BENCHMARKS.md). Ignored when {@link #sslContext} is set.
     */
    public Builder keyManagerFactory(KeyManagerFactory keys) {
      this.keyManagerFactory = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** Judges TLS client certificates (with {@link #keyManagerFactory}); default: the JDK's default trust. */
    public Builder trustManagerFactory(TrustManagerFactory trust) {
      this.trustManagerFactory = Objects.requireNonNull(trust, "trust");
      return this;
    }

    /** Whether to ask for TLS client certificates; default {@link ClientAuth#NONE}. */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
      return this;
    }

    /**
     * Signs RFC 8572 conveyed information (owner certificate, ownership voucher). Without one the server
     * answers unsigned conveyed information, which a device accepts only over a TLS connection it trusts.
     */
    public Builder signer(ConveyedInformationSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /** The RFC 8572 {@code reporting-level} asked of devices; default verbose; null sends none (minimal). */
    public Builder reportingLevel(@Nullable ReportingLevel reportingLevel) {
      this.reportingLevel = reportingLevel;
      return this;
    }

    /** Address and port for the embedded engine; default {@code 127.0.0.1} and an ephemeral port. */
    public Builder bind(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** The embedded engine's I/O thread pool size; default 200. */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 4) {
        throw new IllegalArgumentException("maxThreads must be at least 4, was " + maxThreads);
      }
      this.maxThreads = maxThreads;
      return this;
    }

    public PhoneHomeServer build() {
      return new PhoneHomeServer(this);
    }
  }
}
