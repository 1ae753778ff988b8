package dev.phonehome.phc.testkit.faults;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.InMemoryDeviceStore;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;

/**
 * One Virtual Chassis, one real phone-home server core ({@link PhoneHomeServer#handler()} with its in-memory
 * store, which stores a notification id once) and the real client ({@link PhoneHomeClient} with its HTTPS
 * transport and codecs), wired in memory: an OkHttp interceptor hands each request to the server handler, so
 * both dialects go through the real encoders, decoders and status handling, without sockets. Faults: crashes of
 * the phone-home process at device operations (before or after they take effect, in the middle of a state
 * file's write, before a rename), in the transport (request lost, answer lost, 503 with Retry-After, a crash
 * before or after the server took a notification) and during recovery.
 */
final class FaultWorld {
  static final String OLD = "20.4R3.8";
  static final String NEW = "21.4R3.15";
  static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  static final String IMAGE_URI = "https://images.test/" + IMAGE_NAME;
  static final String PHS = "https://phs.test";
  /** The device secret (RFC 8572 section 5.3); the server then expects it in the Juniper dialect too. */
  static final String SECRET = "s3cret";
  static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>");
  static final Bytes PRE = Bytes.utf8("#!/bin/sh\necho pre\n");
  static final Bytes POST = Bytes.utf8("#!/bin/sh\necho post\n");
  static final byte[] IMAGE = image();
  static final int MAX_PROCESSES = 16;
  private static final Duration VIRTUAL_TIME_LIMIT = Duration.ofHours(24);
  private static final SSLContext UNUSED_TLS = defaultTls();

  /** What varies between schedules besides the faults. */
  record Config(ImageStaging staging, ProvisioningMode mode, boolean fullTopology, Dialect dialect, Encoding encoding,
      int members, boolean engineOnPrimary) {
    String serial() {
      return "PE0";
    }

    @Override
    public String toString() {
      return staging + " " + mode + " " + (fullTopology ? "full" : "minimum") + " " + dialect
          + (dialect == Dialect.RFC8572 ? "/" + encoding : "") + " members=" + members
          + (engineOnPrimary ? " engine-on-primary" : " agent");
    }
  }

  final Config config;
  final VirtualClock clock = new VirtualClock();
  final VirtualChassisModel model;
  final FakeVirtualChassis device;
  final InMemoryDeviceStore store = InMemoryDeviceStore.create();
  final PhoneHomeServer server;
  private final PhoneHomeHandler handler;
  private final OkHttpClient http;
  /** The phone-home transport with its faults and counts. */
  final FaultyTransport transport = new FaultyTransport(IMAGE, SimulatedCrash::new);
  /** Crashes of the phone-home process, with why. */
  final List<String> crashes = new ArrayList<>();
  /** Invariant violations seen while running (at crash moments). */
  final List<String> violations = new ArrayList<>();
  /** A crash to aim at the process that recovers from the first crash. */
  private FaultSchedule.Fault.Recovery recovery;
  private final FaultInvariants.StateFileWatch stateFiles;

  FaultWorld(Config config) {
    this(config, b -> b, b -> b);
  }

  /** A world whose server and device the caller adjusts (reporting level, host keys...). */
  FaultWorld(Config config, UnaryOperator<PhoneHomeServer.Builder> serverSettings,
      UnaryOperator<FakeVirtualChassis.Builder> deviceSettings) {
    this.config = config;
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock)
        .image(IMAGE_NAME, NEW, Bytes.of(digest("SHA-256")))
        .imageSource(uri -> {
          if (!uri.equals(IMAGE_URI)) {
            throw new IOException("no route to " + uri);
          }
          return new ByteArrayInputStream(IMAGE);
        });
    for (int i = 0; i < config.members(); i++) {
      b.member(i, "PE" + i, "ex4300-48p", OLD);
    }
    model = b.primary(0).backup(1).build();
    device = deviceSettings.apply(FakeVirtualChassis.builder(model).imageStaging(config.staging())
        .engineOnPrimary(config.engineOnPrimary())).build();
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).osVersion(NEW).addDownloadUri(IMAGE_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(digest("SHA-256"))))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Bytes.of(digest("MD5")))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(CONFIG)
        .addPreConfigurationScript(PRE)
        .addPostConfigurationScript(POST)
        .topology(config.fullTopology()
            ? VirtualChassisTopology.full(config.mode(),
                model.members().stream().map(m -> IntendedMember.of(m.serialNumber())).toList())
            : VirtualChassisTopology.minimum(config.mode()))
        .build();
    ProvisioningRecord record = ProvisioningRecord.of(config.serial(), onboarding);
    server = serverSettings.apply(PhoneHomeServer.builder())
        .records(serial -> serial.equals(config.serial()) ? Optional.of(record) : Optional.empty())
        .store(store)
        .authenticator(DeviceAuthentication.builder().deviceSecrets(serial -> Optional.of(SECRET)).build())
        .clock(clock)
        .sslContext(UNUSED_TLS)
        .build();
    handler = server.handler();
    stateFiles = new FaultInvariants.StateFileWatch(model, violations);
    http = new OkHttpClient.Builder().addInterceptor(this::exchange).build();
    Instant limit = clock.instant().plus(VIRTUAL_TIME_LIMIT);
    clock.addListener(t -> {
      if (t.isAfter(limit)) {
        throw new AssertionError("more than " + VIRTUAL_TIME_LIMIT + " of virtual time: the run does not end");
      }
    });
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs phone-home processes until one returns: each crash ends a process and a new one starts over the same
   * VC and server (on the new primary when the old one rebooted), as the device's process supervisor would.
   */
  PhoneHomeResult runToTheEnd(long seed) throws InterruptedException {
    for (int process = 0; ; process++) {
      if (process >= MAX_PROCESSES) {
        throw new AssertionError(MAX_PROCESSES + " processes crashed: " + crashes);
      }
      PhoneHomeClient client = PhoneHomeClient.builder()
          .bootstrapServers(PHS)
          .dialect(config.dialect())
          .encoding(config.encoding())
          .okHttpClient(http)
          .deviceOperations(device)
          .serialNumber(config.serial())
          .password(SECRET)
          .clock(clock).sleeper(clock).random(new Random(seed * 31 + process))
          .build();
      try {
        PhoneHomeResult result = client.run();
        checkStateFiles("at the end");
        return result;
      } catch (SimulatedCrash crash) {
        crashes.add(crash.getMessage());
        checkStateFiles("when the process died (" + crash.getMessage() + ")");
        if (crashes.size() == 1 && recovery != null) {
          model.inject(new VcFault.CrashAt(recovery.operation(),
              model.operationCount(recovery.operation()) + recovery.n()));
        }
      } finally {
        client.close();
      }
    }
  }

  /** How many times the whole VC lost power (a fault of the schedule). */
  long powerLosses() {
    return crashes.stream().filter(c -> c.startsWith("simulated power loss")).count();
  }

  /** See {@link FaultInvariants.StateFileWatch}. */
  void checkStateFiles(String when) {
    stateFiles.check(when);
  }

  void onFirstCrashDo(FaultSchedule.Fault.Recovery r) {
    this.recovery = r;
  }

  // ---------------------------------------------------------------- what the VC and the server ended with

  /** Successful installs per member id, from the chassis' own log. */
  Map<Integer, Integer> installs() {
    return FaultInvariants.installs(model);
  }

  /** The notifications the server stored (once per notification id), oldest first. */
  List<DeviceNotification> stored() {
    return store.timeline(config.serial());
  }

  /** The table-2 notifications (and bootstrap-complete) the server stored ({@link FaultInvariants#table2}). */
  List<String> table2() {
    return FaultInvariants.table2(stored());
  }

  /** How often each crash point and the transport were reached (to aim faults within a run). */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String op : FaultSchedule.DEVICE_OPERATIONS) {
      out.put(op, model.operationCount(op));
    }
    out.put("phs-call", transport.calls);
    return out;
  }

  // ---------------------------------------------------------------- the in-memory HTTP exchange

  private Response exchange(Interceptor.Chain chain) throws IOException {
    return transport.exchange(chain.request(), request -> {
      ServerResponse answer = handler.handle(serverRequest(request));
      String type = answer.contentType();
      return FaultyTransport.response(request, answer.status(), type == null ? null : MediaType.get(type),
          answer.body(), answer.headers());
    });
  }

  private static ServerRequest serverRequest(Request request) throws IOException {
    ServerRequest.Builder b = ServerRequest.builder(request.method(), request.url().encodedPath());
    request.headers().forEach(h -> b.addHeader(h.getFirst(), h.getSecond()));
    b.addHeader("Host", request.url().host());
    if (request.body() != null) {
      Buffer buffer = new Buffer();
      request.body().writeTo(buffer);
      MediaType type = request.body().contentType();
      if (type != null) {
        b.addHeader("Content-Type", type.toString());
      }
      long length = buffer.size();
      b.body(new ByteArrayInputStream(buffer.readByteArray()), length);
    }
    return b.remoteAddress("127.0.0.1").build();
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] image() {
    byte[] b = new byte[64 * 1024];
    new Random(42).nextBytes(b);
    return b;
  }

  private static byte[] digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm).digest(IMAGE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
