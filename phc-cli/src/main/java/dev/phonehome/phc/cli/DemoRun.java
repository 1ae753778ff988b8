package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One {@code phc demo} run: an embedded PHS over HTTPS on loopback (test PKI), a simulated EX4300 VC served over
 * NETCONF/SSH by the test kit's simulated Junos device, the image served over loopback HTTPS, and the real
 * {@link PhoneHomeClient} driving {@link JunosDeviceOperations}, on a virtual clock so that reboots take no
 * real time.
 */
final class DemoRun {
  static final String OLD_VERSION = "20.4R3.8";
  private static final long IMAGE_BYTES = 4L << 20;
  private static final String MODEL = "ex4300-48p";

  private final DemoCommand options;
  private final PrintWriter out;
  private final boolean terminal;

  DemoRun(DemoCommand options, PrintWriter out, boolean terminal) {
    this.options = options;
    this.out = out;
    this.terminal = terminal;
  }

  static String serial(int memberId) {
    return "PE37141002" + String.format("%02d", 18 + memberId);
  }

  int run() throws Exception {
    long wallStart = System.nanoTime();
    Dialect dialect = options.dialect.dialect();
    ProvisioningMode mode = options.mode == DemoCommand.Mode.STRICT ? ProvisioningMode.STRICT : ProvisioningMode.DEFAULT;
    out.println("phc demo: provisioning a simulated " + options.members + "-member EX4300 Virtual Chassis");
    out.println("  mode " + mode.yangName() + ", " + dialectName(dialect) + " dialect, " + options.rounds
        + " round(s) over the server list"
        + (options.failMember != null ? ", image install fails on member " + options.failMember : "")
        + (options.missingMember != null ? ", member " + options.missingMember + " never comes back after its reboot" : ""));
    out.println("  Reboots run in compressed time: a virtual clock, a 3-minute reboot takes no real time.");
    out.println("  Times shown as +mm:ss are virtual time since the start.");
    out.flush();

    TestPki pki = TestPki.create();
    VirtualClock clock = new VirtualClock();
    DemoImage image = new DemoImage(IMAGE_BYTES, 4300, dialect == Dialect.JUNIPER
        ? java.util.EnumSet.of(HashAlgorithm.MD5, HashAlgorithm.SHA_1) : java.util.EnumSet.noneOf(HashAlgorithm.class));
    SSLContext clientTls = pki.clientSslContext(null);

    VirtualChassisModel.Builder vb = VirtualChassisModel.builder().clock(clock)
        .image(DemoImage.FILE_NAME, DemoImage.VERSION, image.digest(HashAlgorithm.SHA_256))
        .imageSource(uri -> {
          HttpsURLConnection c = (HttpsURLConnection) URI.create(uri).toURL().openConnection();
          c.setSSLSocketFactory(clientTls.getSocketFactory());
          c.setConnectTimeout(10_000);
          c.setReadTimeout(10_000);
          return c.getInputStream();
        });
    for (int i = 0; i < options.members; i++) {
      vb.member(i, serial(i), MODEL, OLD_VERSION);
    }
    vb.primary(0);
    if (options.members > 1) {
      vb.backup(1);
    }
    VirtualChassisModel vc = vb.build();
    if (options.failMember != null) {
      vc.inject(new VcFault.InstallFails(options.failMember, Integer.MAX_VALUE));
    }
    if (options.missingMember != null) {
      vc.inject(new VcFault.MemberNeverReturns(options.missingMember));
    }

    DemoDisplay display = new DemoDisplay(out, terminal, clock, vc::members, vc::stagedVersion);
    String primarySerial = serial(0);
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    Outcome outcome;

    try (DemoImageServer images = DemoImageServer.start(pki.serverSslContext(), image, display::imageProgress,
            terminal ? IMAGE_BYTES * 2 / 3 : 0);
        PhoneHomeServer phs = PhoneHomeServer.builder()
            .records(records)
            .sslContext(pki.serverSslContext())
            // The device authenticates with its IDevID certificate (RFC 8572 section 5.3), issued by the test
            // PKI's manufacturer CA and naming its serial number; the Juniper dialect also takes serial + "".
            .clientAuth(dev.phonehome.phc.core.server.ClientAuth.WANT)
            .authenticator(dev.phonehome.phc.core.server.DeviceAuthentication.builder()
                .manufacturerCas(List.of(pki.manufacturerCa())).build())
            .bind("127.0.0.1", 0)
            .addProgressListener(n -> display.notification(n.report()))
            .build()
            .start();
        SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        JunosDeviceOperations ops = JunosDeviceOperations.builder()
            .host(device.host())
            .port(device.port())
            .password(device.username(), device.password())
            .hostKeyVerification(HostKeyVerification.pinned(List.of(device.hostKey())))
            .clock(clock)
            .sleeper(clock)
            .connectTimeout(Duration.ofSeconds(10))
            .rpcTimeout(Duration.ofSeconds(30))
            .installTimeout(Duration.ofSeconds(30))
            .commitTimeout(Duration.ofSeconds(30))
            .checksumTimeout(Duration.ofSeconds(30))
            .scriptTimeout(Duration.ofSeconds(30))
            .reconnectTimeout(Duration.ofMinutes(30))
            .build()) {
      records.put(primarySerial, onboarding(dialect, mode, images.uri(), image, options.members));
      out.println("  PHS        " + phs.url() + " (HTTPS, test PKI), record for " + primarySerial);
      out.println("  image      " + images.uri() + " (" + (IMAGE_BYTES >> 20) + " MiB, "
          + (dialect == Dialect.JUNIPER ? "md5 + sha1" : "sha-256") + ")");
      out.println("  VC         NETCONF over SSH at " + device.host() + ":" + device.port()
          + " (simulated Junos), all members on " + OLD_VERSION + ", target " + DemoImage.VERSION);
      out.println();
      display.refresh(true);

      PhoneHomeClient.Builder cb = PhoneHomeClient.builder()
          .bootstrapServers(phs.url().toString())
          .dialect(dialect)
          .deviceOperations(ops)
          .sslContext(pki.clientSslContext(primarySerial), pki.clientTrustManager())
          .keyManagers(pki.deviceKeyManagers(primarySerial))
          .clock(clock)
          .sleeper(clock)
          .random(new Random(8572))
          .maxRounds(options.rounds)
          .notificationDrainTimeout(Duration.ofMinutes(1))
          .eventListener(new Narrator(display));
      try (PhoneHomeClient client = cb.build()) {
        PhoneHomeResult result = client.run();
        outcome = Outcome.of(result);
      } catch (BootstrapFailedException e) {
        outcome = Outcome.failed(e.getMessage());
      } catch (PhcException e) {
        outcome = Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      display.finish();
      summary(display, outcome, phs.progress().status(primarySerial), mode, dialect, wallStart);
    }
    return outcome.success ? ExitCodes.OK : ExitCodes.PROVISIONING_FAILED;
  }

  private void summary(DemoDisplay display, Outcome outcome, DeviceStatus phsView, ProvisioningMode mode,
      Dialect dialect, long wallStart) {
    out.println();
    out.println("Summary");
    out.println("  result        " + (!outcome.success ? "FAILED: " + firstLine(outcome.reason)
        : outcome.reason.isEmpty() ? "SUCCESS: the Virtual Chassis was provisioned"
        : "SUCCESS: the Virtual Chassis was provisioned; " + outcome.reason
            + " (default mode goes on and reports them)"));
    if (!outcome.success && outcome.reason.contains("\n")) {
      for (String l : outcome.reason.substring(outcome.reason.indexOf('\n') + 1).split("\n")) {
        out.println("                " + l.strip());
      }
    }
    out.println("  mode          " + mode.yangName() + ", " + dialectName(dialect) + " dialect");
    if (!outcome.members.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (MemberOutcome m : outcome.members) {
        parts.add(m.memberId() + " " + m.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
      out.println("  members       " + String.join(", ", parts));
    }
    out.println("  PHS view      " + phsView.serialNumber() + " " + phsView.state().name().toLowerCase(Locale.ROOT)
        + (phsView.phase() == null ? "" : " (last: " + phsView.phase().name() + ")") + ", "
        + phsView.notifications() + " notifications received");
    out.println("  time          " + StatusView.human(display.virtualElapsed()) + " virtual (reboots compressed), "
        + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - wallStart) / 1e9) + " real");
    out.println("  exit code     " + (outcome.success ? ExitCodes.OK : ExitCodes.PROVISIONING_FAILED));
    out.flush();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static OnboardingInformation onboarding(Dialect dialect, ProvisioningMode mode, URI imageUri, DemoImage image,
      int members) {
    BootImage.Builder bi = BootImage.builder()
        .name(DemoImage.FILE_NAME)
        .osName("junos")
        .osVersion(DemoImage.VERSION)
        .addDownloadUri(imageUri.toString());
    if (dialect == Dialect.JUNIPER) {
      bi.addVerification(image.verification(HashAlgorithm.MD5)).addVerification(image.verification(HashAlgorithm.SHA_1));
    } else {
      bi.addVerification(image.verification(HashAlgorithm.SHA_256));
    }
    return OnboardingInformation.builder()
        .bootImage(bi.build())
        .configuration(Bytes.utf8("<configuration><system><host-name>demo-vc</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(mode, intendedMembers(members)))
        .build();
  }

  static List<IntendedMember> intendedMembers(int count) {
    List<IntendedMember> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new IntendedMember(serial(i), i, i < 2 ? IntendedRole.ROUTING_ENGINE : IntendedRole.LINE_CARD, MODEL));
    }
    return list;
  }

  /** What the run ended with. */
  private record Outcome(boolean success, String reason, List<MemberOutcome> members) {
    static Outcome of(PhoneHomeResult r) {
      List<MemberOutcome> failed = r.failedMembers();
      String reason = failed.isEmpty() ? "" : "member(s) " + String.join(", ", failed.stream()
          .map(m -> m.memberId() + " (" + m.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")").toList())
          + " failed";
      return new Outcome(true, reason, r.members());
    }

    static Outcome failed(String reason) {
      return new Outcome(false, reason, List.of());
    }
  }

  /** Turns engine events into lines and table refreshes. */
  private static final class Narrator implements PhoneHomeEventListener {
    private final DemoDisplay display;

    Narrator(DemoDisplay display) {
      this.display = display;
    }

    @Override
    public void serverRequested(String serverUrl) {
      display.line(display.elapsed() + "  -> asking " + serverUrl + " for bootstrap data");
    }

    @Override
    public void serverFailed(String serverUrl, PhcException error) {
      display.line(display.elapsed() + "  !! " + serverUrl + " failed: " + error.getMessage());
    }

    @Override
    public void onboardingReceived(String serverUrl) {
      display.line(display.elapsed() + "  <- onboarding information received");
    }

    @Override
    public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
      display.line(display.elapsed() + "  -> the VC downloads " + uri.substring(uri.lastIndexOf('/') + 1)
          + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }

    @Override
    public void imageDownloadFailed(String uri, int attempt, String reason) {
      display.line(display.elapsed() + "  !! download attempt " + attempt + " failed: " + reason);
    }

    @Override
    public void imageStaged(String path, long size) {
      display.line(display.elapsed() + "  <- image staged at " + path + ", every checksum verified on the device");
    }

    @Override
    public void notificationQueued(ProgressReport report) {
      display.refresh(false);
    }

    @Override
    public void runFailed(PhcException error) {
      display.refresh(false);
    }

    @Override
    public void runCompleted() {
      display.refresh(false);
    }
  }

  private static String dialectName(Dialect d) {
    return d == Dialect.JUNIPER ? "Juniper" : "RFC 8572";
  }
}
