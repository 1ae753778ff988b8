package dev.phonehome.phc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's saved state, damaged between two runs, must never stop a VC from being provisioned: a copy that
 * does not verify (corrupt, truncated) is moved aside, kept, and reported once as {@code bootstrap-warning}; the
 * newest copy that verifies wins over a stale one, whichever member holds it; a missing copy is taken from the
 * other member. Subclass it like {@link DeviceOperationsCompatibilityKit}: {@link #bind} returns a new binding
 * over the kit's {@link VirtualChassisModel} for each run (a new process), {@link #release} ends it.
 *
 * <p>Each test runs the real {@link PhoneHomeClient} against a {@link FakePhoneHomeServer} over HTTPS on
 * loopback, kills the process before the backup's install (after the linecards were upgraded), damages the state
 * files on the members through the model, and runs a new process to the end. The VC: four EX4300 members, the
 * primary at member 2, the backup at member 3; the state file is {@link VirtualChassisModel#STATE_PATH} on each.
 */
public abstract class StateRecoveryKit {
  public static final String OLD_VERSION = DeviceOperationsCompatibilityKit.OLD_VERSION;
  public static final String NEW_VERSION = DeviceOperationsCompatibilityKit.NEW_VERSION;
  public static final String IMAGE_NAME = DeviceOperationsCompatibilityKit.IMAGE_NAME;
  public static final String IMAGE_URI = DeviceOperationsCompatibilityKit.IMAGE_URI;
  public static final List<String> SERIALS = DeviceOperationsCompatibilityKit.SERIALS;
  private static final byte[] IMAGE = "an EX4300 image for the state recovery kit\n".repeat(2000).getBytes();
  private static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>");
  private static final int PRIMARY = 2;
  private static final int BACKUP = 3;

  protected VirtualClock clock;
  protected VirtualChassisModel model;
  private FakePhoneHomeServer phs;
  /** installImage calls that reached the binding, per member, over every run. */
  private final Map<Integer, Integer> installs = new TreeMap<>();
  private int installCalls;

  /** A new binding over the kit's model: each run of the client is a new process with a new binding. */
  protected abstract DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) throws Exception;

  /** Ends a binding (default: closes it when it is {@link AutoCloseable}). */
  protected void release(DeviceOperations operations) throws Exception {
    if (operations instanceof AutoCloseable c) {
      c.close();
    }
  }

  @BeforeEach
  public void buildVirtualChassisAndServer() throws Exception {
    clock = new VirtualClock();
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock);
    for (int i = 0; i < SERIALS.size(); i++) {
      b.member(i, SERIALS.get(i), "ex4300-48p", OLD_VERSION);
    }
    model = b.primary(PRIMARY).backup(BACKUP)
        .image(IMAGE_NAME, NEW_VERSION, Bytes.of(digest("SHA-256")))
        .imageSource(uri -> {
          if (!uri.equals(IMAGE_URI)) {
            throw new IOException("404 Not Found: " + uri);
          }
          return new ByteArrayInputStream(IMAGE);
        })
        .build();
    phs = FakePhoneHomeServer.create().clock(clock).start();
    phs.addRecord(SERIALS.get(PRIMARY), OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(IMAGE_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(digest("SHA-256"))))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Bytes.of(digest("MD5")))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(CONFIG)
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, SERIALS.stream().map(IntendedMember::of).toList()))
        .build());
  }

  @AfterEach
  public void stopServer() {
    if (phs != null) {
      phs.close();
    }
  }

  // ---------------------------------------------------------------- the cases

  @Test
  @Timeout(120)
  public void aCorruptStateOnThePrimaryIsMovedAsideReportedOnceAndTheBackupsCopyWins() throws Exception {
    crashBeforeInstall(3);
    Bytes good = state(PRIMARY);
    byte[] bad = good.toByteArray();
    bad[bad.length - 10] ^= 0x20;
    model.writeMemberFile(PRIMARY, VirtualChassisModel.STATE_PATH, Bytes.of(bad));

    PhoneHomeResult result = runToTheEnd();

    assertProvisioned(result);
    assertInstalledOnce(0, 1);
    assertKeptAside(PRIMARY, Bytes.of(bad));
    List<String> warnings = warnings();
    assertEquals(1, warnings.size(), "one bootstrap-warning: " + warnings);
    assertTrue(warnings.get(0).contains("member " + PRIMARY) && warnings.get(0).contains("checksum"), warnings.get(0));
  }

  @Test
  @Timeout(120)
  public void aTruncatedStateOnEveryMemberRestartsFromTheBeginningAndSkipsWhatIsDone() throws Exception {
    crashBeforeInstall(3);
    Bytes onPrimary = truncate(PRIMARY);
    Bytes onBackup = truncate(BACKUP);

    PhoneHomeResult result = runToTheEnd();

    assertProvisioned(result);
    // The linecards were upgraded before the crash: the restart sees them on the new version and skips them.
    assertInstalledOnce(0, 1);
    assertKeptAside(PRIMARY, onPrimary);
    assertKeptAside(BACKUP, onBackup);
    List<String> warnings = warnings();
    assertEquals(2, warnings.size(), "one bootstrap-warning per damaged copy: " + warnings);
    assertTrue(warnings.stream().allMatch(w -> w.contains("truncated")), warnings.toString());
  }

  @Test
  @Timeout(120)
  public void aStaleStateOnTheBackupLosesToTheNewerOneOnThePrimary() throws Exception {
    crashBeforeInstall(1); // before the first linecard's install
    Bytes stale = state(BACKUP);
    crashBeforeInstall(4); // the next run installs both linecards (calls 2 and 3), dies before the backup's
    model.writeMemberFile(BACKUP, VirtualChassisModel.STATE_PATH, stale);

    PhoneHomeResult result = runToTheEnd();

    assertProvisioned(result);
    assertInstalledOnce(0, 1);
    assertEquals(List.of(), warnings(), "a stale copy verifies: nothing to warn about");
  }

  @Test
  @Timeout(120)
  public void aStaleStateOnThePrimaryLosesToTheNewerOneOnTheBackup() throws Exception {
    crashBeforeInstall(1);
    Bytes stale = state(PRIMARY);
    crashBeforeInstall(4);
    // As if the primary died between the backup's write and its own: the backup holds the newer state.
    model.writeMemberFile(PRIMARY, VirtualChassisModel.STATE_PATH, stale);

    PhoneHomeResult result = runToTheEnd();

    assertProvisioned(result);
    assertInstalledOnce(0, 1);
  }

  @Test
  @Timeout(120)
  public void aMissingStateOnThePrimaryIsTakenFromTheBackup() throws Exception {
    crashBeforeInstall(3);
    assertTrue(model.deleteMemberFile(PRIMARY, VirtualChassisModel.STATE_PATH));

    PhoneHomeResult result = runToTheEnd();

    assertProvisioned(result);
    assertInstalledOnce(0, 1);
    assertEquals(List.of(), warnings());
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a process that dies just before the {@code n}-th install of this test (1-based, counted over runs). */
  protected void crashBeforeInstall(int n) throws Exception {
    DeviceOperations ops = bind(model, clock);
    try (PhoneHomeClient client = client(crashingBeforeInstall(ops, n))) {
      assertThrows(SimulatedCrash.class, client::run);
    } finally {
      release(ops);
    }
  }

  /** Runs a new process to the end. */
  protected PhoneHomeResult runToTheEnd() throws Exception {
    DeviceOperations ops = bind(model, clock);
    try (PhoneHomeClient client = client(crashingBeforeInstall(ops, Integer.MAX_VALUE))) {
      return client.run();
    } finally {
      release(ops);
    }
  }

  private PhoneHomeClient client(DeviceOperations ops) {
    return PhoneHomeClient.builder()
        .bootstrapServers(phs.url().toString())
        .dialect(Dialect.JUNIPER)
        .sslContext(phs.clientSslContext(), phs.clientTrustManager())
        .deviceOperations(ops)
        .serialNumber(SERIALS.get(PRIMARY))
        .clock(clock).sleeper(clock).random(new Random(3))
        .memberDetectionTimeout(Duration.ofMinutes(10))
        .maxRounds(2)
        .build();
  }

  /** The binding, but the process dies right before the {@code n}-th install (over all runs of the test). */
  private DeviceOperations crashingBeforeInstall(DeviceOperations ops, int n) {
    return (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("installImage")) {
            installCalls++;
            if (installCalls == n) {
              throw new SimulatedCrash("the phone-home process dies before install number " + n);
            }
            installs.merge((Integer) args[0], 1, Integer::sum);
          }
          try {
            return method.invoke(ops, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private Bytes state(int member) {
    return model.storedState(member).orElseThrow(() -> new AssertionError("no state on member " + member + "; files: "
        + model.memberFiles(member).keySet()));
  }

  private Bytes truncate(int member) {
    Bytes s = state(member);
    Bytes cut = Bytes.of(Arrays.copyOf(s.toByteArray(), s.size() / 2));
    model.writeMemberFile(member, VirtualChassisModel.STATE_PATH, cut);
    return cut;
  }

  private void assertProvisioned(PhoneHomeResult result) {
    assertEquals(List.of(), result.failedMembers(), result.toString());
    for (VcMember m : model.members()) {
      assertEquals(NEW_VERSION, m.version(), "member " + m.memberId());
    }
    assertTrue(model.committedConfiguration().stream().anyMatch(c -> c.utf8().contains("<host-name>vc1</host-name>")),
        "configuration committed: " + model.committedConfiguration());
    assertTrue(model.pins().isEmpty(), "pins undone");
    assertEquals(List.of(), result.notificationsQueued());
    List<DeviceNotification> n = phs.distinctNotifications();
    assertEquals(ProgressType.BOOTSTRAP_COMPLETE, n.get(n.size() - 1).report().type());
  }

  private void assertInstalledOnce(int... members) {
    for (int m : members) {
      assertEquals(Integer.valueOf(1), installs.get(m), "installs per member: " + installs);
    }
  }

  private void assertKeptAside(int member, Bytes content) {
    List<String> aside = new ArrayList<>();
    model.memberFiles(member).forEach((path, bytes) -> {
      if (path.startsWith(VirtualChassisModel.STATE_PATH + ".corrupt-") && bytes.equals(content)) {
        aside.add(path);
      }
    });
    assertEquals(1, aside.size(), "the damaged state kept aside on member " + member + ": "
        + model.memberFiles(member).keySet());
  }

  private List<String> warnings() {
    return phs.distinctNotifications().stream()
        .filter(n -> n.report().type().equals(ProgressType.BOOTSTRAP_WARNING))
        .map(n -> String.valueOf(n.report().message()))
        .filter(m -> m.contains("phone-home state"))
        .toList();
  }

  private static byte[] digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm).digest(IMAGE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
