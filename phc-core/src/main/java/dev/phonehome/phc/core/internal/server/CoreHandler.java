package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.AuthResult;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.api.server.DeviceCredentials;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConstraintViolation;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.MediaTypes;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.server.CompatibilityProfile;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import dev.phonehome.phc.core.trust.ConveyedInformationSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-neutral server core: routing of both dialects (SPEC 2.1 and 2.2), authentication and
 * authorisation, limits, record lookup with cached encodings, progress storage.
 */
public final class CoreHandler implements PhoneHomeHandler {
  private static final Logger log = LoggerFactory.getLogger(CoreHandler.class);

  public static final String JUNIPER_DEVICE_PREFIX =
      "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  public static final String RFC_OPERATIONS_PREFIX = "/restconf/operations/";
  public static final String GET_BOOTSTRAPPING_DATA =
      RFC_OPERATIONS_PREFIX + "ietf-sztp-bootstrap-server:get-bootstrapping-data";
  public static final String REPORT_PROGRESS = RFC_OPERATIONS_PREFIX + "ietf-sztp-bootstrap-server:report-progress";
  private static final String JUNIPER_XML_LEGACY = "application/yang.data+xml";
  /** Retry-After of the 503 a device gets when its notification could not be stored. */
  static final long STORE_RETRY_AFTER_SECONDS = 5;

  private final ProvisioningRecords records;
  private final DeviceAuthenticator authenticator;
  private final ProgressStore progress;
  private final @Nullable ConveyedInformationSigner signer;
  private final @Nullable ReportingLevel reportingLevel;
  private final ServerLimits limits;
  private final CodecLimits codecLimits;
  private final Semaphore inFlight;
  private final ConcurrentHashMap<String, CachedAnswer> answers = new ConcurrentHashMap<>();
  /** Failed authentications per source ("src:ADDR") and per claimed serial ("sn:SERIAL"). */
  private final RateLimits authFailures;
  /** Notifications per device serial. */
  private final RateLimits notificationRate;
  private final java.util.function.Function<String, CompatibilityProfile> profiles;

  public CoreHandler(ProvisioningRecords records, DeviceAuthenticator authenticator, ProgressStore progress,
      @Nullable ConveyedInformationSigner signer, @Nullable ReportingLevel reportingLevel, ServerLimits limits) {
    this(records, authenticator, progress, signer, reportingLevel, limits, Clock.systemUTC());
  }

  /** @param clock the clock of the rate limits (failed authentications, notifications per device) */
  public CoreHandler(ProvisioningRecords records, DeviceAuthenticator authenticator, ProgressStore progress,
      @Nullable ConveyedInformationSigner signer, @Nullable ReportingLevel reportingLevel, ServerLimits limits,
      Clock clock) {
    this(records, authenticator, progress, signer, reportingLevel, limits, clock,
        serial -> CompatibilityProfile.RFC8572);
  }

  /** @param profiles the compatibility profile of each serial (RFC 8572 dialect) */
  public CoreHandler(ProvisioningRecords records, DeviceAuthenticator authenticator, ProgressStore progress,
      @Nullable ConveyedInformationSigner signer, @Nullable ReportingLevel reportingLevel, ServerLimits limits,
      Clock clock, java.util.function.Function<String, CompatibilityProfile> profiles) {
    this.profiles = profiles;
    this.authFailures = new RateLimits(clock);
    this.notificationRate = new RateLimits(clock);
    this.records = records;
    this.authenticator = authenticator;
    this.progress = progress;
    this.signer = signer;
    this.reportingLevel = reportingLevel;
    this.limits = limits;
    this.codecLimits = new CodecLimits(limits.maxRequestBodyBytes(), limits.maxRequestBodyBytes());
    this.inFlight = new Semaphore(limits.maxConcurrentRequests());
  }

  @Override
  public ServerResponse handle(ServerRequest request) {
    if (!inFlight.tryAcquire()) {
      // RFC 8040 maps resource-denied to 409; an overloaded server is an operation that failed, retry later.
      return error(503, errorEncoding(request), "operation-failed", "too many requests in progress; retry later",
          Map.of("Retry-After", "1"));
    }
    try {
      return route(request);
    } catch (HttpError e) {
      return errorWithPath(e.status, e.encoding, e.tag, e.getMessage(), e.path, e.headers);
    } catch (RuntimeException e) {
      log.error("internal error handling {}", request, e);
      return error(500, errorEncoding(request), "operation-failed", "internal error", Map.of());
    } finally {
      inFlight.release();
    }
  }

  private ServerResponse route(ServerRequest request) {
    String path = request.rawPath();
    if (path.startsWith(JUNIPER_DEVICE_PREFIX)) {
      return juniper(request, path.substring(JUNIPER_DEVICE_PREFIX.length()));
    }
    if (path.startsWith(RFC_OPERATIONS_PREFIX)) {
      Encoding enc = errorEncoding(request);
      if (path.equals(GET_BOOTSTRAPPING_DATA) || path.equals(REPORT_PROGRESS)) {
        requireMethod(request, "POST", enc);
        responseEncoding(request);
        return path.equals(GET_BOOTSTRAPPING_DATA) ? getBootstrappingData(request) : reportProgress(request);
      }
      throw new HttpError(404, enc, "invalid-value",
          "unknown operation '" + Serials.printable(path.substring(RFC_OPERATIONS_PREFIX.length())) + "'", null);
    }
    throw new HttpError(404, errorEncoding(request), "invalid-value",
        "no such resource '" + Serials.printable(path) + "'", null);
  }

  // ---- Juniper dialect (SPEC 2.1) ------------------------------------------------------------------------

  private ServerResponse juniper(ServerRequest request, String rest) {
    int slash = rest.indexOf('/');
    String rawKey = slash < 0 ? rest : rest.substring(0, slash);
    String sub = slash < 0 ? null : rest.substring(slash + 1);
    String serial = Serials.decodeKey(rawKey).orElseThrow(() -> new HttpError(400, Encoding.XML, "invalid-value",
        "device key is not a valid serial number: '" + Serials.printable(rawKey) + "'", null));
    if (sub == null) {
      requireMethod(request, "GET", Encoding.XML);
      return juniperBootstrap(request, serial);
    }
    if (sub.equals("notification")) {
      requireMethod(request, "POST", Encoding.XML);
      return juniperNotification(request, serial);
    }
    throw new HttpError(404, Encoding.XML, "invalid-value",
        "no such resource under device '" + serial + "': '" + Serials.printable(sub) + "'", null);
  }

  private ServerResponse juniperBootstrap(ServerRequest request, String serial) {
    String accept = request.header("Accept");
    boolean legacy = accept != null && accept.toLowerCase(Locale.ROOT).contains(JUNIPER_XML_LEGACY);
    if (MediaTypes.negotiate(accept, EnumSet.of(Encoding.XML), Encoding.XML).isEmpty()) {
      throw new HttpError(406, Encoding.XML, "invalid-value",
          "the Juniper dialect answers application/yang-data+xml only; Accept was '" + Serials.printable(accept)
              + "'", null);
    }
    authorize(request, serial, Encoding.XML);
    ProvisioningRecord record = findForBootstrap(request, serial, Encoding.XML, Dialect.JUNIPER);
    String contentType = legacy ? JUNIPER_XML_LEGACY : Encoding.XML.mediaType();
    String key = "J|" + contentType;
    Bytes own = record.juniperDocument();
    // The administrator's own <device> document is served as written: every element, known to the model or not.
    ServerResponse response = cached(record, key, () -> ServerResponse.of(200, contentType,
        own != null ? own.toByteArray()
            : JuniperXmlCodec.encodeDevice(new JuniperDevice(serial, record.conveyedInformation())), Map.of()));
    progress.recordRequest(serial, Dialect.JUNIPER, request.remoteAddress());
    return response;
  }

  private ServerResponse juniperNotification(ServerRequest request, String serial) {
    authorize(request, serial, Encoding.XML);
    // An unclaimed serial has nothing to report about; refuse rather than grow the store for strangers.
    findRecord(serial, Encoding.XML);
    byte[] body = readBody(request, Encoding.XML);
    List<ProgressReport> reports;
    try {
      reports = JuniperXmlCodec.decodeNotifications(new ByteArrayInputStream(body), codecLimits);
    } catch (PhcProtocolException e) {
      throw malformed(e, Encoding.XML);
    }
    if (reports.isEmpty()) {
      throw new HttpError(400, Encoding.XML, "missing-element", "the notification has no notification-type",
          ErrorPaths.juniper("/notification/notification-type"));
    }
    if (reports.size() > limits.maxNotificationsPerRequest()) {
      throw new HttpError(413, Encoding.XML, "too-big", "the request carries " + reports.size()
          + " notifications; at most " + limits.maxNotificationsPerRequest() + " per request", null);
    }
    store(request, serial, Dialect.JUNIPER, bounded(reports), Encoding.XML);
    return ServerResponse.empty(204);
  }

  // ---- RFC 8572 dialect (SPEC 2.2) -----------------------------------------------------------------------

  private CompatibilityProfile profileOf(String serial) {
    CompatibilityProfile p = profiles.apply(serial);
    return p == null ? CompatibilityProfile.RFC8572 : p;
  }

  /** The opiproject sztp agent's error structure has no error-path (and refuses unknown members). */
  private static HttpError forProfile(HttpError e, CompatibilityProfile profile) {
    return profile == CompatibilityProfile.OPI_SZTP_AGENT && e.path != null
        ? new HttpError(e.status, e.encoding, e.tag, e.getMessage(), null, e.headers) : e;
  }

  private ServerResponse getBootstrappingData(ServerRequest request) {
    Encoding out = responseEncoding(request);
    String serial = authenticate(request, null, out);
    CompatibilityProfile profile = profileOf(serial);
    try {
      return getBootstrappingData(request, serial, out, profile);
    } catch (HttpError e) {
      throw forProfile(e, profile);
    }
  }

  private ServerResponse getBootstrappingData(ServerRequest request, String serial, Encoding out,
      CompatibilityProfile profile) {
    byte[] body = readBody(request, out);
    Encoding in = requestEncoding(request, body, out);
    BootstrapRequest input;
    try {
      input = body.length == 0 ? BootstrapRequest.of(serial)
          : Rfc8572Codec.decodeBootstrapRequest(new ByteArrayInputStream(body), in, serial, codecLimits);
    } catch (PhcProtocolException e) {
      throw badInput(e, in, out);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, out, "invalid-value", e.getMessage(), ErrorPaths.rfc8572("/input", out));
    }
    ProvisioningRecord record = findForBootstrap(request, serial, out, Dialect.RFC8572);
    if (input.signedDataPreferred() && signer == null
        && !(record.conveyedInformation() instanceof dev.phonehome.phc.api.model.RedirectInformation)) {
      // RFC 8572 section 7: with signed-data-preferred the server MUST return signed data or unsigned redirect
      // information, never unsigned onboarding information. Without a signer there is no such answer here.
      throw new HttpError(501, out, "operation-not-supported", "signed-data-preferred: this server cannot sign"
          + " onboarding information and must not send it unsigned (RFC 8572 section 7); try another server",
          null);
    }
    ServerResponse response;
    if (profile == CompatibilityProfile.OPI_SZTP_AGENT) {
      response = cached(record, "R|OPI", () -> {
        ConveyedInformation info = OpiSztpAgent.adapt(record);
        byte[] document = Rfc8572Codec.encodeConveyedInformation(info, Encoding.JSON);
        BootstrappingData data = new BootstrappingData(null,
            ConveyedInformationCms.wrapUnsigned(document, Encoding.JSON), null, null);
        return ServerResponse.of(200, Encoding.JSON.mediaType(),
            Rfc8572Codec.encodeBootstrappingData(data, Encoding.JSON), Map.of());
      });
    } else if (signer != null) {
      byte[] document = cachedDocument(record, out);
      Bytes nonce = input.nonce();
      BootstrappingData data = signer.bootstrappingData(record, document, out, reportingLevel,
          nonce == null ? null : nonce.toByteArray());
      response = ServerResponse.of(200, out.mediaType(), Rfc8572Codec.encodeBootstrappingData(data, out), Map.of());
    } else {
      response = cached(record, "R|" + out, () -> {
        byte[] document = Rfc8572Codec.encodeConveyedInformation(record.conveyedInformation(), out);
        BootstrappingData data = new BootstrappingData(reportingLevel,
            ConveyedInformationCms.wrapUnsigned(document, out), null, null);
        return ServerResponse.of(200, out.mediaType(), Rfc8572Codec.encodeBootstrappingData(data, out), Map.of());
      });
    }
    progress.recordRequest(serial, Dialect.RFC8572, request.remoteAddress());
    return response;
  }

  private ServerResponse reportProgress(ServerRequest request) {
    Encoding out = responseEncoding(request);
    String serial = authenticate(request, null, out);
    CompatibilityProfile profile = profileOf(serial);
    try {
      return reportProgress(request, serial, out, profile);
    } catch (HttpError e) {
      throw forProfile(e, profile);
    }
  }

  private ServerResponse reportProgress(ServerRequest request, String serial, Encoding out,
      CompatibilityProfile profile) {
    boolean opi = profile == CompatibilityProfile.OPI_SZTP_AGENT;
    findRecord(serial, out);
    byte[] body = readBody(request, out);
    Encoding in = requestEncoding(request, body, out);
    if (body.length == 0) {
      throw new HttpError(400, out, "missing-element", "report-progress needs its input (progress-type is"
          + " mandatory)", ErrorPaths.rfc8572("/input", out));
    }
    ProgressReport report;
    try {
      report = Rfc8572Codec.decodeReportProgress(new ByteArrayInputStream(body), in, codecLimits, !opi);
    } catch (PhcProtocolException e) {
      throw badInput(e, in, out);
    }
    store(request, serial, Dialect.RFC8572, bounded(List.of(report)), out);
    // RFC 8040: an operation without output answers 204; the opiproject agent wants exactly 200.
    return ServerResponse.empty(opi ? 200 : 204);
  }

  // ---- shared steps --------------------------------------------------------------------------------------

  /**
   * Stores a request's notifications; the device gets its 2xx only after this returns (they are committed).
   * A notification id already stored for this serial is a duplicate: not stored again, still answered 2xx.
   * When the store fails the device gets 503 with Retry-After and keeps the notifications queued.
   */
  private void store(ServerRequest request, String serial, Dialect dialect, List<ProgressReport> reports,
      Encoding enc) {
    Duration wait = notificationRate.tryTake(serial, reports.size(), limits.notificationsPerMinute());
    if (!wait.isZero()) {
      throw new HttpError(429, enc, "operation-failed", "device '" + serial + "' sent more than "
          + limits.notificationsPerMinute() + " notifications in a minute; nothing stored, send again later", null,
          Map.of("Retry-After", Long.toString(seconds(wait))));
    }
    try {
      progress.recordNotifications(serial, dialect, request.remoteAddress(), reports);
    } catch (PhcStoreException e) {
      log.error("notification(s) of {} not stored; answered 503 (the device sends them again)", serial, e);
      throw new HttpError(503, enc, "operation-failed",
          "the notification could not be stored; send it again later", null,
          Map.of("Retry-After", Long.toString(STORE_RETRY_AFTER_SECONDS)));
    }
  }

  /** Messages cut to {@link ServerLimits#maxMessageLength()}, with a marker saying how long they were. */
  private List<ProgressReport> bounded(List<ProgressReport> reports) {
    int max = limits.maxMessageLength();
    List<ProgressReport> out = new java.util.ArrayList<>(reports.size());
    for (ProgressReport r : reports) {
      String m = r.message();
      if (m != null && m.length() > max) {
        String marker = " ...[cut, " + m.length() + " characters]";
        int keep = max - marker.length();
        if (keep > 0 && Character.isHighSurrogate(m.charAt(keep - 1))) {
          keep--;
        }
        r = r.toBuilder().message(m.substring(0, keep) + marker).build();
      }
      out.add(r);
    }
    return out;
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  /** Finds the record for a bootstrap request; a serial without one is recorded in the unclaimed inbox. */
  private ProvisioningRecord findForBootstrap(ServerRequest request, String serial, Encoding enc, Dialect dialect) {
    try {
      return findRecord(serial, enc);
    } catch (HttpError e) {
      if (e.status == 404) {
        progress.recordUnclaimed(serial, dialect, request.remoteAddress());
      }
      throw e;
    }
  }

  private void authorize(ServerRequest request, String requestedSerial, Encoding enc) {
    String serial = authenticate(request, requestedSerial, enc);
    if (!serial.equals(requestedSerial)) {
      // Never data, and not even whether the other serial exists.
      throw new HttpError(403, enc, "access-denied",
          "device '" + serial + "' may not access device '" + requestedSerial + "'", null);
    }
  }

  private String authenticate(ServerRequest request, @Nullable String requestedSerial, Encoding enc) {
    String user = null;
    String password = null;
    String authorization = request.header("Authorization");
    String source = request.remoteAddress();
    if (authorization != null) {
      String[] basic = parseBasic(authorization);
      if (basic == null) {
        throttle(source, null, enc);
        failed(source, null);
        throw unauthorized(enc, "Authorization is not HTTP Basic with base64 'serial:password'");
      }
      user = basic[0];
      password = basic[1];
    }
    String claimed = requestedSerial != null ? requestedSerial : user;
    throttle(source, claimed, enc);
    Dialect dialect = requestedSerial != null ? Dialect.JUNIPER : Dialect.RFC8572;
    AuthResult result;
    try {
      result = authenticator.authenticate(new DeviceCredentials(requestedSerial, user, password,
          request.peerCertificates(), dialect, source));
    } catch (RuntimeException e) {
      log.error("device authenticator failed for {}", request, e);
      throw new HttpError(500, enc, "operation-failed", "authentication failed internally", null);
    }
    if (result instanceof AuthResult.Authenticated a) {
      if (!Serials.isValid(a.serialNumber())) {
        throw new HttpError(400, enc, "invalid-value",
            "credentials name an invalid serial number: '" + Serials.printable(a.serialNumber()) + "'", null);
      }
      return a.serialNumber();
    }
    AuthResult.Rejected r = (AuthResult.Rejected) result;
    failed(source, claimed);
    if (r.httpStatus() == 401) {
      throw unauthorized(enc, r.reason());
    }
    throw new HttpError(r.httpStatus() == 404 ? 404 : 403, enc, "access-denied", r.reason(), null);
  }

  /**
   * 429 before any credential is looked at when the source address or the claimed serial has failed to
   * authenticate too often this minute (brute force of a device secret, from one address or many).
   */
  private void throttle(@Nullable String source, @Nullable String claimed, Encoding enc) {
    Duration bySource = source == null ? Duration.ZERO
        : authFailures.blockedFor("src:" + source, limits.authFailuresPerMinutePerSource());
    Duration bySerial = claimed == null ? Duration.ZERO
        : authFailures.blockedFor("sn:" + claimed, limits.authFailuresPerMinutePerSerial());
    Duration wait = bySource.compareTo(bySerial) >= 0 ? bySource : bySerial;
    if (!wait.isZero()) {
      String who = bySource.compareTo(bySerial) >= 0 ? "from " + source
          : "for serial '" + Serials.printable(claimed) + "'";
      throw new HttpError(429, enc, "access-denied", "too many failed authentications " + who
          + "; retry in " + seconds(wait) + " s", null, Map.of("Retry-After", Long.toString(seconds(wait))));
    }
  }

  private void failed(@Nullable String source, @Nullable String claimed) {
    if (source != null) {
      authFailures.count("src:" + source, 1);
    }
    if (claimed != null) {
      authFailures.count("sn:" + claimed, 1);
    }
  }

  private static HttpError unauthorized(Encoding enc, String reason) {
    return new HttpError(401, enc, "access-denied", reason, null,
        Map.of("WWW-Authenticate", "Basic realm=\"phone-home\", charset=\"UTF-8\""));
  }

  private static String @Nullable [] parseBasic(String header) {
    String h = header.strip();
    if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? new String[] {decoded, ""}
        : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private ProvisioningRecord findRecord(String serial, Encoding enc) {
    Optional<ProvisioningRecord> record;
    try {
      record = records.find(serial);
    } catch (PhcProtocolException | java.io.UncheckedIOException e) {
      // A broken record (the message names the file, line and field): one line; the stack trace is for DEBUG.
      log.error("provisioning record for '{}' cannot be read (answered 500): {}", serial,
          e instanceof java.io.UncheckedIOException u ? u.getMessage() + ": " + u.getCause() : e.getMessage());
      log.debug("provisioning record for '{}' cannot be read", serial, e);
      throw new HttpError(500, enc, "operation-failed",
          "the provisioning record for '" + serial + "' cannot be read; see the server log", null);
    } catch (RuntimeException e) {
      log.error("provisioning record for '{}' cannot be read", serial, e);
      throw new HttpError(500, enc, "operation-failed",
          "the provisioning record for '" + serial + "' cannot be read; see the server log", null);
    }
    return record.orElseThrow(() -> new HttpError(404, enc, "invalid-value",
        "serial number '" + serial + "' is not claimed on this server", null));
  }

  private byte[] readBody(ServerRequest request, Encoding enc) {
    long max = limits.maxRequestBodyBytes();
    if (request.contentLength() > max) {
      throw tooBig(enc, request.contentLength(), max);
    }
    InputStream in = request.body();
    int cap = request.contentLength() >= 0 ? (int) request.contentLength() : 1024;
    byte[] buf = new byte[Math.max(cap, 16)];
    int n = 0;
    try {
      while (true) {
        if (n == buf.length) {
          if (buf.length > max) {
            throw tooBig(enc, -1, max);
          }
          buf = java.util.Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, max + 1));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
        if (n > max) {
          throw tooBig(enc, -1, max);
        }
      }
    } catch (IOException e) {
      throw new HttpError(400, enc, "malformed-message", "request body could not be read: " + e.getMessage(), null);
    }
    return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
  }

  private static HttpError tooBig(Encoding enc, long declared, long max) {
    return new HttpError(413, enc, "too-big", "request body "
        + (declared >= 0 ? "of " + declared + " bytes " : "") + "is larger than the limit of " + max + " bytes", null);
  }

  /** A Juniper dialect body that does not parse or breaks a rule. */
  private static HttpError malformed(PhcProtocolException e, Encoding enc) {
    String tag = e instanceof ConstraintViolation c ? c.errorTag() : "malformed-message";
    return new HttpError(400, enc, tag, e.detail(), ErrorPaths.juniper(e.path()));
  }

  /**
   * An RFC 8572 input that does not parse ({@code malformed-message}) or breaks a YANG rule
   * ({@code invalid-value}, {@code missing-element}); the message names the problem once, the error-path names
   * the node as an instance-identifier in the answer's encoding.
   */
  private static HttpError badInput(PhcProtocolException e, Encoding in, Encoding out) {
    String tag = e instanceof ConstraintViolation c ? c.errorTag() : "malformed-message";
    return new HttpError(400, out, tag, e.detail(), ErrorPaths.rfc8572(e.path(), out));
  }

  private static void requireMethod(ServerRequest request, String method, Encoding enc) {
    if (!request.method().equals(method)) {
      throw new HttpError(405, enc, "operation-not-supported",
          "method " + Serials.printable(request.method()) + " is not allowed here; use " + method, null,
          Map.of("Allow", method));
    }
  }

  /**
   * The encoding of a request body: its Content-Type (RFC 8040 section 5.2: required when there is a body,
   * else 415). An empty body needs none.
   */
  private static Encoding requestEncoding(ServerRequest request, byte[] body, Encoding out) {
    String ct = request.header("Content-Type");
    if (ct == null) {
      if (body.length == 0) {
        return out;
      }
      throw new HttpError(415, out, "invalid-value", "a request body needs a Content-Type:"
          + " application/yang-data+json or application/yang-data+xml (RFC 8040 section 5.2)", null);
    }
    return MediaTypes.encodingOf(ct).orElseThrow(() -> new HttpError(415, out, "invalid-value",
        "unsupported Content-Type '" + Serials.printable(ct) + "'; use application/yang-data+json or +xml", null));
  }

  /**
   * The encoding of the answer (RFC 8040 section 5.2): what Accept asks for, else the request's Content-Type,
   * else XML; 406 when Accept admits neither JSON nor XML.
   */
  private static Encoding responseEncoding(ServerRequest request) {
    Encoding preferred = MediaTypes.encodingOf(request.header("Content-Type")).orElse(Encoding.XML);
    String accept = request.header("Accept");
    return MediaTypes.negotiate(accept, EnumSet.allOf(Encoding.class), preferred).orElseThrow(() -> new HttpError(
        406, preferred, "invalid-value", "Accept '" + Serials.printable(accept) + "' admits neither"
            + " application/yang-data+json nor application/yang-data+xml", null));
  }

  /** Errors follow Accept when it names JSON or XML, else the request's Content-Type, else XML. */
  private static Encoding errorEncoding(ServerRequest request) {
    Encoding preferred = MediaTypes.encodingOf(request.header("Content-Type")).orElse(Encoding.XML);
    return MediaTypes.negotiate(request.header("Accept"), EnumSet.allOf(Encoding.class), preferred).orElse(preferred);
  }

  // ---- caching -------------------------------------------------------------------------------------------

  private ServerResponse cached(ProvisioningRecord record, String variant, java.util.function.Supplier<ServerResponse> make) {
    String key = record.serialNumber() + "|" + variant;
    CachedAnswer c = answers.get(key);
    if (c != null && c.version.equals(record.version()) && c.record.equals(record)) {
      return c.response;
    }
    ServerResponse r = make.get();
    answers.put(key, new CachedAnswer(record.version(), record, r, null));
    return r;
  }

  private byte[] cachedDocument(ProvisioningRecord record, Encoding enc) {
    String key = record.serialNumber() + "|D|" + enc;
    CachedAnswer c = answers.get(key);
    if (c != null && c.document != null && c.version.equals(record.version()) && c.record.equals(record)) {
      return c.document;
    }
    byte[] doc = Rfc8572Codec.encodeConveyedInformation(record.conveyedInformation(), enc);
    answers.put(key, new CachedAnswer(record.version(), record, ServerResponse.empty(200), doc));
    return doc;
  }

  private record CachedAnswer(String version, ProvisioningRecord record, ServerResponse response, byte @Nullable [] document) {}

  // ---- errors --------------------------------------------------------------------------------------------

  /** An RESTCONF error answer for {@code status}, encoded in {@code encoding}, without an error-path. */
  public static ServerResponse error(int status, Encoding encoding, String tag, @Nullable String message,
      Map<String, String> headers) {
    return errorWithPath(status, encoding, tag, message, null, headers);
  }

  static ServerResponse errorWithPath(int status, Encoding encoding, String tag, @Nullable String message,
      ErrorPaths.@Nullable Path path, Map<String, String> headers) {
    String type = status >= 500 ? "application" : "protocol";
    RestconfErrors.RestconfError e = path == null
        ? new RestconfErrors.RestconfError(type, tag, message, null)
        : new RestconfErrors.RestconfError(type, tag, message, path.text(), path.prefix(), path.namespace());
    byte[] body;
    try {
      body = RestconfErrors.encode(List.of(e), encoding);
    } catch (RuntimeException ex) {
      body = FallbackErrors.encode(e, encoding);
    }
    return ServerResponse.of(status, encoding.mediaType(), body, headers);
  }

  /** Thrown inside the handler to answer with an error. */
  static final class HttpError extends RuntimeException {
    final int status;
    final Encoding encoding;
    final String tag;
    final ErrorPaths.@Nullable Path path;
    final Map<String, String> headers;

    HttpError(int status, Encoding encoding, String tag, @Nullable String message, ErrorPaths.@Nullable Path path) {
      this(status, encoding, tag, message, path, Map.of());
    }

    HttpError(int status, Encoding encoding, String tag, @Nullable String message, ErrorPaths.@Nullable Path path,
        Map<String, String> headers) {
      super(message, null, false, false);
      this.status = status;
      this.encoding = encoding;
      this.tag = tag;
      this.path = path;
      this.headers = headers;
    }
  }
}
