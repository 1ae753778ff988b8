package dev.phonehome.phc.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.InMemoryDeviceStore;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.faults.FaultInvariants;
import dev.phonehome.phc.testkit.faults.FaultyTransport;
import dev.phonehome.phc.testkit.junos.JunosSimulationFault;
import dev.phonehome.phc.testkit.junos.RecordedRpc;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * One schedule's world for {@link JunosFaultScheduleTest}: a simulated Junos VC ({@link SimulatedJunosDevice},
 * NETCONF over SSH on loopback, non-atomic file writes, power loss), the real phone-home server over HTTPS on
 * loopback with its in-memory store (which stores a notification id once), and phone-home processes, each a new
 * {@link PhoneHomeClient} over a new {@link JunosDeviceOperations} (a new SSH login, so the device tells the
 * processes apart).
 *
 * <p>A process crash is decided where the device sees it, at an RPC boundary: the device's {@code RpcGate} ends
 * the connection as the RPC arrives (it does nothing) or once it took effect (the client never hears of it). From
 * then on the process is dead: every RPC it still sends is refused by the gate without effect, and its next call
 * into the device SPI, the sleeper or the HTTP transport throws {@link SimulatedCrash}, which ends
 * {@code run()} as a dying process would. With the engine on the box, the process also dies when its member (the
 * primary it started on) reboots or loses power.
 */
final class JunosFaultWorld implements AutoCloseable {
  static final String OLD = "20.4R3.8";
  static final String NEW = "21.4R3.15";
  static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  static final String IMAGE_URI = "https://images.test/" + IMAGE_NAME;
  static final String SECRET = "s3cret";
  static final String PASSWORD = "proc-password";
  static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>");
  static final byte[] IMAGE = image();
  static final int MAX_PROCESSES = 12;
  /** The state paths a state write writes (the power-loss points of a state write). */
  static final List<String> STATE_WRITE_PATHS = List.of(VirtualChassisModel.STATE_PATH + ".new",
      VirtualChassisModel.STATE_PATH + ".outgoing");
  private static final Duration VIRTUAL_TIME_LIMIT = Duration.ofHours(24);
  private static final Pattern WRITTEN_PATH = Pattern.compile(
      "<(?:filename|destination)>(?:fpc\\d+:)?([^<]+)</(?:filename|destination)>");

  /** What varies between schedules besides the faults. */
  record Config(ImageStaging staging, ProvisioningMode mode, boolean fullTopology, Dialect dialect, Encoding encoding,
      int members, boolean engineOnPrimary) {
    @Override
    public String toString() {
      return staging + " " + mode + " " + (fullTopology ? "full" : "minimum") + " " + dialect
          + (dialect == Dialect.RFC8572 ? "/" + encoding : "") + " members=" + members
          + (engineOnPrimary ? " engine-on-primary" : " agent");
    }
  }

  /** The process dies at the {@code occurrence}-th RPC named {@code rpc} ({@code *}: any) of the world. */
  record RpcCrash(String rpc, int occurrence, boolean afterEffect) {}

  /** The recovering process dies at its own {@code n}-th RPC named {@code rpc}. */
  record RecoveryCrash(String rpc, int n, boolean afterEffect) {}

  /** One phone-home process: its SSH login, why it died (null while alive), the member it runs on (on the box). */
  final class Process {
    final int index;
    final String user;
    final int hostMember;
    final int hostBoot;
    final Map<String, Integer> rpcCounts = new ConcurrentHashMap<>();
    volatile @Nullable String deadBecause;

    Process(int index) {
      this.index = index;
      this.user = "proc" + index;
      this.hostMember = model.primaryMemberId().orElse(-1);
      this.hostBoot = hostMember < 0 ? 0 : model.bootCount(hostMember);
    }

    /** True once dead; with the engine on the box, the host member's reboot or power loss kills it too. */
    boolean dead() {
      if (deadBecause == null && config.engineOnPrimary()) {
        Optional<VcMember> host = model.member(hostMember);
        if (host.isEmpty() || !host.get().isPresent() || model.bootCount(hostMember) != hostBoot) {
          deadBecause = "member " + hostMember + ", the primary it ran on, rebooted or lost power and took the process "
              + "with it";
        }
      }
      return deadBecause != null;
    }

    void die(String why) {
      if (deadBecause == null) {
        deadBecause = why;
      }
    }

    /** Throws {@link SimulatedCrash} when dead: the process does nothing more. */
    void checkAlive() {
      if (dead()) {
        throw new SimulatedCrash(deadBecause);
      }
    }
  }

  final Config config;
  final String serial;
  final VirtualClock clock = new VirtualClock();
  final VirtualChassisModel model;
  final SimulatedJunosDevice device;
  final InMemoryDeviceStore store = InMemoryDeviceStore.create();
  final PhoneHomeServer server;
  private final OkHttpClient http;
  private final TestPki pki;
  /** RPCs the device let through so far, by name, and {@code *} for all. */
  final Map<String, Integer> rpcCounts = new ConcurrentHashMap<>();
  /** Writes of each state path ({@link #STATE_WRITE_PATHS}) so far. */
  final Map<String, Integer> stateWrites = new ConcurrentHashMap<>();
  /** The phone-home transport (real HTTPS to the server) with its faults and counts. */
  final FaultyTransport transport = new FaultyTransport(IMAGE, this::transportCrash);
  /** Read and used up on the device's session threads: armed before the first process starts. */
  final List<RpcCrash> rpcCrashes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile @Nullable RecoveryCrash recovery;
  private volatile int recoveryProcess = -1;
  /** Crashes of the phone-home process, with why. */
  final List<String> crashes = new ArrayList<>();
  /** Power losses the VC went through (from the model's log). */
  int powerLosses;
  final List<String> violations = new ArrayList<>();
  private final FaultInvariants.StateFileWatch stateFiles;
  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  private volatile @Nullable Process current;

  JunosFaultWorld(Config config, String serialPrefix, TestPki pki, OkHttpClient baseHttp) {
    this.config = config;
    this.pki = pki;
    this.serial = serialPrefix + "0";
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock)
        .image(IMAGE_NAME, NEW, Bytes.of(digest("SHA-256")))
        .imageSource(uri -> {
          if (!uri.equals(IMAGE_URI)) {
            throw new IOException("no route to " + uri);
          }
          return new ByteArrayInputStream(IMAGE);
        });
    for (int i = 0; i < config.members(); i++) {
      b.member(i, serialPrefix + i, "ex4300-48p", OLD);
    }
    model = b.primary(0).backup(1).build();
    SimulatedJunosDevice.Builder db = SimulatedJunosDevice.builder(model).rpcGate(this::gate);
    for (int i = 0; i < MAX_PROCESSES; i++) {
      db.account("proc" + i, PASSWORD);
    }
    device = db.start();
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).osVersion(NEW).addDownloadUri(IMAGE_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(digest("SHA-256"))))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Bytes.of(digest("MD5")))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(CONFIG)
        .addPreConfigurationScript(Bytes.utf8("#!/bin/sh\necho pre\n"))
        .addPostConfigurationScript(Bytes.utf8("#!/bin/sh\necho post\n"))
        .topology(config.fullTopology()
            ? VirtualChassisTopology.full(config.mode(),
                model.members().stream().map(m -> IntendedMember.of(m.serialNumber())).toList())
            : VirtualChassisTopology.minimum(config.mode()))
        .build();
    ProvisioningRecord record = ProvisioningRecord.of(serial, onboarding);
    server = PhoneHomeServer.builder()
        .records(s -> s.equals(serial) ? Optional.of(record) : Optional.empty())
        .store(store)
        .authenticator(DeviceAuthentication.builder().deviceSecrets(s -> Optional.of(SECRET)).build())
        .clock(clock)
        .sslContext(pki.serverSslContext())
        .bind("127.0.0.1", 0)
        .build().start();
    http = baseHttp.newBuilder().addInterceptor(this::exchange).build();
    stateFiles = new FaultInvariants.StateFileWatch(model, violations);
    Instant limit = clock.instant().plus(VIRTUAL_TIME_LIMIT);
    clock.addListener(t -> {
      if (t.isAfter(limit)) {
        throw new AssertionError("more than " + VIRTUAL_TIME_LIMIT + " of virtual time: the run does not end");
      }
    });
  }

  // ---------------------------------------------------------------- faults

  void crashAt(RpcCrash c) {
    rpcCrashes.add(c);
  }

  void powerLoss(JunosSimulationFault fault) {
    device.inject(fault);
  }

  void recoveryCrash(RecoveryCrash r) {
    this.recovery = r;
  }

  /** The device's gate: refuses a dead process's RPCs, counts the others, and fires the crashes. */
  private boolean gate(RecordedRpc rpc, boolean tookEffect) {
    Process p = processes.get(rpc.user());
    if (p == null || p != current || p.dead()) {
      return false;
    }
    String name = rpc.name();
    if (!tookEffect) {
      int nAll = rpcCounts.merge("*", 1, Integer::sum);
      int nName = rpcCounts.merge(name, 1, Integer::sum);
      p.rpcCounts.merge(name, 1, Integer::sum);
      if (name.equals("file-put") || name.equals("file-copy")) {
        Matcher m = WRITTEN_PATH.matcher(rpc.xml().replace("<source>", "<x>"));
        while (m.find()) {
          if (STATE_WRITE_PATHS.contains(m.group(1))) {
            stateWrites.merge(m.group(1), 1, Integer::sum);
          }
        }
      }
      if (fire(p, "*", nAll, false) || fire(p, name, nName, false)) {
        return false;
      }
    } else if (fire(p, "*", rpcCounts.getOrDefault("*", 0), true)
        || fire(p, name, rpcCounts.getOrDefault(name, 0), true)) {
      return false;
    }
    RecoveryCrash r = recovery;
    if (r != null && p.index == recoveryProcess && r.rpc().equals(name) && r.afterEffect() == tookEffect
        && p.rpcCounts.getOrDefault(name, 0) == r.n()) {
      recovery = null;
      p.die("simulated crash during recovery " + (tookEffect ? "after " : "at ") + name + " #" + r.n());
      return false;
    }
    return true;
  }

  private boolean fire(Process p, String rpc, int n, boolean afterEffect) {
    for (RpcCrash c : rpcCrashes) {
      if (c.rpc().equals(rpc) && c.occurrence() == n && c.afterEffect() == afterEffect) {
        rpcCrashes.remove(c);
        p.die("simulated crash " + (afterEffect ? "after " : "at ") + rpc + " #" + n);
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs phone-home processes until one returns alive: each crash ends a process and a new one (a new client,
   * a new NETCONF session, a new SSH login) starts over the same VC and server once the VC has a primary again.
   */
  PhoneHomeResult runToTheEnd(long seed) throws InterruptedException {
    for (int index = 0; ; index++) {
      if (index >= MAX_PROCESSES) {
        throw new AssertionError(MAX_PROCESSES + " processes crashed: " + crashes);
      }
      waitForPrimary();
      countPowerLosses();
      stateFiles.check("when process " + index + " started");
      Process p = new Process(index);
      processes.put(p.user, p);
      current = p;
      JunosDeviceOperations ops = SimulatedVc.client(device, clock)
          .password(p.user, PASSWORD)
          .sleeper(d -> {
            p.checkAlive();
            clock.sleep(d);
            p.checkAlive();
          })
          .imageStaging(config.staging())
          .build();
      PhoneHomeClient client = PhoneHomeClient.builder()
          .bootstrapServers(server.url().toString())
          .dialect(config.dialect())
          .encoding(config.encoding())
          .okHttpClient(http)
          .sslContext(pki.clientSslContext(null), pki.clientTrustManager())
          .deviceOperations(gated(ops, p))
          .serialNumber(serial)
          .password(SECRET)
          .clock(clock)
          .sleeper(d -> {
            p.checkAlive();
            clock.sleep(d);
            p.checkAlive();
          })
          .random(new Random(seed * 31 + index))
          .build();
      try {
        PhoneHomeResult result;
        try {
          result = client.run();
        } catch (RuntimeException e) {
          if (p.dead() && !(e instanceof SimulatedCrash)) {
            throw new SimulatedCrash(p.deadBecause + " (the dying process last saw: " + e + ")");
          }
          throw e;
        }
        if (p.dead()) {
          throw new SimulatedCrash(p.deadBecause + " (before run() returned)");
        }
        countPowerLosses();
        if (powerLosses > 0) {
          awaitEveryMember();
        }
        stateFiles.check("at the end");
        return result;
      } catch (SimulatedCrash crash) {
        p.die(crash.getMessage());
        crashes.add(p.deadBecause);
        waitForPrimary();
        countPowerLosses();
        stateFiles.check("when process " + index + " died (" + p.deadBecause + ")");
        if (crashes.size() == 1 && recovery != null) {
          recoveryProcess = index + 1;
        }
      } finally {
        client.close();
        ops.close();
      }
    }
  }

  /** A process supervisor starts the next process once the VC is up: virtual time passes until a primary exists. */
  private void waitForPrimary() {
    for (int i = 0; i < 200 && model.primaryMemberId().isEmpty(); i++) {
      clock.sleep(Duration.ofSeconds(10));
    }
    if (model.primaryMemberId().isEmpty()) {
      throw new AssertionError("the VC has no primary 2000 s after the process died: " + model.members());
    }
  }

  /**
   * A power loss right after the run's last RPC (its last state save) leaves the VC booting when the process
   * returns: the end is judged once every member had the time to come back (one that never does stays absent).
   */
  private void awaitEveryMember() {
    for (int i = 0; i < 200 && !model.members().stream().allMatch(VcMember::isPresent); i++) {
      clock.sleep(Duration.ofSeconds(10));
    }
  }

  private void countPowerLosses() {
    powerLosses = model.operationSummaries("power-loss").size();
  }

  /** The device SPI as the process sees it: every call first and last checks that the process is alive. */
  private static DeviceOperations gated(JunosDeviceOperations ops, Process p) {
    return (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(ops, args);
          }
          p.checkAlive();
          Object out;
          try {
            out = method.invoke(ops, args);
          } catch (InvocationTargetException e) {
            p.checkAlive();
            throw e.getCause();
          }
          p.checkAlive();
          return out instanceof ImageUpload u ? gatedUpload(u, p) : out;
        });
  }

  private static ImageUpload gatedUpload(ImageUpload u, Process p) {
    return new ImageUpload() {
      @Override
      public OutputStream stream() {
        p.checkAlive();
        OutputStream s = u.stream();
        return new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            p.checkAlive();
            s.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            p.checkAlive();
            s.write(b, off, len);
          }

          @Override
          public void flush() throws IOException {
            s.flush();
          }

          @Override
          public void close() throws IOException {
            s.close();
          }
        };
      }

      @Override
      public StagedImage complete() {
        p.checkAlive();
        StagedImage out = u.complete();
        p.checkAlive();
        return out;
      }

      @Override
      public void abort() {
        u.abort();
      }

      @Override
      public void close() {
        u.close();
      }
    };
  }

  // ---------------------------------------------------------------- the HTTP transport (real HTTPS, with faults)

  private Response exchange(Interceptor.Chain chain) throws IOException {
    Process p = current;
    if (p != null) {
      p.checkAlive();
    }
    return transport.exchange(chain.request(), chain::proceed);
  }

  /** The process the transport runs in dies (a crash aimed at an HTTP call). */
  private RuntimeException transportCrash(String why) {
    Process p = current;
    if (p != null) {
      p.die(why);
    }
    return new SimulatedCrash(why);
  }

  // ---------------------------------------------------------------- what the VC and the server ended with

  List<DeviceNotification> stored() {
    return store.timeline(serial);
  }

  /** How often each RPC, state write and the transport were reached (to aim faults within a run). */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>(rpcCounts);
    stateWrites.forEach((path, n) -> out.put("write " + path, n));
    out.put("phs-call", transport.calls);
    return out;
  }

  /**
   * What happened, for a failure: the device's RPCs (time, SSH user = process, summary, and for file RPCs the
   * paths) and the model's operations, merged in time order.
   */
  String trace() {
    List<String[]> lines = new ArrayList<>();
    for (RecordedRpc r : device.recordedRpcs()) {
      String detail = r.summary();
      if (r.name().startsWith("file-")) {
        Matcher m = Pattern.compile("<(filename|source|destination|path)>([^<]*)<").matcher(r.xml());
        while (m.find()) {
          detail += " " + m.group(1) + "=" + m.group(2);
        }
      }
      lines.add(new String[] {r.at().toString(), "rpc " + r.user() + " s" + r.sessionId() + " " + detail});
    }
    for (var op : model.operations()) {
      lines.add(new String[] {op.at().toString(), "    vc " + op.summary()});
    }
    lines.sort(java.util.Comparator.comparing(l -> l[0]));
    StringBuilder b = new StringBuilder();
    for (String[] l : lines) {
      b.append(l[0]).append(' ').append(l[1]).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() {
    server.close();
    device.close();
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] image() {
    byte[] b = new byte[64 * 1024];
    new Random(42).nextBytes(b);
    return b;
  }

  static byte[] digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm).digest(IMAGE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
