package dev.phonehome.phc.testkit.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.server.BasicDeviceAuthenticator;
import dev.phonehome.phc.core.server.InMemoryDeviceStore;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import dev.phonehome.phc.testkit.pki.CertificateBuilder;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A phone-home server for tests of phone-home clients, shaped like OkHttp's MockWebServer. It runs the real
 * server core (both dialects, RESTCONF errors, Basic authentication with username = serial and an empty
 * password) over real HTTPS on loopback, with a certificate generated per instance.
 *
 * <pre>{@code
 * try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
 *   phs.enqueue(FakeAnswer.httpError(503));
 *   phs.enqueue(FakeAnswer.bootstrap(onboarding));
 *   PhoneHomeClient client = PhoneHomeClient.builder()
 *       .bootstrapServers(phs.url().toString())
 *       .sslContext(phs.clientSslContext(), phs.clientTrustManager())
 *       .deviceOperations(vc)
 *       ...
 *       .build();
 *   client.run();
 *   assertThat(phs.takeRequest().serialNumber()).isEqualTo("PE3714100218");
 *   assertThat(phs.takeNotification().report().type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
 * }
 * }</pre>
 *
 * <p>Boot images: {@link #bootImage(String)} gives a {@link BootImage} that this server serves itself, so a
 * record with an image needs no image server (the client downloads it from here, over the same trusted TLS):
 *
 * <pre>{@code
 * phs.addRecord("PE3714100218", OnboardingInformation.builder().bootImage(phs.bootImage("21.4R3.15")).build());
 * }</pre>
 *
 * <p>Answers, in order of precedence: the {@link FakeDispatcher} if one is set; for bootstrap requests the
 * next {@link #enqueue enqueued} answer; then the records given with {@link #addRecord} (404 for other serials,
 * and the device keeps polling). Notifications are stored, answered 204, and handed to
 * {@link #takeNotification}. Every request, whatever its answer, is handed to {@link #takeRequest}.
 * Thread-safe.
 */
public final class FakePhoneHomeServer implements AutoCloseable {
  private static final char[] KEY_PASSWORD = "phc-fake".toCharArray();
  private static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY = 1 << 20;
  private static final String JUNIPER_PREFIX = PhoneHomeHandler.JUNIPER_DEVICE_PATH_PREFIX;
  /** Where {@link #bootImage} images are served: {@code /images/<file name>}. */
  private static final String IMAGE_PREFIX = "/images/";
  private static final long DEFAULT_IMAGE_SIZE = 256 * 1024;
  private static final java.util.regex.Pattern IMAGE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._+-]{1,128}");

  private final X509Certificate rootCertificate;
  private final SSLContext serverSslContext;
  private final SSLContext clientSslContext;
  private final X509TrustManager clientTrustManager;
  private final BlockingQueue<FakeAnswer> answers = new LinkedBlockingQueue<>();
  private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<DeviceNotification> notifications = new LinkedBlockingQueue<>();
  private final Map<String, ConveyedInformation> records = new ConcurrentHashMap<>();
  private final Map<String, GeneratedImage> images = new ConcurrentHashMap<>();
  private final ThreadLocal<@Nullable ConveyedInformation> override = new ThreadLocal<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile @Nullable FakeDispatcher dispatcher;
  private Clock clock = Clock.systemUTC();
  private DeviceAuthenticator authenticator = BasicDeviceAuthenticator.create();
  private FakeServerProfile profile = FakeServerProfile.PHC;
  private final Map<String, String> activationCodes = new ConcurrentHashMap<>();
  private @Nullable PhoneHomeServer core;
  private @Nullable LoopbackJetty engine;
  private @Nullable ScheduledExecutorService scheduler;

  private FakePhoneHomeServer() {
    Instant now = Instant.now();
    KeyPair caKeys = CertificateBuilder.newKeyPair(CertificateBuilder.KeyType.EC_P256);
    rootCertificate = CertificateBuilder.builder().subject("CN=phc FakePhoneHomeServer CA").ca(0)
        .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650))).build(caKeys);
    KeyPair serverKeys = CertificateBuilder.newKeyPair(CertificateBuilder.KeyType.EC_P256);
    X509Certificate server = CertificateBuilder.builder().subject("CN=localhost")
        .issuer(rootCertificate, caKeys.getPrivate())
        .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)))
        .dnsName("localhost").ipAddress(InetAddress.getLoopbackAddress()).serverAuth().build(serverKeys);
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", serverKeys.getPrivate(), KEY_PASSWORD, new X509Certificate[] {server, rootCertificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, KEY_PASSWORD);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", rootCertificate);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      clientTrustManager = (X509TrustManager) tmf.getTrustManagers()[0];
      serverSslContext = SSLContext.getInstance("TLS");
      serverSslContext.init(kmf.getKeyManagers(), null, null);
      clientSslContext = SSLContext.getInstance("TLS");
      clientSslContext.init(null, new TrustManager[] {clientTrustManager}, null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the fake server's TLS: " + e.getMessage(), e);
    }
  }

  /** A server, not started. */
  public static FakePhoneHomeServer create() {
    return new FakePhoneHomeServer();
  }

  /** The clock that stamps requests and notifications (set before {@link #start()}). */
  public synchronized FakePhoneHomeServer clock(Clock clock) {
    requireNotStarted();
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Replaces the default authentication (Basic, username = serial, empty password); before {@link #start()}. */
  public synchronized FakePhoneHomeServer authenticator(DeviceAuthenticator authenticator) {
    requireNotStarted();
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    return this;
  }

  /**
   * Behave like another server on the RFC 8572 paths (see {@link FakeServerProfile}); before {@link #start()}.
   * Default {@link FakeServerProfile#PHC}.
   */
  public synchronized FakePhoneHomeServer profile(FakeServerProfile profile) {
    requireNotStarted();
    this.profile = Objects.requireNonNull(profile, "profile");
    return this;
  }

  /**
   * The activation code {@code serial} must send as its HTTP Basic password ({@link FakeServerProfile#SZTPD}),
   * and makes {@code serial} a device the server knows even without a record (it then gets 404).
   */
  public FakePhoneHomeServer activationCode(String serial, String code) {
    activationCodes.put(Objects.requireNonNull(serial, "serial"), Objects.requireNonNull(code, "code"));
    return this;
  }

  /** Binds {@code 127.0.0.1} on an ephemeral port and starts serving HTTPS. */
  public synchronized FakePhoneHomeServer start() {
    requireNotStarted();
    // A test kit server does not throttle the client under test; the sztpd profile checks credentials itself.
    PhoneHomeServer phs = PhoneHomeServer.builder()
        .records(new FakeRecords())
        .authenticator(profile == FakeServerProfile.SZTPD ? SztpdEmulation.ALREADY_CHECKED : authenticator)
        .clock(clock)
        .limits(ServerLimits.DEFAULT.withMaxRequestBodyBytes(MAX_BODY).withNotificationsPerMinute(1_000_000)
            .withAuthFailuresPerMinutePerSource(1_000_000).withAuthFailuresPerMinutePerSerial(1_000_000))
        // sztpd sends conveyed-information only.
        .reportingLevel(profile == FakeServerProfile.SZTPD ? null
            : dev.phonehome.phc.api.model.ReportingLevel.VERBOSE)
        // Every arrival is recorded, duplicates by notification id included (the server stores those once).
        .store(new RecordingStore(InMemoryDeviceStore.create(), notifications))
        .build();
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fake-phs-stall");
      t.setDaemon(true);
      return t;
    });
    LoopbackJetty e = new LoopbackJetty(new FakeHandler(phs.handler(), s), serverSslContext,
        Duration.ofSeconds(30), 32);
    e.start();
    core = phs;
    scheduler = s;
    engine = e;
    return this;
  }

  /** The port (after {@link #start()}). */
  public synchronized int port() {
    if (engine == null) {
      throw new IllegalStateException("not started: call start() first");
    }
    return engine.address().getPort();
  }

  /** {@code https://127.0.0.1:<port>/}, the base URL a client puts in front of the RESTCONF paths. */
  public URI url() {
    return URI.create("https://127.0.0.1:" + port() + "/");
  }

  /** The URL of the Juniper dialect bootstrap resource for {@code serial}. */
  public URI juniperDeviceUrl(String serial) {
    return URI.create("https://127.0.0.1:" + port() + JUNIPER_PREFIX + serial);
  }

  /** An SSLContext that trusts this server (and nothing else). */
  public SSLContext clientSslContext() {
    return clientSslContext;
  }

  /** {@link #clientSslContext()}'s socket factory (for OkHttp: with {@link #clientTrustManager()}). */
  public SSLSocketFactory clientSslSocketFactory() {
    return clientSslContext.getSocketFactory();
  }

  /** A trust manager that trusts this server (and nothing else). */
  public X509TrustManager clientTrustManager() {
    return clientTrustManager;
  }

  /**
   * A {@code PhoneHomeClient.Builder} already pointed at this server and trusting it (and nothing else): add
   * the device, the clock and what the test is about. Needs OkHttp on the test class path
   * ({@code dev.phonehome:phc-client}).
   */
  public PhoneHomeClient.Builder clientBuilder() {
    return PhoneHomeClient.builder()
        .bootstrapServers(url().toString())
        .sslContext(clientSslContext(), clientTrustManager());
  }

  /** The CA certificate that signed this server's certificate (a trust anchor for a client under test). */
  public X509Certificate rootCertificate() {
    return rootCertificate;
  }

  /**
   * A boot image of {@code osVersion} that this server serves itself: 256 KiB of generated bytes named
   * {@code jinstall-ex-4300-<osVersion>-signed.tgz} (a Junos-style name: {@code FakeVirtualChassis} installs that
   * version from it), at {@code https://127.0.0.1:<port>/images/<name>}, with its SHA-256. Put it in a record;
   * the client under test downloads it from here over the TLS it already trusts (with the test kit's default
   * {@code ImageStaging.AGENT_PUSHES}), so no image server is needed. After {@link #start()}.
   */
  public BootImage bootImage(String osVersion) {
    return bootImage("jinstall-ex-4300-" + Objects.requireNonNull(osVersion, "osVersion") + "-signed.tgz", osVersion,
        DEFAULT_IMAGE_SIZE);
  }

  /**
   * A boot image named {@code fileName} of {@code size} generated bytes (streamed when served, never held in
   * memory: a multi-gigabyte image costs no heap), served by this server as {@link #bootImage(String)} is; HTTP
   * range requests resume a download. After {@link #start()}.
   *
   * @throws IllegalArgumentException for a file name other than {@code [A-Za-z0-9._+-]}, 1 to 128 characters, or
   *     a negative size
   */
  public BootImage bootImage(String fileName, String osVersion, long size) {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(osVersion, "osVersion");
    if (!IMAGE_NAME.matcher(fileName).matches()) {
      throw new IllegalArgumentException("image file name \"" + fileName + "\": use [A-Za-z0-9._+-], 1 to 128 characters");
    }
    if (size < 0) {
      throw new IllegalArgumentException("image size " + size + " is negative");
    }
    GeneratedImage image = new GeneratedImage(fileName, size);
    images.put(fileName, image);
    return BootImage.builder().name(fileName).osVersion(osVersion)
        .addDownloadUri(url().resolve(IMAGE_PREFIX.substring(1) + fileName).toString())
        .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_256, image.sha256Hex())).build();
  }

  /**
   * Where a {@code VirtualChassisModel} downloads images from when the device fetches them itself
   * ({@code FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES)}): real HTTPS requests
   * that trust this server (and nothing else), for the images of {@link #bootImage}.
   */
  public VirtualChassisModel.ImageSource imageSource() {
    return uri -> {
      java.net.URLConnection c = URI.create(uri).toURL().openConnection();
      if (c instanceof javax.net.ssl.HttpsURLConnection https) {
        https.setSSLSocketFactory(clientSslSocketFactory());
      }
      c.setConnectTimeout(10_000);
      c.setReadTimeout(10_000);
      return c.getInputStream();
    };
  }

  /** Serves {@code information} to {@code serial} for every bootstrap request that nothing else answers. */
  public FakePhoneHomeServer addRecord(String serial, ConveyedInformation information) {
    records.put(Objects.requireNonNull(serial, "serial"), Objects.requireNonNull(information, "information"));
    return this;
  }

  /** Answers the next bootstrap request (of any serial) with {@code answer}. */
  public FakePhoneHomeServer enqueue(FakeAnswer answer) {
    answers.add(Objects.requireNonNull(answer, "answer"));
    return this;
  }

  /** Routes every request through {@code dispatcher} first; null removes it. */
  public FakePhoneHomeServer dispatcher(@Nullable FakeDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    return this;
  }

  /** The next request received, waiting up to 10 s. @throws AssertionError when none arrives */
  public RecordedRequest takeRequest() throws InterruptedException {
    RecordedRequest r = takeRequest(DEFAULT_TAKE_TIMEOUT);
    if (r == null) {
      throw new AssertionError("no request within " + DEFAULT_TAKE_TIMEOUT);
    }
    return r;
  }

  /** The next request received, or null when none arrives within {@code timeout}. */
  public @Nullable RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The next stored notification, waiting up to 10 s. @throws AssertionError when none arrives */
  public DeviceNotification takeNotification() throws InterruptedException {
    DeviceNotification n = takeNotification(DEFAULT_TAKE_TIMEOUT);
    if (n == null) {
      throw new AssertionError("no notification within " + DEFAULT_TAKE_TIMEOUT);
    }
    return n;
  }

  /** The next stored notification, or null when none arrives within {@code timeout}. */
  public @Nullable DeviceNotification takeNotification(Duration timeout) throws InterruptedException {
    return notifications.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many requests arrived so far. */
  public int requestCount() {
    return sequence.get();
  }

  /** Device states and timelines, as {@code PhoneHomeServer} keeps them (after {@link #start()}). */
  public synchronized ProgressQuery progress() {
    if (core == null) {
      throw new IllegalStateException("not started: call start() first");
    }
    return core.progress();
  }

  @Override
  public synchronized void close() {
    if (engine != null) {
      engine.close();
      engine = null;
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  private void requireNotStarted() {
    if (engine != null) {
      throw new IllegalStateException("already started");
    }
  }

  /** Records from {@link #addRecord}, or the answer being served right now on this thread. */
  private final class FakeRecords implements ProvisioningRecords {
    @Override
    public Optional<ProvisioningRecord> find(String serialNumber) {
      ConveyedInformation o = override.get();
      if (o != null) {
        return Optional.of(ProvisioningRecord.of(serialNumber, o));
      }
      ConveyedInformation r = records.get(serialNumber);
      return r == null ? Optional.empty() : Optional.of(ProvisioningRecord.of(serialNumber, r));
    }
  }

  private final class FakeHandler extends Handler.Abstract {
    private final PhoneHomeHandler core;
    private final ScheduledExecutorService scheduler;
    private final SztpdEmulation sztpd = new SztpdEmulation(records, activationCodes);

    FakeHandler(PhoneHomeHandler core, ScheduledExecutorService scheduler) {
      this.core = core;
      this.scheduler = scheduler;
    }

    @Override
    public boolean handle(Request req, Response resp, Callback callback) throws IOException {
      String rawPath = req.getHttpURI().getPath();
      if (rawPath != null && rawPath.startsWith(IMAGE_PREFIX)) {
        serveImage(images.get(rawPath.substring(IMAGE_PREFIX.length())), req, resp, callback);
        return true;
      }
      byte[] body = readUpTo(Content.Source.asInputStream(req), MAX_BODY + 1);
      ServerRequest request = LoopbackJetty.toServerRequest(req, body);
      RecordedRequest recorded = record(request, body);

      FakeDispatcher d = dispatcher;
      FakeAnswer answer = d == null ? null : d.dispatch(recorded);
      if (answer == null && recorded.kind() == RecordedRequest.Kind.BOOTSTRAP) {
        answer = answers.poll();
      }
      requests.add(recorded);
      EndPoint endPoint = req.getConnectionMetaData().getConnection().getEndPoint();
      if (profile == FakeServerProfile.SZTPD && recorded.dialect() == Dialect.RFC8572
          && (answer == null || answer instanceof FakeAnswer.Bootstrap)) {
        ConveyedInformation enqueued = answer instanceof FakeAnswer.Bootstrap b ? b.information() : null;
        LoopbackJetty.write(sztpd.handle(request, body, enqueued, r -> serve(r, enqueued)), resp, callback);
      } else if (answer == null) {
        ConveyedInformation placeholder = recorded.kind() == RecordedRequest.Kind.NOTIFICATION
            && recorded.serialNumber() != null && !records.containsKey(recorded.serialNumber())
            ? OnboardingInformation.builder().build() : null;
        LoopbackJetty.write(serve(request, placeholder), resp, callback);
      } else if (answer instanceof FakeAnswer.Bootstrap a) {
        LoopbackJetty.write(serve(request, a.information()), resp, callback);
      } else if (answer instanceof FakeAnswer.HttpError e) {
        LoopbackJetty.write(ServerResponse.restconfError(e.status(), encodingOf(request), errorTag(e.status()),
            "FakeAnswer.HttpError(" + e.status() + ")"), resp, callback);
      } else if (answer instanceof FakeAnswer.CloseConnection) {
        endPoint.close();
        callback.failed(new IOException("FakeAnswer.CloseConnection"));
      } else if (answer instanceof FakeAnswer.Stall s) {
        scheduler.schedule(() -> {
          endPoint.close();
          callback.failed(new IOException("FakeAnswer.Stall"));
        }, s.duration().toNanos(), TimeUnit.NANOSECONDS);
      } else if (answer instanceof FakeAnswer.TruncatedBody t) {
        ServerResponse full = serve(request, t.information());
        byte[] fullBody = full.body();
        int n = Math.min(t.bytesSent(), fullBody.length);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(full.status()).append(" OK\r\n");
        full.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(fullBody.length).append("\r\nConnection: close\r\n\r\n");
        endPoint.write(Callback.from(() -> {
          endPoint.close();
          callback.failed(new IOException("FakeAnswer.TruncatedBody"));
        }, x -> {
          endPoint.close();
          callback.failed(x);
        }), ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)), ByteBuffer.wrap(fullBody, 0, n));
      }
      return true;
    }

    private ServerResponse serve(ServerRequest request, @Nullable ConveyedInformation info) {
      override.set(info);
      try {
        return core.handle(request);
      } finally {
        override.remove();
      }
    }
  }

  /** GET (or HEAD) of a generated image, whole or from a {@code Range: bytes=N-} offset; streamed. */
  private static void serveImage(@Nullable GeneratedImage image, Request req, Response resp, Callback callback) {
    if (image == null || !(req.getMethod().equals("GET") || req.getMethod().equals("HEAD"))) {
      resp.setStatus(image == null ? 404 : 405);
      resp.write(true, null, callback);
      return;
    }
    long from = 0;
    String range = req.getHeaders().get("Range");
    java.util.regex.Matcher m = range == null ? null
        : java.util.regex.Pattern.compile("bytes=(\\d{1,18})-").matcher(range.strip());
    if (m != null && m.matches()) {
      from = Long.parseLong(m.group(1));
      if (from >= image.size() && image.size() > 0) {
        resp.setStatus(416);
        resp.getHeaders().put("Content-Range", "bytes */" + image.size());
        resp.write(true, null, callback);
        return;
      }
      resp.setStatus(206);
      resp.getHeaders().put("Content-Range", "bytes " + from + "-" + (image.size() - 1) + "/" + image.size());
    } else {
      resp.setStatus(200);
    }
    resp.getHeaders().put("Content-Type", "application/octet-stream");
    resp.getHeaders().put("Accept-Ranges", "bytes");
    resp.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH, image.size() - from);
    if (req.getMethod().equals("HEAD")) {
      resp.write(true, null, callback);
      return;
    }
    try (java.io.OutputStream out = Content.Sink.asOutputStream(resp)) {
      image.writeTo(out, from);
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
      return;
    }
    callback.succeeded();
  }

  /**
   * An image's bytes, generated from its name: byte {@code p} is a fixed function of (name, p), so any range is
   * produced without storing anything; its SHA-256 is computed once, streaming.
   */
  private static final class GeneratedImage {
    private final String fileName;
    private final long size;
    private final long seed;
    private final String sha256Hex;

    GeneratedImage(String fileName, long size) {
      this.fileName = fileName;
      this.size = size;
      this.seed = mix(fileName.hashCode() * 0x9E3779B97F4A7C15L + size);
      try {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        writeTo(new java.io.OutputStream() {
          @Override
          public void write(int b) {
            sha.update((byte) b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            sha.update(b, off, len);
          }
        }, 0);
        this.sha256Hex = java.util.HexFormat.of().formatHex(sha.digest());
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot digest the generated image " + fileName + ": " + e.getMessage(), e);
      }
    }

    long size() {
      return size;
    }

    String sha256Hex() {
      return sha256Hex;
    }

    void writeTo(java.io.OutputStream out, long from) throws IOException {
      byte[] buf = new byte[64 * 1024];
      long p = from;
      while (p < size) {
        int n = (int) Math.min(buf.length, size - p);
        long word = mix(seed ^ (p >>> 3));
        for (int i = 0; i < n; i++) {
          long q = p + i;
          if (i > 0 && (q & 7) == 0) {
            word = mix(seed ^ (q >>> 3));
          }
          buf[i] = (byte) (word >>> (8 * (q & 7)));
        }
        out.write(buf, 0, n);
        p += n;
      }
    }

    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
      return fileName + " (" + size + " bytes)";
    }
  }

  private RecordedRequest record(ServerRequest request, byte[] body) {
    String path = request.rawPath();
    RecordedRequest.Kind kind = RecordedRequest.Kind.OTHER;
    Dialect dialect = null;
    String serial = null;
    if (path.startsWith(JUNIPER_PREFIX)) {
      dialect = Dialect.JUNIPER;
      String rest = path.substring(JUNIPER_PREFIX.length());
      int slash = rest.indexOf('/');
      serial = slash < 0 ? rest : rest.substring(0, slash);
      String sub = slash < 0 ? null : rest.substring(slash + 1);
      kind = sub == null ? RecordedRequest.Kind.BOOTSTRAP
          : sub.equals("notification") ? RecordedRequest.Kind.NOTIFICATION : RecordedRequest.Kind.OTHER;
    } else if (path.equals(PhoneHomeHandler.GET_BOOTSTRAPPING_DATA_PATH) || path.equals(PhoneHomeHandler.REPORT_PROGRESS_PATH)) {
      dialect = Dialect.RFC8572;
      serial = basicUsername(request.header("Authorization"));
      kind = path.equals(PhoneHomeHandler.GET_BOOTSTRAPPING_DATA_PATH) ? RecordedRequest.Kind.BOOTSTRAP
          : RecordedRequest.Kind.NOTIFICATION;
    }
    return new RecordedRequest(kind, dialect, serial, request.method(), path, request.headers(), body,
        clock.instant(), sequence.getAndIncrement());
  }

  private static @Nullable String basicUsername(@Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String s = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      return colon < 0 ? s : s.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Encoding encodingOf(ServerRequest request) {
    String accept = request.header("Accept");
    String ct = request.header("Content-Type");
    String s = accept != null ? accept : ct;
    return s != null && s.contains("json") ? Encoding.JSON : Encoding.XML;
  }

  private static byte[] readUpTo(InputStream in, int max) throws IOException {
    byte[] buf = in.readNBytes(max);
    return buf;
  }

  /** The notifications received so far, oldest first, without taking them. */
  public List<DeviceNotification> notifications() {
    return List.copyOf(notifications);
  }

  /**
   * The notifications received so far as a server that de-duplicates by notification id stores them: the first
   * arrival of each (serial, id) pair, oldest first; notifications without an id are all kept. A client that
   * resends after a lost answer or a crash shows up once here and more than once in {@link #notifications()}.
   */
  public List<DeviceNotification> distinctNotifications() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<DeviceNotification> out = new java.util.ArrayList<>();
    for (DeviceNotification n : notifications) {
      var id = n.report().notificationId();
      if (id == null || seen.add(n.serialNumber() + " " + id)) {
        out.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** The server's in-memory store, recording every notification that arrives, stored or a duplicate. */
  private static final class RecordingStore implements DeviceStore {
    private final DeviceStore delegate;
    private final BlockingQueue<DeviceNotification> arrivals;

    RecordingStore(DeviceStore delegate, BlockingQueue<DeviceNotification> arrivals) {
      this.delegate = delegate;
      this.arrivals = arrivals;
    }

    @Override
    public void recordSighting(Sighting sighting) {
      delegate.recordSighting(sighting);
    }

    @Override
    public AppendResult append(List<DeviceNotification> batch, @Nullable String sourceAddress) {
      AppendResult r = delegate.append(batch, sourceAddress);
      arrivals.addAll(batch);
      return r;
    }

    @Override
    public DeviceStatus status(String serialNumber) {
      return delegate.status(serialNumber);
    }

    @Override
    public List<DeviceStatus> devices() {
      return delegate.devices();
    }

    @Override
    public List<DeviceStatus> unclaimed() {
      return delegate.unclaimed();
    }

    @Override
    public List<DeviceNotification> timeline(String serialNumber) {
      return delegate.timeline(serialNumber);
    }

    @Override
    public List<ReportedMember> members(String serialNumber) {
      return delegate.members(serialNumber);
    }

    @Override
    public FeedPage feed(FeedCursor after, int limit) {
      return delegate.feed(after, limit);
    }
  }
  /** The RESTCONF error-tag RFC 8040 section 7 pairs with a status code (the first listed when several are). */
  static String errorTag(int status) {
    return switch (status) {
      case 401, 403 -> "access-denied";
      case 405, 501 -> "operation-not-supported";
      case 409 -> "resource-denied";
      case 412 -> "operation-failed";
      case 413 -> "too-big";
      default -> status >= 500 ? "operation-failed" : "invalid-value";
    };
  }
}
