package dev.phonehome.phc.bench;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import okhttp3.OkHttpClient;

/**
 * Fetch + verify of one image with phc's engine code (ImageStager, AGENT_PUSHES) into a device that discards the
 * bytes, as {@code curl -s URL | sha256sum} discards them after hashing. Prints one line:
 * {@code phc bytes=<n> seconds=<s> MiB/s=<r> cpu_ns_per_byte=<process> download_thread_ns_per_byte=<d>
 * other_threads_ns_per_byte=<o> heapUsedAtEndMiB=<m> heapCommittedMiB=<c>}.
 *
 * <p>Usage: {@code ImageFetchBench <url> <sha256-hex>}
 */
public final class ImageFetchBench {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String sha256 = args[1];
    BootImage image = BootImage.builder().name("bench.img").addDownloadUri(url)
        .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_256, sha256)).build();
    long[] written = new long[1];
    DeviceOperations sink = new DiscardingDevice(written);
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    List<String> warnings = new java.util.ArrayList<>();
    ImageStager stager = new ImageStager(sink, http, RetryPolicy.DEFAULT, Sleeper.system(), new Random(),
        PhoneHomeEventListener.NONE, Duration.ofHours(1), 10, () -> {});
    double coldSeconds = Double.NaN;
    if (Boolean.parseBoolean(System.getProperty("warmup", "true"))) {
      // An agent's JVM runs for days: its JIT has long compiled the read and digest paths (SHA-256 runs
      // interpreted for the first hundreds of MiB otherwise). The first staging warms it; the second is measured.
      long w = System.nanoTime();
      stager.stage(image, warnings::add);
      coldSeconds = (System.nanoTime() - w) / 1e9;
    }
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long thread0 = threads.getCurrentThreadCpuTime();
    long process0 = os.getProcessCpuTime();
    long start = System.nanoTime();
    StagedImage staged = stager.stage(image, warnings::add);
    double seconds = (System.nanoTime() - start) / 1e9;
    double downloadThreadNs = (threads.getCurrentThreadCpuTime() - thread0) / (double) written[0];
    double processNs = (os.getProcessCpuTime() - process0) / (double) written[0];
    Runtime rt = Runtime.getRuntime();
    long heapUsed = rt.totalMemory() - rt.freeMemory();
    if (!warnings.isEmpty() || staged.size() != written[0]) {
      System.err.println("phc: unexpected: " + warnings + " " + staged);
      System.exit(1);
    }
    // The download thread reads from the network; the digest thread (DigestingCopy) hashes and writes. On a quiet
    // machine with two cores the throughput follows the busier of the two: the critical path.
    System.out.printf("phc bytes=%d seconds=%.3f MiB/s=%.1f cpu_ns_per_byte=%.3f download_thread_ns_per_byte=%.3f"
            + " other_threads_ns_per_byte=%.3f first_run_seconds=%.3f heapUsedAtEndMiB=%d heapCommittedMiB=%d%n",
        written[0], seconds, written[0] / seconds / (1 << 20), processNs, downloadThreadNs,
        processNs - downloadThreadNs, coldSeconds, heapUsed >> 20, rt.totalMemory() >> 20);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Only the image-upload part of a device: bytes are counted and dropped. */
  private static final class DiscardingDevice implements DeviceOperations {
    private final long[] written;

    DiscardingDevice(long[] written) {
      this.written = written;
    }

    @Override
    public ImageStaging imageStaging() {
      return ImageStaging.AGENT_PUSHES;
    }

    @Override
    public ImageUpload beginImageUpload(String fileName) {
      written[0] = 0;
      OutputStream out = new OutputStream() {
        @Override
        public void write(int b) {
          written[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          written[0] += len;
        }
      };
      return new ImageUpload() {
        @Override
        public OutputStream stream() {
          return out;
        }

        @Override
        public StagedImage complete() {
          return new StagedImage("/dev/null/" + fileName, written[0]);
        }

        @Override
        public void abort() {}

        @Override
        public void close() {}
      };
    }

    @Override public DeviceInfo deviceInfo() { throw new UnsupportedOperationException(); }
    @Override public List<VcMember> members() { throw new UnsupportedOperationException(); }
    @Override public StagedImage fetchImage(ImageFetch fetch) { throw new UnsupportedOperationException(); }
    @Override public void installImage(int memberId, StagedImage image) { throw new UnsupportedOperationException(); }
    @Override public void reboot(Collection<Integer> memberIds) { throw new UnsupportedOperationException(); }
    @Override public void pinRoles(int p, int b) { throw new UnsupportedOperationException(); }
    @Override public void unpinRoles() { throw new UnsupportedOperationException(); }
    @Override public void loadConfiguration(Bytes c, ConfigurationHandling h) { throw new UnsupportedOperationException(); }
    @Override public void commitConfiguration() { throw new UnsupportedOperationException(); }
    @Override public ScriptResult runScript(ScriptPhase phase, Bytes script) { throw new UnsupportedOperationException(); }
    @Override public void syslog(SyslogSeverity severity, String message) {}
    @Override public void persistState(int memberId, Bytes state) { throw new UnsupportedOperationException(); }
    @Override public Optional<Bytes> loadState() { return Optional.empty(); }
    @Override public Optional<Bytes> loadState(int memberId) { return Optional.empty(); }
    @Override public String moveStateAside(int memberId) { throw new UnsupportedOperationException(); }
    @Override public dev.phonehome.phc.api.device.StartConditions startConditions() {
      return new dev.phonehome.phc.api.device.StartConditions(true, null, false, List.of());
    }
    @Override public void clearState() {}
  }
}
