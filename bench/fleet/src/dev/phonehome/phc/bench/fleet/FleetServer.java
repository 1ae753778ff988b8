package dev.phonehome.phc.bench.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.server.BasicDeviceAuthenticator;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The far side of the fleet benchmark, one JVM per role, driven over stdin/stdout by {@link FleetBench}:
 *
 * <ul>
 *   <li>{@code phs}: the real {@link PhoneHomeServer} (HTTPS on loopback, its generated certificate, BoringSSL
 *       when netty-tcnative is on the class path) with a record per VC. Commands: {@code records <prefix> <n>
 *       <members> <imageUrl> <hashes>} adds the records of one phase; {@code ids <prefix> <n> <file>} writes
 *       every stored notification id of those VCs to a file ({@code <serial> <id>} per line); {@code stats}
 *       answers with the process CPU time.
 *   <li>{@code images}: an HTTP image server (JDK HttpServer) that counts the bytes and requests it serves.
 *       Commands: {@code stats}.
 * </ul>
 */
public final class FleetServer {
  static final String IMAGE_NAME = "jinstall-ex-4300-23.4R2.13-signed.tgz";
  static final String TARGET_VERSION = "23.4R2.13";

  public static void main(String[] args) throws Exception {
    String role = args[0];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (role.equals("images")) {
      images(Integer.parseInt(args[1]), in);
    } else {
      phs(Dialect.valueOf(args[1].toUpperCase(Locale.ROOT)), Path.of(args[2]), in);
    }
  }

  // ---------------------------------------------------------------------------------------------- images

  private static void images(int kib, BufferedReader in) throws Exception {
    byte[] image = new byte[kib * 1024];
    new Random(15).nextBytes(image);
    AtomicLong bytes = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.createContext("/images/" + IMAGE_NAME, (HttpExchange x) -> {
      requests.incrementAndGet();
      x.getResponseHeaders().set("Content-Type", "application/octet-stream");
      x.sendResponseHeaders(200, image.length);
      try (OutputStream out = x.getResponseBody()) {
        for (int off = 0; off < image.length; off += 64 * 1024) {
          int n = Math.min(64 * 1024, image.length - off);
          out.write(image, off, n);
          bytes.addAndGet(n);
        }
      }
    });
    http.start();
    StringBuilder hashes = new StringBuilder();
    for (HashAlgorithm a : HashAlgorithm.values()) {
      hashes.append(hashes.length() == 0 ? "" : ",").append(a.name()).append('=')
          .append(Bytes.of(MessageDigest.getInstance(a.jcaName()).digest(image)).hex());
    }
    System.out.println("READY url=http://127.0.0.1:" + http.getAddress().getPort() + "/images/" + IMAGE_NAME
        + " size=" + image.length + " hashes=" + hashes);
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("stats")) {
        System.out.println("STATS bytes=" + bytes.get() + " requests=" + requests.get() + " cpu_ms=" + cpuMillis());
      } else if (line.equals("quit")) {
        break;
      } else {
        System.out.println("ERROR unknown command " + line);
      }
      System.out.flush();
    }
    http.stop(0);
    System.exit(0);
  }

  // ---------------------------------------------------------------------------------------------- phs

  private static void phs(Dialect dialect, Path certFile, BufferedReader in) throws Exception {
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    BasicDeviceAuthenticator auth = BasicDeviceAuthenticator.create();
    if (dialect == Dialect.RFC8572) {
      // RFC 8572 section 5.3: a per-device secret (serial + empty password is not enough there).
      auth = auth.withPasswords(serial -> Optional.of(FleetBench.password(serial)));
    }
    PhoneHomeServer server = PhoneHomeServer.builder()
        .records(records)
        .authenticator(auth)
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(intProperty("phs.maxConcurrentRequests",
            ServerLimits.DEFAULT.maxConcurrentRequests())))
        .bind("127.0.0.1", 0)
        .build()
        .start();
    Files.writeString(certFile, Base64.getEncoder().encodeToString(server.generatedCertificate().getEncoded()));
    System.out.println("READY url=" + server.url() + " tls=" + server.tlsImplementation() + " java="
        + System.getProperty("java.version"));
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.split(" ");
      switch (w[0]) {
        case "records" -> {
          String prefix = w[1];
          int n = Integer.parseInt(w[2]);
          int members = Integer.parseInt(w[3]);
          BootImage image = image(w[4], w[5], dialect);
          for (int i = 0; i < n; i++) {
            records.put(FleetBench.serial(prefix, i, 0), onboarding(prefix, i, members, image));
          }
          System.out.println("OK records=" + n);
        }
        case "ids" -> {
          String prefix = w[1];
          int n = Integer.parseInt(w[2]);
          long total = 0;
          long dropped = 0;
          try (BufferedWriter out = Files.newBufferedWriter(Path.of(w[3]))) {
            for (int i = 0; i < n; i++) {
              String serial = FleetBench.serial(prefix, i, 0);
              dropped += server.progress().status(serial).droppedNotifications();
              for (DeviceNotification d : server.progress().timeline(serial)) {
                if (d.report().notificationId() != null) {
                  out.write(serial + " " + d.report().notificationId() + "\n");
                  total++;
                }
              }
            }
          }
          System.out.println("IDS total=" + total + " dropped=" + dropped);
        }
        case "stats" -> System.out.println("STATS cpu_ms=" + cpuMillis() + " heap_mib=" + heapMib());
        case "quit" -> {
          server.close();
          System.exit(0);
        }
        default -> System.out.println("ERROR unknown command " + line);
      }
      System.out.flush();
    }
    server.close();
  }

  static BootImage image(String url, String hashes, Dialect dialect) {
    BootImage.Builder b = BootImage.builder().name(IMAGE_NAME).osName("junos").osVersion(TARGET_VERSION)
        .addDownloadUri(url);
    for (String h : hashes.split(",")) {
      String[] kv = h.split("=");
      HashAlgorithm a = HashAlgorithm.valueOf(kv[0]);
      // What each dialect's servers give: md5 + sha1 in Juniper's boot-image, sha-256 in RFC 8572.
      boolean wanted = dialect == Dialect.JUNIPER ? a == HashAlgorithm.MD5 || a == HashAlgorithm.SHA_1
          : a == HashAlgorithm.SHA_256;
      if (wanted) {
        b.addVerification(ImageVerification.ofHex(a, kv[1]));
      }
    }
    return b.build();
  }

  /** The whole SPEC 4 process: image, full topology (default mode), pre- and post-script, configuration. */
  static OnboardingInformation onboarding(String prefix, int vc, int members, BootImage image) {
    List<IntendedMember> intended = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      intended.add(new IntendedMember(FleetBench.serial(prefix, vc, m), m,
          m < 2 ? IntendedRole.ROUTING_ENGINE : IntendedRole.LINE_CARD, FleetBench.MODEL));
    }
    return OnboardingInformation.builder()
        .bootImage(image)
        .addPreConfigurationScript(Bytes.utf8("#!/bin/sh\necho pre " + prefix + vc + "\n"))
        .configuration(Bytes.utf8("<configuration><system><host-name>vc-" + prefix + vc
            + "</host-name></system></configuration>"))
        .addPostConfigurationScript(Bytes.utf8("#!/bin/sh\necho post " + prefix + vc + "\n"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, intended))
        .build();
  }

  static long cpuMillis() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
  }

  private static long heapMib() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  private static int intProperty(String name, int dflt) {
    String v = System.getProperty(name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private FleetServer() {}
}
