package dev.phonehome.phc.bench.fleet;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.core.client.ImageCache;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The fleet benchmark (issue 15): N Virtual Chassis provisioned at once by one agent JVM (this one) through
 * one phone-home server JVM, each VC doing the whole SPEC section 4 process with every notification. See
 * {@code bench/fleet/run.sh} and BENCHMARKS.md.
 *
 * <p>This JVM starts the server JVMs ({@link FleetServer}: the PHS, and the image server), creates one
 * simulated VC per device (the test kit's {@link VirtualChassisModel} behind a {@link FakeVirtualChassis},
 * agent-push staging) on compressed real time ({@link CompressedTime}), and runs one {@link PhoneHomeClient}
 * per VC, at most {@code --in-flight} at once. It measures wall time, each VC's time, the live heap at the
 * in-flight plateau (after a full GC), the peak number of platform threads, the server's CPU, the bytes the
 * image server sent, and it compares every notification id the clients saw delivered with the ids the server
 * stored.
 */
public final class FleetBench {
  static final String MODEL = "ex4300-48p";
  static final String OLD_VERSION = "21.4R3.15";
  /** Counts the agent's TLS connections to the PHS (each one a full handshake on both sides). */
  static final ConnectionCounter CONNECTIONS = new ConnectionCounter();
  private static final PrintStream out = System.out;

  private final Options o;
  private final ServerProcess phs;
  private final ServerProcess images;
  private final String imageUrl;
  private final String imageHashes;
  private final long imageSize;
  private final OkHttpClient http;
  private final CompressedTime time;
  private final String phsUrl;
  private final PhoneHomeClient.Builder fleet;
  private final Path work;
  private ImageCache cache;

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    FleetBench bench = new FleetBench(o);
    try {
      bench.run();
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  FleetBench(Options o) throws Exception {
    this.o = o;
    Path work = Files.createTempDirectory("phc-fleet");
    Path cert = work.resolve("phs-cert.b64");
    this.images = ServerProcess.start(o, "images", String.valueOf(o.imageKib));
    this.phs = ServerProcess.start(o, "phs", o.dialect.name(), cert.toString());
    Map<String, String> img = words(images.ready);
    this.imageUrl = img.get("url");
    this.imageHashes = img.get("hashes");
    this.imageSize = Long.parseLong(img.get("size"));
    this.phsUrl = words(phs.ready).get("url");
    out.println("# phs " + phs.ready.substring(6));
    out.println("# images " + imageUrl + " (" + imageSize + " bytes)");
    this.http = sharedHttpClient(cert, o.pool);
    this.time = new CompressedTime(Instant.parse("2026-12-01T00:00:00Z"), o.timeScale);
    this.work = work;
    this.fleet = PhoneHomeClient.builder()
        .bootstrapServers(phsUrl)
        .dialect(o.dialect)
        .okHttpClient(http)
        .maxRequestsPerServer(o.maxRequests)
        .clock(time)
        .sleeper(time)
        .maxTotalTime(Duration.ofHours(6));
  }

  void run() throws Exception {
    out.printf(Locale.ROOT, "# agent java=%s threads=%s in_flight=%d members=%d dialect=%s time_scale=%.0f"
        + " (a 3-minute reboot takes %.1f s) pool=%d max_requests_per_server=%d image=%d KiB image_cache=%s%n",
        System.getProperty("java.version"), o.threads, o.inFlight, o.members, dialectName(), o.timeScale,
        time.realSeconds(Duration.ofMinutes(3)), o.pool, o.maxRequests, o.imageKib, o.cache ? "on" : "off");
    if (o.warmup > 0) {
      Phase w = phase("W", o.warmup, Math.min(o.inFlight, o.warmup));
      out.println("# warm-up (not reported): " + w.summary());
    }
    int small = Math.max(1, o.vcs / 10);
    Phase tenth = phase("S", small, Math.min(o.inFlight, small));
    out.println(tenth.detail());
    out.println(tenth.line());
    Phase full = phase("F", o.vcs, o.inFlight);
    out.println(full.detail());
    out.println(full.line());
  }

  void close() {
    phs.quit();
    images.quit();
  }

  // ------------------------------------------------------------------------------------------------ a phase

  Phase phase(String prefix, int n, int inFlight) throws Exception {
    phs.command("records " + prefix + " " + n + " " + o.members + " " + imageUrl + " " + imageHashes, "OK");
    // Every phase starts with an empty image cache: its bytes fetched are what this phase's VCs needed.
    cache = o.cache ? ImageCache.open(work.resolve("image-cache-" + prefix), 1L << 30) : null;
    synchronized (fleet) {
      fleet.imageCache(cache);
    }
    Phase p = new Phase(prefix, n, inFlight);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.gc();
    p.baselineHeap = usedHeap();
    threads.resetPeakThreadCount();
    long serverCpu0 = Long.parseLong(words(phs.command("stats", "STATS")).get("cpu_ms"));
    Map<String, String> img0 = words(images.command("stats", "STATS"));
    long agentCpu0 = FleetServer.cpuMillis();
    long connects0 = CONNECTIONS.connects.get();
    long calls0 = CONNECTIONS.calls.get();

    Semaphore slots = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger running = new AtomicInteger();
    Sampler sampler = new Sampler(p, running, Math.min(inFlight, n), done,
        o.histogram == null ? null : Path.of(o.histogram + "-" + prefix + ".txt"));
    ExecutorService pool = executor(inFlight);
    long t0 = System.nanoTime();
    sampler.start();
    for (int i = 0; i < n; i++) {
      int vc = i;
      pool.execute(() -> {
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        running.incrementAndGet();
        try {
          p.results[vc] = provision(prefix, vc);
        } catch (Throwable e) {
          p.results[vc] = VcResult.failed(serial(prefix, vc, 0), 0, e);
        } finally {
          running.decrementAndGet();
          slots.release();
          done.countDown();
        }
      });
    }
    if (!done.await(o.timeoutSeconds, TimeUnit.SECONDS)) {
      out.println("# TIMEOUT after " + o.timeoutSeconds + " s: " + done.getCount() + " VCs not finished");
    }
    p.wallNanos = System.nanoTime() - t0;
    sampler.join();
    pool.shutdownNow();
    p.peakPlatformThreads = threads.getPeakThreadCount();
    p.agentCpuMs = FleetServer.cpuMillis() - agentCpu0;
    p.tlsConnections = CONNECTIONS.connects.get() - connects0;
    p.httpCalls = CONNECTIONS.calls.get() - calls0;
    p.serverCpuMs = Long.parseLong(words(phs.command("stats", "STATS")).get("cpu_ms")) - serverCpu0;
    Map<String, String> img1 = words(images.command("stats", "STATS"));
    p.imageBytes = Long.parseLong(img1.get("bytes")) - Long.parseLong(img0.get("bytes"));
    p.imageRequests = Long.parseLong(img1.get("requests")) - Long.parseLong(img0.get("requests"));
    p.imageSize = imageSize;
    p.cacheStats = cache == null ? "off" : cache.stats().toString();
    compare(p);
    return p;
  }

  /** One VC, start to end: its simulator, its client, the whole process. */
  private VcResult provision(String prefix, int vc) {
    String serial = serial(prefix, vc, 0);
    VirtualChassisModel.Builder vb = VirtualChassisModel.builder().clock(time)
        .image(FleetServer.IMAGE_NAME, FleetServer.TARGET_VERSION,
            dev.phonehome.phc.api.Bytes.fromHex(hash(HashAlgorithm.SHA_256)));
    for (int m = 0; m < o.members; m++) {
      vb.member(m, serial(prefix, vc, m), MODEL, OLD_VERSION);
    }
    vb.primary(0);
    if (o.members > 1) {
      vb.backup(1);
    }
    VirtualChassisModel model = vb.keepHistory(o.simHistory).build();
    FakeVirtualChassis device = FakeVirtualChassis.builder(model).recordCalls(o.simHistory).build();
    Delivered delivered = new Delivered();
    PhoneHomeClient built;
    synchronized (fleet) { // one builder for the fleet (shared HTTP client and image cache); not thread-safe
      fleet.deviceOperations(device).eventListener(delivered);
      if (o.dialect == Dialect.RFC8572) {
        fleet.password(password(serial));
      }
      built = fleet.build();
    }
    long start = System.nanoTime();
    try (PhoneHomeClient client = built) {
      PhoneHomeResult result = client.run();
      long nanos = System.nanoTime() - start;
      boolean ok = result.failedMembers().isEmpty() && result.allNotificationsDelivered()
          && delivered.complete && model.members().stream().allMatch(
              x -> FleetServer.TARGET_VERSION.equals(x.version()));
      if (!ok) {
        trace(serial, model, device);
      }
      return new VcResult(serial, ok, nanos, delivered.ids(), delivered.retries, ok ? null
          : "not a clean completion: failed=" + result.failedMembers() + " not delivered="
              + (result.notificationsQueued().size() + result.notificationsRefused().size()));
    } catch (InterruptedException | RuntimeException e) {
      trace(serial, model, device);
      return VcResult.failed(serial, System.nanoTime() - start, e);
    }
  }

  private final AtomicInteger traced = new AtomicInteger();

  /** The operation log of the first few VCs that did not complete cleanly, for the reader. */
  private void trace(String serial, VirtualChassisModel model, FakeVirtualChassis device) {
    if (!o.simHistory) {
      if (traced.incrementAndGet() == 1) {
        System.err.println("# " + serial + " did not complete cleanly; run with --sim-history on for its trace");
      }
      return;
    }
    if (traced.incrementAndGet() > 3) {
      return;
    }
    StringBuilder sb = new StringBuilder("# trace of " + serial + ":\n");
    for (var op : device.calls()) {
      if (!op.name().equals("persist-state")) {
        sb.append("#   call ").append(op.at()).append(' ').append(op.summary()).append('\n');
      }
    }
    for (var op : model.operations()) {
      sb.append("#   model ").append(op.at()).append(' ').append(op.summary()).append('\n');
    }
    System.err.print(sb);
  }

  /** The ids the clients saw delivered against the ids the server stored. */
  private void compare(Phase p) throws IOException {
    Path file = Files.createTempFile("phc-fleet-ids", ".txt");
    try {
      Map<String, String> r = words(phs.command("ids " + p.prefix + " " + p.n + " " + file, "IDS"));
      p.serverStored = Long.parseLong(r.get("total"));
      p.serverDropped = Long.parseLong(r.get("dropped"));
      Set<String> stored = new HashSet<>(Files.readAllLines(file));
      long clientDelivered = 0;
      long lost = 0;
      for (VcResult v : p.results) {
        if (v == null) {
          continue;
        }
        for (String id : v.deliveredIds) {
          clientDelivered++;
          if (!stored.remove(v.serial + " " + id)) {
            lost++;
          }
        }
      }
      p.clientDelivered = clientDelivered;
      p.lost = lost;
      p.storedNotReported = stored.size();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private ExecutorService executor(int inFlight) {
    if (o.threads.equals("virtual")) {
      try {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("virtual threads need Java 21 or later; this is "
            + System.getProperty("java.version") + " (use --threads platform)", e);
      }
    }
    return Executors.newFixedThreadPool(inFlight);
  }

  private String hash(HashAlgorithm a) {
    for (String h : imageHashes.split(",")) {
      if (h.startsWith(a.name() + "=")) {
        return h.substring(a.name().length() + 1);
      }
    }
    throw new IllegalStateException("no " + a + " in " + imageHashes);
  }

  private String dialectName() {
    return o.dialect == Dialect.JUNIPER ? "juniper" : "rfc8572";
  }

  static String serial(String prefix, int vc, int member) {
    return String.format(Locale.ROOT, "%s%06d%d", prefix, vc, member);
  }

  /** The RFC 8572 per-device secret of a serial (the server is configured with the same function). */
  static String password(String serial) {
    return "s3cret-" + Integer.toHexString(serial.hashCode());
  }

  /** What {@code jcmd <pid> GC.class_histogram} prints (a full GC first: live objects only). */
  static String classHistogram() throws Exception {
    javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return (String) server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
  }

  static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static OkHttpClient sharedHttpClient(Path certFile, int pool) throws Exception {
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Base64.getDecoder().decode(Files.readString(certFile).strip())));
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("phs", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
    return new OkHttpClient.Builder()
        .eventListener(CONNECTIONS)
        .sslSocketFactory(ctx.getSocketFactory(), tm)
        .connectionPool(new ConnectionPool(pool, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(30))
        .readTimeout(Duration.ofSeconds(60))
        .writeTimeout(Duration.ofSeconds(60))
        .build();
  }

  static Map<String, String> words(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String w : line.split(" ")) {
      int eq = w.indexOf('=');
      if (eq > 0) {
        m.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------------ parts

  static final class ConnectionCounter extends okhttp3.EventListener {
    final AtomicLong connects = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    @Override
    public void secureConnectStart(okhttp3.Call call) {
      connects.incrementAndGet();
    }

    @Override
    public void callStart(okhttp3.Call call) {
      calls.incrementAndGet();
    }
  }

  /** Collects what one client saw delivered. */
  private static final class Delivered implements PhoneHomeEventListener {
    private String[] ids = new String[32];
    private int count;
    int retries;
    boolean complete;

    @Override
    public void notificationDelivered(ProgressReport report) {
      NotificationId id = report.notificationId();
      if (id != null) {
        if (count == ids.length) {
          ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = id.toString();
      }
      if (report.type().equals(ProgressType.BOOTSTRAP_COMPLETE)) {
        complete = true;
      }
    }

    @Override
    public void serverFailed(String serverUrl, PhcException error) {
      retries++;
    }

    @Override
    public void imageDownloadFailed(String uri, int attempt, String reason) {
      retries++;
    }

    List<String> ids() {
      return List.of(Arrays.copyOf(ids, count));
    }
  }

  record VcResult(String serial, boolean ok, long nanos, List<String> deliveredIds, int retries,
      String error) {
    static VcResult failed(String serial, long nanos, Throwable e) {
      return new VcResult(serial, false, nanos, List.of(), 0, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Takes the live heap (after a full GC) up to twice while the in-flight count is at its plateau. */
  private static final class Sampler extends Thread {
    private final Phase p;
    private final AtomicInteger running;
    private final int target;
    private final CountDownLatch done;
    private final Path histogram;

    private final long total;

    Sampler(Phase p, AtomicInteger running, int target, CountDownLatch done, Path histogram) {
      super("heap-sampler");
      setDaemon(true);
      this.p = p;
      this.running = running;
      this.target = target;
      this.done = done;
      this.histogram = histogram;
      this.total = done.getCount();
    }

    @Override
    public void run() {
      long last = 0;
      int samples = 0;
      try {
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
          int now = running.get();
          p.peakInFlight = Math.max(p.peakInFlight, now);
          long t = System.nanoTime();
          // Sampled once the first VCs finish while nearly all are still in flight: the others are then well into
          // the process, holding the most state they will (a full GC costs seconds at 10,000 VCs: two samples).
          boolean firstDone = done.getCount() < total;
          if (samples < 2 && firstDone && now >= target * 0.5 && t - last > 2_000_000_000L) {
            System.gc();
            long used = usedHeap();
            int inFlight = running.get();
            samples++;
            last = System.nanoTime();
            p.gcPauseNanos += last - t;
            if (used > p.peakLiveHeap) {
              p.peakLiveHeap = used;
              p.inFlightAtPeakHeap = inFlight;
              if (histogram != null) {
                Files.writeString(histogram, classHistogram());
              }
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        e.printStackTrace();
      }
      p.heapSamples = samples;
    }
  }

  /** The figures of one run of n VCs. */
  final class Phase {
    final String prefix;
    final int n;
    final int inFlight;
    final VcResult[] results;
    long baselineHeap;
    volatile long peakLiveHeap;
    volatile int inFlightAtPeakHeap;
    volatile int peakInFlight;
    volatile long gcPauseNanos;
    int heapSamples;
    long wallNanos;
    int peakPlatformThreads;
    long agentCpuMs;
    long serverCpuMs;
    long imageBytes;
    long imageRequests;
    long imageSize;
    long serverStored;
    long serverDropped;
    long clientDelivered;
    long lost;
    long storedNotReported;
    long tlsConnections;
    String cacheStats;
    long httpCalls;

    Phase(String prefix, int n, int inFlight) {
      this.prefix = prefix;
      this.n = n;
      this.inFlight = inFlight;
      this.results = new VcResult[n];
    }

    long failed() {
      return Arrays.stream(results).filter(r -> r == null || !r.ok).count();
    }

    double p99Seconds() {
      long[] d = Arrays.stream(results).filter(r -> r != null).mapToLong(VcResult::nanos).sorted().toArray();
      if (d.length == 0) {
        return Double.NaN;
      }
      return d[Math.min(d.length - 1, (int) Math.ceil(d.length * 0.99) - 1)] / 1e9;
    }

    double wallSeconds() {
      return wallNanos / 1e9;
    }

    String summary() {
      return String.format(Locale.ROOT, "vcs=%d wall_s=%.1f failed=%d lost=%d", n, wallSeconds(), failed(), lost);
    }

    String detail() {
      StringBuilder sb = new StringBuilder();
      Map<String, Integer> errors = new HashMap<>();
      long retries = 0;
      for (VcResult r : results) {
        if (r != null) {
          retries += r.retries;
        }
        if (r == null || !r.ok) {
          errors.merge(r == null ? "not finished" : String.valueOf(r.error), 1, Integer::sum);
        }
      }
      double perVcKib = inFlightAtPeakHeap == 0 ? Double.NaN
          : (peakLiveHeap - baselineHeap) / 1024.0 / inFlightAtPeakHeap;
      sb.append(String.format(Locale.ROOT, "fleet-detail vcs=%d failed=%d peak_in_flight=%d agent_cpu_ms_per_vc=%.2f"
              + " server_cpu_ms_per_vc=%.2f heap_baseline_mib=%.0f heap_kib_per_in_flight_vc=%.1f"
              + " (live heap after full GC, %d samples, in flight at the peak sample %d, GC pauses %.1f s)"
              + " notifications_delivered=%d server_stored=%d stored_not_reported=%d server_dropped=%d retries=%d"
              + " http_calls=%d tls_connections=%d",
          n, failed(), peakInFlight, (double) agentCpuMs / n, (double) serverCpuMs / n, baselineHeap / 1048576.0,
          perVcKib, heapSamples, inFlightAtPeakHeap, gcPauseNanos / 1e9, clientDelivered, serverStored,
          storedNotReported, serverDropped, retries, httpCalls, tlsConnections));
      sb.append(String.format(Locale.ROOT, "%nfleet-images vcs=%d image_bytes=%d bytes_fetched=%d fetches=%d"
          + " (%.2f images' worth) image_cache=%s", n, imageSize, imageBytes, imageRequests,
          (double) imageBytes / imageSize, cacheStats));
      errors.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(5)
          .forEach(e -> sb.append(String.format("%n# %d VC(s): %s", e.getValue(), e.getKey())));
      return sb.toString();
    }

    String line() {
      return String.format(Locale.ROOT, "fleet vcs=%d members=%d dialect=%s in_flight=%d wall_s=%.1f vcs_per_min=%.0f"
              + " p99_vc_s=%.1f agent_heap_mib=%.0f agent_threads=%d server_cpu_ms_per_vc=%.2f lost_notifications=%d",
          n, o.members, dialectName(), inFlight, wallSeconds(), n / wallSeconds() * 60, p99Seconds(),
          peakLiveHeap / 1048576.0, peakPlatformThreads, (double) serverCpuMs / n, lost);
    }
  }

  /** A server JVM, driven over its stdin/stdout. */
  private static final class ServerProcess {
    private final Process process;
    private final BufferedReader reader;
    private final Writer writer;
    final String ready;

    static ServerProcess start(Options o, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(o.serverJava);
      cmd.addAll(Arrays.asList(o.serverJvmOpts.split(" ")).stream().filter(s -> !s.isBlank()).toList());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(FleetServer.class.getName());
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      ServerProcess sp = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("READY ")) {
          sp = new ServerProcess(p, line, r);
          break;
        }
        System.err.println("[" + args[0] + "] " + line);
      }
      if (sp == null) {
        throw new IOException(args[0] + " server did not start (exit " + (p.isAlive() ? "still running" : String.valueOf(p.exitValue())) + ")");
      }
      return sp;
    }

    private ServerProcess(Process process, String ready, BufferedReader reader) {
      this.process = process;
      this.reader = reader;
      this.writer = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.ready = ready;
    }

    synchronized String command(String command, String expect) throws IOException {
      writer.write(command + "\n");
      writer.flush();
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.startsWith(expect)) {
          return line;
        }
        if (line.startsWith("ERROR")) {
          throw new IOException(command + ": " + line);
        }
        System.err.println(line);
      }
      throw new IOException("server ended while answering " + command);
    }

    void quit() {
      try {
        writer.write("quit\n");
        writer.flush();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException | InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }

  /** Command-line options. */
  static final class Options {
    int vcs = 1000;
    int members = 4;
    Dialect dialect = Dialect.JUNIPER;
    int inFlight = -1;
    double timeScale = 60;
    int imageKib = 64;
    String threads = Runtime.version().feature() >= 21 ? "virtual" : "platform";
    int pool = 256;
    int warmup = -1;
    long timeoutSeconds = 1800;
    String serverJava = ProcessHandle.current().info().command().orElse("java");
    String serverJvmOpts = "-Xmx2g";
    String histogram;
    boolean cache = true;
    boolean simHistory;
    int maxRequests = 64;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--vcs" -> o.vcs = Integer.parseInt(v);
          case "--members" -> o.members = Integer.parseInt(v);
          case "--dialect" -> o.dialect = switch (v.toLowerCase(Locale.ROOT)) {
            case "juniper" -> Dialect.JUNIPER;
            case "rfc8572" -> Dialect.RFC8572;
            default -> throw new IllegalArgumentException("--dialect juniper|rfc8572, was " + v);
          };
          case "--in-flight" -> o.inFlight = Integer.parseInt(v);
          case "--time-scale" -> o.timeScale = Double.parseDouble(v);
          case "--image-kib" -> o.imageKib = Integer.parseInt(v);
          case "--threads" -> o.threads = v;
          case "--pool" -> o.pool = Integer.parseInt(v);
          case "--warmup" -> o.warmup = Integer.parseInt(v);
          case "--timeout" -> o.timeoutSeconds = Long.parseLong(v);
          case "--server-java" -> o.serverJava = v;
          case "--server-jvm-opts" -> o.serverJvmOpts = v;
          case "--histogram" -> o.histogram = v;
          case "--cache" -> o.cache = switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--cache on|off, was " + v);
          };
          case "--max-requests" -> o.maxRequests = Integer.parseInt(v);
          case "--sim-history" -> o.simHistory = v.equals("on");
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
        i++;
      }
      if (o.members < 1 || o.members > 10) {
        throw new IllegalArgumentException("--members 1 to 10, was " + o.members);
      }
      if (o.inFlight <= 0) {
        o.inFlight = o.vcs;
      }
      if (o.warmup < 0) {
        o.warmup = Math.min(500, Math.max(1, o.vcs / 10));
      }
      return o;
    }
  }
}
