package dev.phonehome.phc.junos;

import com.sun.net.httpserver.HttpServer;
import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.RecordedUpload;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent-push path end to end in its own JVM, so that its heap can be capped below the image size: the
 * engine ({@link PhoneHomeClient}) downloads a generated image over loopback HTTP, verifies it while it flows,
 * {@link JunosDeviceOperations} pushes it over SFTP or SCP to a 4-member {@link SimulatedJunosDevice}, the
 * device's checksum confirms it, every member installs it and reboots (virtual time). Prints one
 * {@code RESULT key=value ...} line; exits 0 only when the VC ends on the new version with the pushed file
 * byte-identical. Run by {@link JunosAgentPushEndToEndTest}; also by hand:
 * {@code java -Xmx48m -cp <test classpath> dev.phonehome.phc.junos.AgentPushRun 67108864 sftp}.
 */
public final class AgentPushRun {
  private static final String OLD = "20.4R3.8";
  private static final String NEW = "21.4R3.15";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final List<String> SERIALS = List.of("PE3714100218", "PE3714100301", "PE3714100477", "PE3714100592");

  private AgentPushRun() {}

  /** The image: {@code size} pseudo-random bytes, generated as they are sent (never held in memory). */
  static void writeImage(OutputStream out, long size) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long x = 0x9E3779B97F4A7C15L;
    for (long sent = 0; sent < size; ) {
      int n = (int) Math.min(buf.length, size - sent);
      for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        buf[i] = (byte) x;
      }
      out.write(buf, 0, n);
      sent += n;
    }
  }

  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[0]);
    ImageTransfer transfer = ImageTransfer.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    writeImage(new OutputStream() {
      @Override
      public void write(int b) {
        sha.update((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        sha.update(b, off, len);
      }
    }, size);
    Bytes sha256 = Bytes.of(sha.digest());

    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/images/" + IMAGE_NAME, exchange -> {
      exchange.sendResponseHeaders(200, size);
      try (OutputStream body = exchange.getResponseBody()) {
        writeImage(body, size);
      }
    });
    http.start();

    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    AtomicLong sampledPeak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      Runtime rt = Runtime.getRuntime();
      while (!Thread.currentThread().isInterrupted()) {
        sampledPeak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long started = System.nanoTime();

    VirtualClock clock = new VirtualClock();
    VirtualChassisModel.Builder mb = VirtualChassisModel.builder().clock(clock);
    for (int i = 0; i < 4; i++) {
      mb.member(i, SERIALS.get(i), "ex4300-48p", OLD);
    }
    VirtualChassisModel vc = mb.primary(2).backup(3).image(IMAGE_NAME, NEW, sha256).build();
    String uri = "http://127.0.0.1:" + http.getAddress().getPort() + "/images/" + IMAGE_NAME;
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(uri)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, sha256)).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<configuration><system><host-name>pushed</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT, SERIALS.stream().map(IntendedMember::of).toList()))
        .build();
    PhoneHomeResult result;
    List<RecordedUpload> uploads;
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().clock(clock).start();
        SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        JunosDeviceOperations ops = SimulatedVc.client(device, clock).imageStaging(ImageStaging.AGENT_PUSHES)
            .imageTransfer(transfer).build()) {
      phs.addRecord(SERIALS.get(2), onboarding);
      try (PhoneHomeClient client = PhoneHomeClient.builder()
          .bootstrapServers(phs.url().toString())
          .dialect(Dialect.JUNIPER)
          .sslContext(phs.clientSslContext(), phs.clientTrustManager())
          .deviceOperations(ops)
          .clock(clock).sleeper(clock).random(new Random(7))
          .maxRounds(2)
          .build()) {
        result = client.run();
      }
      uploads = device.uploads();
    } finally {
      http.stop(0);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    sampler.interrupt();
    long poolPeak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        poolPeak += p.getPeakUsage().getUsed();
      }
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    boolean versions = vc.members().stream().allMatch(m -> m.isPresent() && NEW.equals(m.version()));
    RecordedUpload pushed = uploads.stream().filter(u -> u.path().endsWith(IMAGE_NAME + ".part")).findFirst()
        .orElse(null);
    boolean identical = pushed != null && pushed.complete() && pushed.bytes() == size && pushed.sha256().equals(sha256);
    boolean renamed = vc.file("/var/tmp/" + IMAGE_NAME).map(f -> f.size() == size).orElse(false);
    System.out.printf(java.util.Locale.ROOT,
        "RESULT transfer=%s image_bytes=%d max_heap_mb=%.1f peak_heap_used_mb=%.1f sampled_peak_heap_used_mb=%.1f "
            + "run_seconds=%.2f run_mib_per_s=%.1f failed_members=%s all_on_new_version=%s upload_identical=%s renamed=%s%n",
        transfer, size, maxHeap / 1048576.0, poolPeak / 1048576.0, sampledPeak.get() / 1048576.0, seconds,
        size / 1048576.0 / seconds, result.failedMembers(), versions, identical, renamed);
    System.out.println("members " + vc.members().stream().map(VcMember::toString).toList());
    System.exit(versions && identical && renamed && result.failedMembers().isEmpty() ? 0 : 1);
  }
}
