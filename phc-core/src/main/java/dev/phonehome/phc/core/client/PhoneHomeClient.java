package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.deps.OptionalDependencies;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport;
import dev.phonehome.phc.core.internal.engine.Engine;
import dev.phonehome.phc.core.internal.engine.EngineState;
import dev.phonehome.phc.core.internal.engine.HttpBootstrapTransport;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The phone-home client: drives a device or Virtual Chassis through the whole process of SPEC section 4 (start
 * and request, bootstrap the members, scripts and configuration, completion), reporting progress to the
 * phone-home server.
 *
 * <pre>{@code
 * try (PhoneHomeClient client = PhoneHomeClient.builder()
 *     .bootstrapServers("https://phs.example.net:8443")
 *     .dialect(Dialect.JUNIPER)
 *     .deviceOperations(junosDevice)
 *     .build()) {
 *   PhoneHomeResult result = client.run();
 * }
 * }</pre>
 *
 * <p>Like a device, {@link #run()} keeps going round the server list until it succeeds, unless
 * {@link Builder#maxRounds(int)} or {@link Builder#maxTotalTime(Duration)} bounds it. The process state is
 * persisted at every step (by default on the VC's primary and backup), so a client built again over the same
 * device resumes where the last one stopped, also on a new primary after a failover; a VC that completed does
 * not run again until it is zeroized.
 *
 * <p>A client is not thread-safe; run it from one thread.
 *
 * <p><b>A fleet</b> (an agent provisioning many VCs at once): build every client from one builder, so that they
 * share one HTTP client (one connection pool, the TLS settings, and at most {@link
 * Builder#maxRequestsPerServer} requests per server at a time) and, when set, one {@link ImageCache}; run each
 * on its own thread. On Java 21 and later, virtual threads make that cheap for thousands of VCs (a client waits
 * most of its time, for reboots); on Java 17, a pool of platform threads bounds how many run at once.
 *
 * <pre>{@code
 * PhoneHomeClient.Builder fleet = PhoneHomeClient.builder()
 *     .bootstrapServers("https://phs.example.net:8443")
 *     .imageCache(ImageCache.open(Path.of("/var/cache/phc"), 20L << 30));
 * try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {   // Java 21+
 *   for (DeviceOperations vc : vcs) {
 *     PhoneHomeClient client = fleet.deviceOperations(vc).build();   // builders are not thread-safe: build here
 *     threads.submit(() -> {
 *       try (client) {
 *         return client.run();
 *       }
 *     });
 *   }
 * }
 * }</pre>
 */
public final class PhoneHomeClient implements AutoCloseable {
  /** Juniper's redirect server, the first server a factory-default device contacts. */
  public static final String DEFAULT_REDIRECT_SERVER = "https://redirect.juniper.net";

  private final Builder config;
  private final OkHttpClient http;
  private final SharedHttp sharedHttp;
  private boolean closed;
  private final BootstrapTransport transport;
  private final Engine engine;

  private PhoneHomeClient(Builder b) {
    this.config = b.copy();
    if (b.device == null) {
      throw new IllegalStateException("deviceOperations is required");
    }
    DeviceOperations device = b.device;
    this.sharedHttp = b.sharedHttp();
    this.http = sharedHttp.client; // counted as a user at the end, once nothing here can throw any more
    if (b.provisionalConnections && b.verifier == null) {
      throw new IllegalStateException("provisionalConnections(true) needs a conveyedInformationVerifier: data"
          + " from a server the client cannot authenticate is only accepted when its signatures verify");
    }
    Random random = b.random != null ? b.random : new SecureRandom();
    String serial = b.serialNumber != null ? b.serialNumber : device.deviceInfo().serialNumber();
    this.transport = new HttpBootstrapTransport(http, b.dialect, b.encoding, serial, b.password, b.keyManagers,
        b.verifier, b.clock, CodecLimits.DEFAULT, b.provisionalConnections ? random : null,
        b.unauthorizedMeansNotClaimed);
    List<EngineState.Server> servers = new ArrayList<>();
    for (String url : b.servers.isEmpty() ? List.of(DEFAULT_REDIRECT_SERVER) : b.servers) {
      servers.add(new EngineState.Server(stripSlash(url), null));
    }
    StateStore store = b.stateStore != null ? b.stateStore : new DeviceStateStore(device);
    ImageStager.Factory stagers = deadline -> new ImageStager(device, http, b.retryPolicy, b.sleeper, random,
        b.listener, b.imageFetchTimeout, b.imageAttemptsPerServer, deadline)
        .withCache(b.imageCache == null ? null : b.imageCache.store());
    this.engine = new Engine(new Engine.Config(servers, serial, device, b.clock, b.sleeper, random, transport,
        stagers, store, b.memberDetectionTimeout, b.detectionPollInterval, b.retryPolicy, b.maxRounds,
        b.maxTotalTime, b.notificationDrainTimeout, b.strictRetries, b.startConditionOverride, b.verifier != null,
        b.verifier != null && b.verifier.labModeInsecure(), b.listener));
    sharedHttp.acquire();
  }

  /**
   * A builder with the defaults.
   *
   * @throws IllegalStateException when OkHttp is not on the classpath (depend on {@code dev.phonehome:phc-client})
   */
  public static Builder builder() {
    OptionalDependencies.requireOkHttp("PhoneHomeClient");
    return new Builder();
  }

  /** A builder with this client's settings. */
  public Builder toBuilder() {
    return config.copy();
  }

  /**
   * Runs the process to completion, or resumes it from persisted state.
   *
   * @return the outcome per member, the servers tried and the notifications sent
   * @throws BootstrapFailedException when a configured bound was reached; names the last error of each server
   * @throws dev.phonehome.phc.api.PhcDeviceException when the device failed in a way the process cannot go on
   *     from (the state is kept: run again to resume)
   * @throws InterruptedException when the thread was interrupted while waiting
   */
  public PhoneHomeResult run() throws InterruptedException {
    return engine.run();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    transport.close();
    sharedHttp.release();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Settings of a {@link PhoneHomeClient}. Only {@link #deviceOperations} is required. */
  public static final class Builder {
    private final List<String> servers = new ArrayList<>();
    private Dialect dialect = Dialect.JUNIPER;
    private Encoding encoding = Encoding.JSON;
    private @Nullable String serialNumber;
    private String password = "";
    private @Nullable SSLContext sslContext;
    private @Nullable X509TrustManager trustManager;
    private KeyManager @Nullable [] keyManagers;
    private @Nullable DeviceOperations device;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private @Nullable Random random;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable StateStore stateStore;
    private Duration memberDetectionTimeout = Duration.ofMinutes(10);
    private Duration detectionPollInterval = Duration.ofSeconds(15);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private int maxRounds;
    private @Nullable Duration maxTotalTime;
    private Duration notificationDrainTimeout = Duration.ofMinutes(10);
    private Duration imageFetchTimeout = Duration.ofHours(1);
    private int imageAttemptsPerServer = 10;
    private int strictRetries = 1;
    private @Nullable String startConditionOverride;
    private PhoneHomeEventListener listener = PhoneHomeEventListener.NONE;
    private @Nullable ConveyedInformationVerifier verifier;
    private boolean provisionalConnections;
    private int maxRequestsPerServer = 64;
    private @Nullable ImageCache imageCache;
    /** Made on the first build and shared by every client built from this builder (and its copies). */
    private @Nullable SharedHttp sharedHttp;
    private boolean unauthorizedMeansNotClaimed;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.servers.addAll(servers);
      b.dialect = dialect;
      b.encoding = encoding;
      b.serialNumber = serialNumber;
      b.password = password;
      b.sslContext = sslContext;
      b.trustManager = trustManager;
      b.keyManagers = keyManagers;
      b.device = device;
      b.clock = clock;
      b.sleeper = sleeper;
      b.random = random;
      b.okHttpClient = okHttpClient;
      b.stateStore = stateStore;
      b.memberDetectionTimeout = memberDetectionTimeout;
      b.detectionPollInterval = detectionPollInterval;
      b.retryPolicy = retryPolicy;
      b.maxRounds = maxRounds;
      b.maxTotalTime = maxTotalTime;
      b.notificationDrainTimeout = notificationDrainTimeout;
      b.imageFetchTimeout = imageFetchTimeout;
      b.imageAttemptsPerServer = imageAttemptsPerServer;
      b.strictRetries = strictRetries;
      b.startConditionOverride = startConditionOverride;
      b.listener = listener;
      b.verifier = verifier;
      b.provisionalConnections = provisionalConnections;
      b.maxRequestsPerServer = maxRequestsPerServer;
      b.imageCache = imageCache;
      b.sharedHttp = sharedHttp;
      b.unauthorizedMeansNotClaimed = unauthorizedMeansNotClaimed;
      return b;
    }

    /**
     * The bootstrap servers to try, in order: the redirect server first, then phone-home servers (base URLs
     * such as {@code https://phs.example.net:8443}). Default: {@code https://redirect.juniper.net}.
     */
    public Builder bootstrapServers(String... urls) {
      servers.clear();
      for (String u : urls) {
        addBootstrapServer(u);
      }
      return this;
    }

    public Builder addBootstrapServer(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("https://") && !url.startsWith("http://")) {
        throw new IllegalArgumentException("bootstrap server must be an http(s) URL, was " + url);
      }
      servers.add(url);
      return this;
    }

    /** The wire dialect (default {@link Dialect#JUNIPER}). */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The RFC 8572 encoding (default JSON); the Juniper dialect always uses XML. */
    public Builder encoding(Encoding encoding) {
      this.encoding = Objects.requireNonNull(encoding, "encoding");
      return this;
    }

    /** The serial number to present (default: the device's, from {@link DeviceOperations#deviceInfo()}). */
    public Builder serialNumber(String serialNumber) {
      this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
      return this;
    }

    /** The HTTP Basic password (default empty, as Junos PHC sends). */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * The device's activation code, sent as the HTTP Basic password with the serial number as username: what an
     * RFC 8572 server that authenticates devices by a per-device secret expects (sztpd calls it the activation
     * code; {@code phc serve --device-secrets} holds the same secret per serial). The same as
     * {@link #password(String)}; this name says what it is for.
     */
    public Builder activationCode(String activationCode) {
      Objects.requireNonNull(activationCode, "activationCode");
      if (activationCode.isEmpty()) {
        throw new IllegalArgumentException("activationCode is empty; use password(\"\") for no secret");
      }
      return password(activationCode);
    }

    /**
     * Reads HTTP 401 to a bootstrap request as "this device is not claimed yet, keep polling" instead of a
     * refusal (default false). sztpd answers 401, not 404, for a serial it does not know, so a device that
     * polls before its owner has registered it would otherwise count every poll as an authentication failure.
     * Leave it off where 401 means a wrong secret: the client then reports it instead of polling silently.
     */
    public Builder unauthorizedMeansNotClaimed(boolean enabled) {
      this.unauthorizedMeansNotClaimed = enabled;
      return this;
    }

    /**
     * TLS settings: the trust manager that authenticates bootstrap servers and the context that may carry the
     * device's client certificate. Default: OkHttp's (the system trust store, no client certificate).
     */
    public Builder sslContext(SSLContext sslContext, X509TrustManager trustManager) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      this.sharedHttp = null;
      return this;
    }

    /** The device's client certificate, also used on connections to servers learned from redirects. */
    public Builder keyManagers(KeyManager... keyManagers) {
      this.keyManagers = keyManagers.clone();
      return this;
    }

    /** The device or VC to provision. Required. */
    public Builder deviceOperations(DeviceOperations device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Randomness for backoff jitter and nonces (default a SecureRandom); seed one for repeatable tests. */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The HTTP client to use (its settings are kept; TLS settings given here are applied on top). Its connection
     * pool is what a fleet of clients shares: size it for the fleet ({@code new ConnectionPool(maxIdle, ...)}).
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = Objects.requireNonNull(client, "client");
      this.sharedHttp = null;
      return this;
    }

    /** Where the process state is kept (default: on the VC's primary and backup). */
    public Builder stateStore(StateStore store) {
      this.stateStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /** How long to wait for rebooted members to come back (default 10 minutes). */
    public Builder memberDetectionTimeout(Duration timeout) {
      this.memberDetectionTimeout = positive(timeout, "memberDetectionTimeout");
      return this;
    }

    /** How often to look for members while detecting (default 15 seconds). */
    public Builder detectionPollInterval(Duration interval) {
      this.detectionPollInterval = positive(interval, "detectionPollInterval");
      return this;
    }

    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Give up after this many rounds over the server list (default 0: never, like a device). */
    public Builder maxRounds(int rounds) {
      if (rounds < 0) {
        throw new IllegalArgumentException("maxRounds must not be negative, was " + rounds);
      }
      this.maxRounds = rounds;
      return this;
    }

    /** Give up after this much time since the process started (default: never). */
    public Builder maxTotalTime(@Nullable Duration total) {
      this.maxTotalTime = total == null ? null : positive(total, "maxTotalTime");
      return this;
    }

    /** How long to keep trying to deliver the last notifications at the end of a run (default 10 minutes). */
    public Builder notificationDrainTimeout(Duration timeout) {
      this.notificationDrainTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The time a device may take to fetch the image itself, per attempt (default 1 hour). */
    public Builder imageFetchTimeout(Duration timeout) {
      this.imageFetchTimeout = positive(timeout, "imageFetchTimeout");
      return this;
    }

    /**
     * How many times the image is downloaded from one phone-home server's URIs (mirrors in turn, with backoff)
     * before the client reports {@code boot-image-error} and tries the next server (default 10). The rounds over
     * the server list go on as {@link #maxRounds} says, so with the default (no bound) the download is retried
     * until it succeeds, as SPEC 4.2 step 2 asks, while every attempt counts against the bounds.
     */
    public Builder imageAttemptsPerServer(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("imageAttemptsPerServer must be at least 1, was " + attempts);
      }
      this.imageAttemptsPerServer = attempts;
      return this;
    }

    /**
     * Strict provisioning (SPEC table 1): how many times members that failed are tried again before the client
     * reports the failure and starts over with the next server (default 1): a failed install is installed again;
     * a member back on the old software is installed and rebooted again; a member that did not come back is
     * looked for again for another member-detection timeout.
     */
    public Builder strictRetries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("strictRetries must not be negative, was " + retries);
      }
      this.strictRetries = retries;
      return this;
    }

    /**
     * Starts a fresh run even when the start conditions (SPEC 4.1 step 1: factory-default configuration, not
     * mixed mode, a ring of dedicated or default VCPs) do not hold, for an operator who knows better. The reason
     * is logged and reported to the phone-home server, with what did not hold, as {@code bootstrap-warning}.
     * Without it, {@link PhoneHomeClient#run()} throws {@link StartConditionsNotMetException} and changes
     * nothing.
     */
    public Builder overrideStartConditions(String reason) {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("overrideStartConditions needs a reason (it is logged and reported)");
      }
      this.startConditionOverride = reason;
      return this;
    }

    public Builder eventListener(PhoneHomeEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Verifies every RFC 8572 answer (vouchers, owner certificates, signatures). Without one, unsigned data is
     * accepted only from a server the TLS layer authenticated.
     */
    public Builder conveyedInformationVerifier(ConveyedInformationVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * Provisional connections, RFC 8572 section 5.3 (default false). When true, a bootstrap server whose TLS
     * certificate fails validation against the configured trust (the trust manager of
     * {@link #sslContext(SSLContext, X509TrustManager)}, or the anchor learned from trusted redirect
     * information) is asked again over a connection that does not authenticate it. On such a connection the
     * client sends {@code signed-data-preferred} and a fresh random nonce, and accepts only signed data whose
     * ownership voucher and owner certificate chain verify, or redirect information whose trust anchors are
     * then not honoured; unsigned onboarding information is refused. Progress reports are never sent to a
     * server the client could not authenticate. Requires a {@link #conveyedInformationVerifier} ({@link
     * #build()} fails without one).
     */
    public Builder provisionalConnections(boolean enabled) {
      this.provisionalConnections = enabled;
      return this;
    }

    /**
     * @throws IllegalStateException when {@link #deviceOperations} is missing, or provisional connections are
     *     enabled without a {@link #conveyedInformationVerifier}
     */
    /**
     * At most this many phone-home requests (bootstrap requests and notifications) to one server at the same
     * time, over all the clients built from this builder (default 64); more wait for a free one, at most the
     * connect plus read timeout. Thousands of clients that start at once then share a few kept-alive connections
     * instead of opening one (and paying a TLS handshake) each. Image downloads are not counted.
     */
    public Builder maxRequestsPerServer(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRequestsPerServer must be at least 1, was " + max);
      }
      this.maxRequestsPerServer = max;
      this.sharedHttp = null;
      return this;
    }

    /**
     * Agent-push staging through this cache: an image is downloaded once for every client that shares the
     * cache, then pushed to each device from disk, verified again while it flows (see {@link ImageCache}).
     * Default: none, every client downloads its image itself. Ignored for devices that fetch the image
     * themselves and for images without a digest.
     */
    public Builder imageCache(@Nullable ImageCache cache) {
      this.imageCache = cache;
      return this;
    }

    /** The HTTP client of the clients built from this builder: made on the first build, then shared. */
    private synchronized SharedHttp sharedHttp() {
      if (sharedHttp == null) {
        sharedHttp = SharedHttp.create(okHttpClient, sslContext, trustManager, maxRequestsPerServer);
      }
      return sharedHttp;
    }

    public PhoneHomeClient build() {
      return new PhoneHomeClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
