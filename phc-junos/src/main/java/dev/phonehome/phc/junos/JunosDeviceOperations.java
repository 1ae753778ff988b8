package dev.phonehome.phc.junos;

import static dev.phonehome.phc.junos.internal.JunosXml.escape;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.junos.internal.JunosReplies;
import dev.phonehome.phc.junos.internal.JunosXml;
import dev.phonehome.phc.junos.internal.NetconfFraming;
import dev.phonehome.phc.junos.internal.NetconfSession;
import dev.phonehome.phc.junos.internal.RpcReply;
import java.io.IOException;
import dev.phonehome.phc.junos.internal.StartConditionReplies;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * {@link DeviceOperations} for a Junos device or Virtual Chassis over NETCONF/SSH (Junos XML RPCs, sent as
 * ncclient and PyEZ send them: {@code <nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">} around an
 * unqualified Junos operation). Both image stagings (set with {@link Builder#imageStaging}): by default the
 * device fetches images itself ({@link ImageStaging#DEVICE_FETCHES}: {@code file-copy} from the URL, then the
 * device's own checksum for every digest: {@code get-checksum-information} (MD5),
 * {@code get-sha1-checksum-information}, {@code get-sha256-checksum-information}); with
 * {@link ImageStaging#AGENT_PUSHES} the engine downloads and this binding pushes the bytes over SFTP or SCP
 * ({@link #beginImageUpload}), verified with the device's own checksum before the install.
 *
 * <p>The RPCs used, per operation:
 * <ul>
 *   <li>{@link #members()}: {@code <get-virtual-chassis-information/>} (roles, status, serials) and
 *       {@code <command>show version invoke-on all-routing-engines</command>} (versions per {@code fpcN}/
 *       {@code memberN}); devices without VC support: {@code get-chassis-inventory} and
 *       {@code get-software-information}.
 *   <li>{@link #fetchImage}: {@code file-copy}, a checksum RPC per digest, {@code file-delete}
 *       on a mismatch.
 *   <li>{@link #installImage}: {@code request-package-add} with {@code <member>}.
 *   <li>{@link #reboot}: {@code request-reboot} with {@code <member>}, one per member, the session's own
 *       member (the primary) last.
 *   <li>{@link #beginImageUpload}: SFTP (or SCP) to {@code <imageDirectory>/<name>.part} over its own SSH
 *       session, {@code get-sha256-checksum-information} (MD5 where there is none), {@code file-rename} to
 *       {@code <name>}, {@code file-delete} when it fails or is aborted.
 *   <li>{@link #loadConfiguration}/{@link #commitConfiguration}: {@code lock-configuration} (the exclusive
 *       lock), {@code load-configuration}, {@code commit-configuration}, {@code unlock-configuration}; a failure
 *       rolls the candidate back ({@code load-configuration rollback="0"}) before unlocking.
 *   <li>{@link #pinRoles}/{@link #unpinRoles}: under the same lock, {@code load-configuration} (merge, XML) of
 *       {@code virtual-chassis member N mastership-priority 255} (delete on unpin), then
 *       {@code commit-configuration}. An instance that did not pin (the engine resumed in a new process)
 *       deletes the priority of every present member: the start condition is a factory-default VC.
 *   <li>{@link #runScript}: {@code file-put} (base64) to {@code /var/tmp}, {@code request-shell-execute},
 *       {@code file-delete}.
 *   <li>{@link #syslog}: {@code request-shell-execute} of {@code logger -p user.<level> -t phc}.
 *   <li>{@link #persistState}: {@code file-put} (base64) of the state to {@code /var/tmp/phc-state.new} (for
 *       another member: to {@code .outgoing}, then {@code file-copy} to {@code fpcN:/var/tmp/phc-state.new}),
 *       then {@code file-rename} over {@code /var/tmp/phc-state} on that member: atomic;
 *       {@link #loadState(int)}: {@code file-show} (base64) of the state file on the member ({@code fpcN:} when it
 *       is not the primary); {@link #moveStateAside}: {@code file-rename} to {@code .corrupt-<millis>};
 *       {@link #clearState()}: {@code file-delete} per member.
 * </ul>
 *
 * <p>The session is opened on first use and re-opened on the next call after it drops (reboots, primary
 * change): connection attempts continue with backoff, through the injected {@link Sleeper}, until the
 * reconnect timeout passes on the injected {@link Clock}. Read-only calls are retried once on a new session;
 * other calls report {@link PhcDeviceException#sessionLost()} because their outcome is unknown. Thread-safe:
 * calls are serialized. Close it to release the SSH client.
 */
public final class JunosDeviceOperations implements DeviceOperations, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JunosDeviceOperations.class);
  private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");
  private static final Pattern EXIT_MARKER = Pattern.compile("PHC-EXIT-STATUS=(\\d+)");
  private static final int MASTERSHIP_PRIORITY = 255;

  private final Builder config;
  private final SshClient client;
  private final boolean ownsClient;
  private @Nullable NetconfSession session;
  private final TreeSet<Integer> pinned = new TreeSet<>();
  private @Nullable Integer lastPrimary;
  /** The session on which this instance holds the exclusive candidate lock, or null. */
  private @Nullable NetconfSession lockSession;
  private int lastPresentCount = 1;
  private volatile @Nullable PublicKey verifiedHostKey;

  private JunosDeviceOperations(Builder b) {
    this.config = b;
    if (b.sshClient != null) {
      this.client = b.sshClient;
      this.ownsClient = false;
    } else {
      this.client = SshClient.setUpDefaultClient();
      this.ownsClient = true;
    }
    ServerKeyVerifier verifier = Objects.requireNonNull(b.hostKeys, "hostKeyVerification").verifier();
    client.setServerKeyVerifier((session, address, key) -> {
      boolean ok = verifier.verifyServerKey(session, address, key);
      if (ok) {
        verifiedHostKey = key;
      }
      return ok;
    });
    if (ownsClient) {
      client.start();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return config.copy();
  }

  // ---------------------------------------------------------------- sessions

  private synchronized NetconfSession session() {
    NetconfSession s = session;
    if (s != null && s.isOpen()) {
      return s;
    }
    session = null;
    Instant deadline = config.clock.instant().plus(config.reconnectTimeout);
    Duration backoff = config.reconnectBackoff;
    PhcDeviceException last;
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        NetconfSession opened = NetconfSession.open(client, new NetconfSession.Target(
            config.host, config.port, config.username, config.password, config.keyPair, config.connectTimeout,
            config.maxMessageBytes, config.chunkedFraming));
        log.info("NETCONF session to {}:{} open (attempt {}, framing {})", config.host, config.port, attempt,
            opened.framing());
        session = opened;
        return opened;
      } catch (PhcDeviceException e) {
        if (!e.sessionLost()) {
          throw e; // authentication or host key: permanent
        }
        last = e;
      }
      if (!config.clock.instant().plus(backoff).isBefore(deadline)) {
        throw new PhcDeviceException("connect", null, "no NETCONF session to " + config.host + ":" + config.port
            + " within " + config.reconnectTimeout + " (" + attempt + " attempts): " + last.getMessage(), true, last);
      }
      log.debug("connect attempt {} failed ({}); retrying in {}", attempt, last.getMessage(), backoff);
      try {
        config.sleeper.sleep(backoff);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new PhcDeviceException("connect", null, "interrupted while reconnecting", true, ie);
      }
      backoff = min(backoff.multipliedBy(2), config.maxReconnectBackoff);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** An RPC whose outcome is unknown if the session drops: not retried. */
  private synchronized RpcReply call(String op, @Nullable Integer member, String body, Duration timeout) {
    NetconfSession s = session();
    try {
      return s.rpc(op, member, body, timeout);
    } catch (PhcDeviceException e) {
      if (e.sessionLost()) {
        s.close();
        session = null;
      }
      throw e;
    }
  }

  /** A read-only RPC: retried once on a fresh session when the session drops. */
  private synchronized RpcReply read(String op, @Nullable Integer member, String body) {
    try {
      return call(op, member, body, config.rpcTimeout);
    } catch (PhcDeviceException e) {
      if (!e.sessionLost()) {
        throw e;
      }
      log.info("{}: session lost ({}); reconnecting and retrying once", op, e.getMessage());
      return call(op, member, body, config.rpcTimeout);
    }
  }

  /** The framing of the open session, or null when none is open (for diagnostics and tests). */
  synchronized NetconfFraming.@Nullable Mode currentFraming() {
    NetconfSession s = session;
    return s != null && s.isOpen() ? s.framing() : null;
  }

  // ---------------------------------------------------------------- facts

  @Override
  public synchronized DeviceInfo deviceInfo() {
    List<VcMember> members = members();
    VcMember primary = members.stream()
        .filter(m -> m.isPresent() && m.role() == MemberRole.PRIMARY)
        .findFirst()
        .orElseThrow(() -> new PhcDeviceException("device-info", null, "no present member reports the primary role"));
    return new DeviceInfo(primary.serialNumber(), primary.model(), "Junos", primary.version());
  }

  @Override
  public synchronized List<VcMember> members() {
    RpcReply vc = read("members", null, "<get-virtual-chassis-information/>");
    List<VcMember> members;
    if (vc.hasErrors()) {
      log.info("get-virtual-chassis-information failed ({}); treating the device as standalone",
          RpcReply.describe(vc.errors()));
      members = standalone();
    } else {
      members = JunosReplies.virtualChassisMembers(vc.root());
    }
    Map<Integer, JunosReplies.Software> software = software(members);
    List<VcMember> out = new ArrayList<>(members.size());
    Integer primary = null;
    int present = 0;
    for (VcMember m : members) {
      VcMember withVersion = m;
      JunosReplies.Software sw = software.get(m.memberId());
      if (m.isPresent() && sw != null) {
        withVersion = m.withVersion(sw.version());
        if (m.model() == null && sw.model() != null) {
          withVersion = new VcMember(m.memberId(), m.serialNumber(), sw.model(), m.role(), m.status(), sw.version());
        }
      }
      out.add(withVersion);
      if (m.isPresent()) {
        present++;
        if (m.role() == MemberRole.PRIMARY) {
          primary = m.memberId();
        }
      }
    }
    lastPrimary = primary;
    lastPresentCount = present;
    return List.copyOf(out);
  }

  private List<VcMember> standalone() {
    RpcReply inv = read("members", null, "<get-chassis-inventory/>").requireNoErrors("members", null);
    JunosReplies.Chassis chassis = JunosReplies.chassis(inv.root());
    return List.of(new VcMember(0, chassis.serialNumber(), null, MemberRole.PRIMARY,
        dev.phonehome.phc.api.model.MemberStatus.PRESENT, null));
  }

  private Map<Integer, JunosReplies.Software> software(List<VcMember> members) {
    Integer primary = members.stream().filter(m -> m.role() == MemberRole.PRIMARY).map(VcMember::memberId)
        .findFirst().orElse(null);
    RpcReply reply = read("versions", null, "<command>show version invoke-on all-routing-engines</command>");
    if (reply.hasErrors()) {
      log.info("show version invoke-on all-routing-engines failed ({}); using get-software-information",
          RpcReply.describe(reply.errors()));
      reply = read("versions", null, "<get-software-information/>").requireNoErrors("versions", null);
    }
    Map<Integer, JunosReplies.Software> out = new LinkedHashMap<>();
    for (JunosReplies.Software sw : JunosReplies.software(reply.root())) {
      Integer id = sw.memberId() != null ? sw.memberId() : primary;
      if (id != null) {
        out.putIfAbsent(id, sw);
      }
    }
    return out;
  }

  @Override
  public ImageStaging imageStaging() {
    return config.imageStaging;
  }

  // ---------------------------------------------------------------- images

  @Override
  public synchronized StagedImage fetchImage(ImageFetch fetch) {
    String name = safeFileName("fetch-image", fetch.fileName());
    String path = config.imageDirectory + "/" + name;
    RpcReply copy = call("fetch-image", null, "<file-copy><source>" + escape(fetch.sourceUri()) + "</source>"
        + "<destination>" + escape(path) + "</destination></file-copy>", fetch.timeout());
    if (copy.hasErrors()) {
      throw new PhcDeviceException("fetch-image", null, "file-copy of " + fetch.sourceUri() + " to " + path
          + " failed: " + RpcReply.describe(copy.errors()));
    }
    String output = JunosReplies.output(copy.root());
    if (JunosReplies.hasErrorLine(output) || output.toLowerCase(Locale.ROOT).contains("error:")) {
      deleteQuietly(path);
      throw new PhcDeviceException("fetch-image", null, "file-copy of " + fetch.sourceUri() + " failed: " + output);
    }
    int verified = 0;
    for (ImageVerification v : fetch.verifications()) {
      String rpc = checksumRpc(v.algorithm());
      if (rpc == null) {
        log.warn("fetch-image: Junos has no {} file checksum; that digest of {} is not checked on the device",
            v.algorithm().jcaName(), path);
        continue;
      }
      String actual;
      try {
        actual = deviceChecksum("fetch-image", path, v.algorithm());
      } catch (PhcDeviceException e) {
        deleteQuietly(path);
        throw e;
      }
      String expected = v.value().hex();
      if (!actual.equals(expected)) {
        deleteQuietly(path);
        throw new PhcDeviceException("fetch-image", null, v.algorithm().jcaName() + " of " + path + " is " + actual
            + ", expected " + expected + "; the file was deleted");
      }
      verified++;
    }
    if (verified == 0) {
      deleteQuietly(path);
      throw new PhcDeviceException("fetch-image", null, "no digest of " + name
          + " can be checked on the device (supported: MD5, SHA-1, SHA-256); the file was deleted");
    }
    return new StagedImage(path, -1);
  }

  /** The Junos RPC that computes a file checksum with this algorithm on the device, or null when there is none. */
  static @Nullable String checksumRpc(HashAlgorithm a) {
    return switch (a) {
      case MD5 -> "get-checksum-information";       // file checksum md5
      case SHA_1 -> "get-sha1-checksum-information"; // file checksum sha1
      case SHA_256 -> "get-sha256-checksum-information"; // file checksum sha-256
      case SHA_512 -> null;
    };
  }

  /** The device's own checksum of a file, lower-case hex. */
  private String deviceChecksum(String op, String path, HashAlgorithm algorithm) {
    String rpc = Objects.requireNonNull(checksumRpc(algorithm), "no Junos checksum RPC for " + algorithm);
    RpcReply sum = call(op, null, "<" + rpc + "><path>" + escape(path) + "</path></" + rpc + ">",
        config.checksumTimeout);
    if (sum.hasErrors()) {
      throw new PhcDeviceException(op, null, algorithm.jcaName() + " checksum of " + path + " on the device failed: "
          + RpcReply.describe(sum.errors()));
    }
    return JunosReplies.checksum(sum.root(), path);
  }

  private void deleteQuietly(String path) {
    try {
      RpcReply r = call("delete-file", null, "<file-delete><path>" + escape(path) + "</path></file-delete>",
          config.rpcTimeout);
      if (r.hasErrors() && !isMissingFile(r, path)) {
        log.warn("could not delete {}: {}", path, RpcReply.describe(r.errors()));
      }
    } catch (PhcDeviceException e) {
      log.warn("could not delete {}: {}", path, e.getMessage());
    }
  }

  /**
   * Whether an RPC about {@code path} failed only because the file is not there. Decided by what the device says
   * about this path, not by any text: every error must carry the error-tag Junos uses for file errors
   * ({@code operation-failed}; RFC 6241's {@code data-missing} too), name the path, and say the file is missing.
   * An unknown RPC ("syntax error", or a server's "definition not found", naming the RPC), a permission problem
   * or a lost member is not a missing file.
   */
  static boolean isMissingFile(RpcReply r, String path) {
    if (!r.hasErrors()) {
      return false;
    }
    String local = path.replaceFirst("^fpc\\d+:", "");
    for (RpcReply.Problem p : r.errors()) {
      String tag = p.tag();
      if (tag != null && !tag.equals("operation-failed") && !tag.equals("data-missing")) {
        return false;
      }
      String m = p.message().toLowerCase(Locale.ROOT);
      if (!p.message().contains(local)) {
        return false;
      }
      if (!(m.contains("no such file") || m.contains("could not resolve file") || m.contains("file not found"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link ImageStaging#AGENT_PUSHES}: opens {@code <imageDirectory>/<fileName>.part} on the device over SFTP (or
   * SCP, see {@link Builder#imageTransfer}). {@link ImageUpload#complete()} checks the device's own SHA-256 of
   * the file against the bytes sent (MD5 on releases without {@code file checksum sha-256}), then renames it to
   * {@code <fileName>}; {@link ImageUpload#abort()} deletes it. The transfer uses its own SSH session.
   *
   * @throws PhcDeviceException when this binding is built for {@link ImageStaging#DEVICE_FETCHES}, the name is
   *     unsafe, or the file cannot be opened on the device
   */
  @Override
  public synchronized ImageUpload beginImageUpload(String fileName) {
    if (config.imageStaging != ImageStaging.AGENT_PUSHES) {
      throw new PhcDeviceException("begin-image-upload", null, "this JunosDeviceOperations stages images with "
          + config.imageStaging + " (the device fetches them); build it with imageStaging(AGENT_PUSHES) to push");
    }
    String name = safeFileName("begin-image-upload", fileName);
    String path = config.imageDirectory + "/" + name;
    return new PushedImage(new PushedImage.Device() {
      @Override
      public ClientSession openTransferSession() {
        return JunosDeviceOperations.this.openTransferSession();
      }

      @Override
      public String checksum(String file, String algorithm) {
        synchronized (JunosDeviceOperations.this) {
          return deviceChecksum("image-upload", file, algorithm.equals("md5") ? HashAlgorithm.MD5 : HashAlgorithm.SHA_256);
        }
      }

      @Override
      public void rename(String from, String to) {
        synchronized (JunosDeviceOperations.this) {
          call("image-upload", null, "<file-rename><source>" + escape(from) + "</source><destination>" + escape(to)
              + "</destination></file-rename>", config.rpcTimeout).requireNoErrors("image-upload", null);
        }
      }

      @Override
      public void deleteQuietly(String file) {
        synchronized (JunosDeviceOperations.this) {
          JunosDeviceOperations.this.deleteQuietly(file);
        }
      }
    }, config.imageTransfer, path);
  }

  /** A new SSH session for a file transfer, authenticated like the NETCONF one, with an idle timeout. */
  private ClientSession openTransferSession() {
    ClientSession s = null;
    try {
      s = client.connect(config.username, config.host, config.port).verify(config.connectTimeout).getClientSession();
      CoreModuleProperties.IDLE_TIMEOUT.set(s, config.transferIdleTimeout);
      if (config.password != null) {
        s.addPasswordIdentity(config.password);
      }
      if (config.keyPair != null) {
        s.addPublicKeyIdentity(config.keyPair);
      }
      s.auth().verify(config.connectTimeout);
      return s;
    } catch (IOException | RuntimeException e) {
      if (s != null) {
        s.close(true);
      }
      throw new PhcDeviceException("begin-image-upload", null, "cannot open an SSH session to " + config.host + ":"
          + config.port + " for the image transfer: " + e.getMessage(), true, e);
    }
  }

  @Override
  public synchronized void installImage(int memberId, StagedImage image) {
    String body = "<request-package-add>" + (config.noValidate ? "<no-validate/>" : "")
        + "<package-name>" + escape(image.path()) + "</package-name>"
        + "<member>" + memberId + "</member></request-package-add>";
    RpcReply reply = call("install-image", memberId, body, config.installTimeout)
        .requireNoErrors("install-image", memberId);
    JunosReplies.PackageResult result = JunosReplies.packageAdd(reply.root());
    if (!result.success()) {
      throw new PhcDeviceException("install-image", memberId, "request-package-add of " + image.path()
          + " failed" + (result.packageResult() == null ? "" : " (package-result " + result.packageResult() + ")")
          + ": " + lastLines(result.output(), 8));
    }
    if (result.packageResult() == null) {
      log.info("install-image on member {}: no package-result in the reply and no ERROR in the output; "
          + "treating as success", memberId);
    }
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.strip().split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
      if (b.length() > 0) {
        b.append(" | ");
      }
      b.append(lines[i].strip());
    }
    return b.toString();
  }

  @Override
  public synchronized void reboot(Collection<Integer> memberIds) {
    List<Integer> order = new ArrayList<>(new TreeSet<>(memberIds));
    if (lastPrimary == null && order.size() > 1) {
      members(); // learn which member the session runs on, so that it is rebooted last
    }
    Integer primary = lastPrimary;
    boolean primaryIncluded = primary != null && order.remove(primary);
    if (primaryIncluded) {
      order.add(primary); // rebooting the session's own member ends the session: do it last
    }
    for (int id : order) {
      call("reboot", id, "<request-reboot><member>" + id + "</member></request-reboot>", config.rpcTimeout)
          .requireNoErrors("reboot", id);
    }
    if (primaryIncluded) {
      // the primary is going down and takes this session with it; the next call opens one to the new primary
      NetconfSession s = session;
      session = null;
      lastPrimary = null;
      if (s != null) {
        s.close();
      }
    }
  }

  // ---------------------------------------------------------------- configuration

  @Override
  public synchronized void pinRoles(int primaryMemberId, int backupMemberId) {
    StringBuilder vc = new StringBuilder("<configuration><virtual-chassis>");
    for (int id : new TreeSet<>(List.of(primaryMemberId, backupMemberId))) {
      vc.append("<member><name>").append(id).append("</name><mastership-priority>").append(MASTERSHIP_PRIORITY)
          .append("</mastership-priority></member>");
    }
    vc.append("</virtual-chassis></configuration>");
    loadAndCommit("pin-roles", vc.toString());
    pinned.add(primaryMemberId);
    pinned.add(backupMemberId);
  }

  @Override
  public synchronized void unpinRoles() {
    TreeSet<Integer> ids = new TreeSet<>(pinned);
    if (ids.isEmpty()) {
      // pinned by an earlier process (the engine resumed on a new primary): the priorities may still be there
      for (VcMember m : members()) {
        if (m.isPresent()) {
          ids.add(m.memberId());
        }
      }
    }
    StringBuilder vc = new StringBuilder("<configuration><virtual-chassis>");
    for (int id : ids) {
      vc.append("<member><name>").append(id).append("</name><mastership-priority operation=\"delete\"/></member>");
    }
    vc.append("</virtual-chassis></configuration>");
    loadAndCommit("unpin-roles", vc.toString());
    pinned.clear();
  }

  @Override
  public synchronized void loadConfiguration(Bytes configuration, ConfigurationHandling handling) {
    lockCandidate("load-configuration");
    boolean loaded = false;
    try {
      load(configuration, handling);
      loaded = true;
    } finally {
      if (!loaded) {
        releaseCandidate("load-configuration", true);
      }
    }
    // the lock stays held until commitConfiguration(): nobody else changes the candidate in between
  }

  private void load(Bytes configuration, ConfigurationHandling handling) {
    String action = handling == ConfigurationHandling.MERGE ? "merge" : config.replaceAction.junosName();
    String text = configuration.utf8();
    String stripped = text.strip();
    if (!stripped.isEmpty() && stripped.charAt(0) == '\uFEFF') {
      stripped = stripped.substring(1).strip();
    }
    if (stripped.startsWith("<")) {
      loadXml("load-configuration", action, configurationElement(stripped));
    } else {
      String body = "<load-configuration action=\"" + action + "\" format=\"text\"><configuration-text>"
          + escape(text) + "</configuration-text></load-configuration>";
      call("load-configuration", null, body, config.rpcTimeout).requireNoErrors("load-configuration", null);
    }
  }

  private void loadXml(String op, String action, String configurationXml) {
    String body = "<load-configuration action=\"" + action + "\" format=\"xml\">" + configurationXml
        + "</load-configuration>";
    call(op, null, body, config.rpcTimeout).requireNoErrors(op, null);
  }

  /** The {@code <configuration>} element to load, unwrapping {@code <config>} wrappers, re-serialized. */
  static String configurationElement(String xml) {
    Element root;
    try {
      root = JunosXml.parse(xml);
    } catch (SAXException e) {
      throw new PhcDeviceException("load-configuration", null, "configuration is not well-formed XML: " + e.getMessage());
    }
    Element e = root;
    while (true) {
      List<Element> kids = JunosXml.children(e);
      String ln = JunosXml.localName(e);
      if ((ln.equals("config") || ln.equals("configuration")) && kids.size() == 1
          && (JunosXml.localName(kids.get(0)).equals("config") || JunosXml.localName(kids.get(0)).equals("configuration"))) {
        e = kids.get(0);
      } else {
        break;
      }
    }
    if (JunosXml.localName(e).equals("config")) {
      StringBuilder b = new StringBuilder("<configuration>");
      for (Element k : JunosXml.children(e)) {
        b.append(serialize(k));
      }
      return b.append("</configuration>").toString();
    }
    if (!JunosXml.localName(e).equals("configuration")) {
      return "<configuration>" + serialize(e) + "</configuration>";
    }
    return serialize(e);
  }

  private static String serialize(Element e) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      t.setOutputProperty(OutputKeys.ENCODING, StandardCharsets.UTF_8.name());
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(e), new StreamResult(w));
      return w.toString();
    } catch (TransformerException ex) {
      throw new PhcDeviceException("load-configuration", null, "cannot serialize configuration: " + ex.getMessage());
    }
  }

  /**
   * Commits what {@link #loadConfiguration} loaded, then releases the exclusive lock it took (on success and on
   * failure; a failed commit also rolls the candidate back to the active configuration first).
   *
   * @throws PhcDeviceException with {@code sessionLost} when the session that loaded the configuration ended
   *     before the commit: the device dropped the uncommitted changes with that session's lock, so nothing is
   *     committed and the configuration must be loaded again
   */
  @Override
  public synchronized void commitConfiguration() {
    NetconfSession held = lockSession;
    if (held != null && (held != session || !held.isOpen())) {
      lockSession = null;
      throw new PhcDeviceException("commit-configuration", null, "the NETCONF session that loaded the configuration "
          + "ended before the commit; the device discarded the uncommitted changes with its lock: load it again",
          true, null);
    }
    if (held == null) {
      lockCandidate("commit-configuration");
    }
    boolean committed = false;
    try {
      commit("commit-configuration");
      committed = true;
    } catch (PhcDeviceException e) {
      if (held != null && e.sessionLost()) {
        throw new PhcDeviceException("commit-configuration", null, "the NETCONF session that loaded the configuration "
            + "was lost before the commit completed (" + e.getMessage() + "); unless the commit reached the device, "
            + "it discarded the uncommitted changes with the session's lock: check the configuration and load it again",
            true, e);
      }
      throw e;
    } finally {
      releaseCandidate("commit-configuration", !committed);
    }
  }

  /** Load and commit under one exclusive lock, released on every path. */
  private void loadAndCommit(String op, String configurationXml) {
    boolean alreadyHeld = lockSession != null && lockSession == session && lockSession.isOpen();
    lockCandidate(op);
    boolean committed = false;
    try {
      loadXml(op, "merge", configurationXml);
      commit(op);
      committed = true;
    } finally {
      if (!alreadyHeld || !committed) {
        releaseCandidate(op, !committed);
      }
    }
  }

  /**
   * Takes the exclusive candidate lock ({@code <lock-configuration/>}, Junos' {@code configure exclusive}) on the
   * current session, unless this instance holds it there already. Exclusive, not private: the binding loads
   * and commits on one session, and an exclusive lock keeps every other user (operators, commit scripts, other
   * tools) from changing the shared candidate between the load and the commit, so exactly what was loaded is
   * committed; a private candidate would still commit while others hold uncommitted changes in the shared one.
   * Junos refuses the lock while another session holds it or has uncommitted changes.
   */
  private void lockCandidate(String op) {
    NetconfSession current = session();
    if (lockSession == current && current.isOpen()) {
      return;
    }
    RpcReply r = call(op, null, "<lock-configuration/>", config.rpcTimeout);
    if (r.hasErrors()) {
      throw new PhcDeviceException(op, null, "cannot take the exclusive configuration lock: "
          + RpcReply.describe(r.errors()));
    }
    lockSession = session;
  }

  /**
   * Releases the lock when this instance holds it on the open session (a session that ended took its lock and
   * its uncommitted changes with it); with {@code discard}, first rolls the candidate back ({@code rollback 0}).
   */
  private void releaseCandidate(String op, boolean discard) {
    NetconfSession held = lockSession;
    lockSession = null;
    if (held == null || held != session || !held.isOpen()) {
      return;
    }
    try {
      if (discard) {
        RpcReply r = held.rpc(op, null, "<load-configuration rollback=\"0\"/>", config.rpcTimeout);
        if (r.hasErrors()) {
          log.warn("{}: could not discard the candidate: {}", op, RpcReply.describe(r.errors()));
        }
      }
      RpcReply r = held.rpc(op, null, "<unlock-configuration/>", config.rpcTimeout);
      if (r.hasErrors()) {
        log.warn("{}: could not release the configuration lock: {}", op, RpcReply.describe(r.errors()));
      }
    } catch (PhcDeviceException e) {
      log.warn("{}: releasing the configuration lock failed ({}); the device releases it when the session ends",
          op, e.getMessage());
    }
  }

  private void commit(String op) {
    CommitOptions o = config.commitOptions;
    if (o.checkFirst()) {
      call(op, null, "<commit-configuration><check/></commit-configuration>", config.commitTimeout)
          .requireNoErrors(op, null);
    }
    boolean sync = o.synchronize() != null ? o.synchronize() : lastPresentCount > 1;
    // The comment marks the commit as phone-home's (show system commit): an engine that finds no saved state but
    // only such commits knows a run was in progress (StartConditions.changedByPhoneHomeOnly).
    String comment = "<log>" + StartConditions.PHONE_HOME_COMMIT_COMMENT + ": " + op + "</log>";
    StringBuilder body = new StringBuilder("<commit-configuration>");
    if (sync) {
      body.append("<synchronize/>");
    }
    body.append(comment);
    if (o.confirmedTimeout() != null) {
      body.append("<confirmed/><confirm-timeout>").append(o.confirmedTimeout().toMinutes()).append("</confirm-timeout>");
    }
    body.append("</commit-configuration>");
    RpcReply reply = call(op, null, body.toString(), config.commitTimeout).requireNoErrors(op, null);
    log.debug("{}: commit succeeded on {}", op, JunosReplies.commitSuccesses(reply.root()));
    if (o.confirmedTimeout() != null) {
      call(op, null, "<commit-configuration>" + (sync ? "<synchronize/>" : "") + comment + "</commit-configuration>",
          config.commitTimeout).requireNoErrors(op, null);
    }
  }

  // ---------------------------------------------------------------- scripts and syslog

  @Override
  public synchronized ScriptResult runScript(ScriptPhase phase, Bytes script) {
    String op = phase == ScriptPhase.PRE_CONFIGURATION ? "pre-configuration-script" : "post-configuration-script";
    String path = config.scriptDirectory + "/phc-" + op;
    putFile(op, null, path, script, "755");
    boolean shebang = script.size() >= 2 && script.utf8().startsWith("#!");
    String command = (shebang ? path : "/bin/sh " + path) + " 2>&1; echo PHC-EXIT-STATUS=$?";
    try {
      RpcReply reply = call(op, null, "<request-shell-execute><command>" + escape(command)
          + "</command></request-shell-execute>", config.scriptTimeout).requireNoErrors(op, null);
      String output = JunosReplies.output(reply.root());
      Matcher m = EXIT_MARKER.matcher(output);
      int status = -1;
      int markerAt = -1;
      while (m.find()) {
        status = Integer.parseInt(m.group(1));
        markerAt = m.start();
      }
      if (markerAt < 0) {
        throw new PhcDeviceException(op, null, "the shell output has no exit status marker: " + lastLines(output, 5));
      }
      return new ScriptResult(status, output.substring(0, markerAt).strip());
    } finally {
      deleteQuietly(path);
    }
  }

  @Override
  public synchronized void syslog(SyslogSeverity severity, String message) {
    String level = switch (severity) {
      case ERROR -> "err";
      case WARNING -> "warning";
      case NOTICE -> "notice";
      case INFO -> "info";
    };
    String command = "logger -p user." + level + " -t phc -- " + shellQuote(message);
    call("syslog", null, "<request-shell-execute><command>" + escape(command) + "</command></request-shell-execute>",
        config.rpcTimeout).requireNoErrors("syslog", null);
  }

  /** Single-quotes {@code s} for {@code /bin/sh}, replacing control characters by spaces. */
  static String shellQuote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        b.append("'\\''");
      } else if (Character.isISOControl(c)) {
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  // ---------------------------------------------------------------- engine state

  /**
   * Writes the state atomically: {@code file-put} to {@code <statePath>.new} (on another member: to
   * {@code <statePath>.outgoing} here, then {@code file-copy} to {@code fpcN:<statePath>.new}), then
   * {@code file-rename} over {@code <statePath>} on that member. {@code file-put} and {@code file-copy} are not
   * atomic (a reboot half-way leaves half a file), the rename is, so the state file itself is always whole.
   */
  @Override
  public synchronized void persistState(int memberId, Bytes state) {
    String target = statePathOn(memberId);
    String next = target + ".new";
    if (isLocal(memberId)) {
      putFile("persist-state", memberId, next, state, "600");
    } else {
      String outgoing = config.statePath + ".outgoing";
      putFile("persist-state", memberId, outgoing, state, "600");
      try {
        call("persist-state", memberId, "<file-copy><source>" + escape(outgoing) + "</source><destination>"
            + escape(next) + "</destination></file-copy>", config.rpcTimeout).requireNoErrors("persist-state", memberId);
      } finally {
        deleteQuietly(outgoing);
      }
    }
    rename("persist-state", memberId, next, target);
  }

  @Override
  public synchronized Optional<Bytes> loadState() {
    Integer primary = lastPrimary;
    if (primary == null) {
      members();
      primary = lastPrimary;
    }
    if (primary == null) {
      throw new PhcDeviceException("load-state", null, "no present member reports the primary role", true, null);
    }
    return loadState(primary);
  }

  /** {@code file-show} (base64) of the state file on the member ({@code fpcN:} when it is not the primary). */
  @Override
  public synchronized Optional<Bytes> loadState(int memberId) {
    String path = statePathOn(memberId);
    RpcReply reply = read("load-state", memberId, "<file-show><filename>" + escape(path) + "</filename>"
        + "<encoding>base64</encoding></file-show>");
    if (reply.hasErrors()) {
      if (isMissingFile(reply, path)) {
        return Optional.empty();
      }
      throw new PhcDeviceException("load-state", memberId, "file-show of " + path + " failed: "
          + RpcReply.describe(reply.errors()));
    }
    Optional<Element> content = JunosXml.descendant(reply.root(), "file-content");
    if (content.isEmpty()) {
      return Optional.empty();
    }
    String text = content.get().getTextContent().replaceAll("\\s+", "");
    try {
      return Optional.of(Bytes.fromBase64(text));
    } catch (IllegalArgumentException e) {
      throw new PhcDeviceException("load-state", memberId, path + " is not base64 in the file-show reply");
    }
  }

  /** {@code file-rename} of the state file to {@code <statePath>.corrupt-<epoch millis>} on that member. */
  @Override
  public synchronized String moveStateAside(int memberId) {
    String from = statePathOn(memberId);
    String to = from + ".corrupt-" + config.clock.millis();
    rename("move-state-aside", memberId, from, to);
    return to;
  }

  @Override
  public synchronized void clearState() {
    List<VcMember> members = members();
    for (VcMember m : members) {
      if (!m.isPresent()) {
        continue;
      }
      String path = statePathOn(m.memberId());
      for (String p : List.of(path, path + ".new")) {
        RpcReply r = call("clear-state", m.memberId(), "<file-delete><path>" + escape(p) + "</path></file-delete>",
            config.rpcTimeout);
        if (r.hasErrors() && !isMissingFile(r, p)) {
          throw new PhcDeviceException("clear-state", m.memberId(), RpcReply.describe(r.errors()));
        }
      }
    }
  }

  /**
   * {@code get-commit-information} (factory default: at most the one commit of the zeroize; see
   * {@link StartConditionReplies.CommitHistory#factoryDefault()}), the VC mode from
   * {@code get-virtual-chassis-information}, and the VCPs from {@code get-virtual-chassis-port-information}. A
   * device without VC support has no VCPs and no mixed mode.
   */
  @Override
  public synchronized StartConditions startConditions() {
    StartConditionReplies.CommitHistory history = StartConditionReplies.commitHistory(
        read("start-conditions", null, "<get-commit-information/>").requireNoErrors("start-conditions", null).root(),
        StartConditions.PHONE_HOME_COMMIT_COMMENT);
    String note = history.factoryDefault() ? null
        : history.commits() + " commits since the factory default" + (history.phoneHomeOnly() ? ", all phone-home's"
            : "") + "; the last " + history.last();
    boolean phoneHomeOnly = !history.factoryDefault() && history.phoneHomeOnly();
    RpcReply vc = read("start-conditions", null, "<get-virtual-chassis-information/>");
    if (vc.hasErrors()) {
      return new StartConditions(history.factoryDefault(), note, false, List.of(), phoneHomeOnly);
    }
    Map<Integer, String> models = new LinkedHashMap<>();
    for (VcMember m : JunosReplies.virtualChassisMembers(vc.root())) {
      if (m.model() != null) {
        models.put(m.memberId(), m.model());
      }
    }
    RpcReply ports = read("start-conditions", null, "<get-virtual-chassis-port-information/>")
        .requireNoErrors("start-conditions", null);
    return new StartConditions(history.factoryDefault(), note, StartConditionReplies.mixedMode(vc.root()),
        StartConditionReplies.vcpLinks(ports.root(), models), phoneHomeOnly);
  }

  /** The SSH host key the device presented and the configured verification accepted, in RFC 4253 form. */
  @Override
  public synchronized List<SshHostKey> sshHostKeys() {
    session();
    PublicKey key = verifiedHostKey;
    if (key == null) {
      return List.of();
    }
    ByteArrayBuffer blob = new ByteArrayBuffer();
    blob.putRawPublicKey(key);
    return List.of(new SshHostKey(KeyUtils.getKeyType(key), Bytes.of(blob.getCompactData())));
  }

  /** True when {@code memberId} is the member the session runs on (the primary). */
  private boolean isLocal(int memberId) {
    Integer primary = lastPrimary;
    if (primary == null) {
      members();
      primary = lastPrimary;
    }
    return primary != null && primary == memberId;
  }

  /** The state file as a path on the primary: plain for the primary itself, {@code fpcN:} for another member. */
  private String statePathOn(int memberId) {
    return isLocal(memberId) ? config.statePath : "fpc" + memberId + ":" + config.statePath;
  }

  private void rename(String op, int memberId, String from, String to) {
    call(op, memberId, "<file-rename><source>" + escape(from) + "</source><destination>" + escape(to)
        + "</destination></file-rename>", config.rpcTimeout).requireNoErrors(op, memberId);
  }

  private void putFile(String op, @Nullable Integer member, String path, Bytes content, String permission) {
    String body = "<file-put><filename>" + escape(path) + "</filename><permission>" + permission
        + "</permission><encoding>base64</encoding><delete-if-exist/><file-contents>" + content.base64()
        + "</file-contents></file-put>";
    call(op, member, body, config.rpcTimeout).requireNoErrors(op, member);
  }

  private static String safeFileName(String op, String name) {
    if (!SAFE_FILE_NAME.matcher(name).matches() || name.contains("..")) {
      throw new PhcDeviceException(op, null, "unsafe image file name '" + name
          + "' (letters, digits, '.', '_', '+', '-' only)");
    }
    return name;
  }

  /** Closes the NETCONF session politely and stops the SSH client (unless it was supplied by the caller). */
  @Override
  public synchronized void close() {
    releaseCandidate("close", true);
    NetconfSession s = session;
    session = null;
    if (s != null) {
      s.closeGracefully(Duration.ofSeconds(5));
    }
    if (ownsClient) {
      client.stop();
    }
  }

  @Override
  public String toString() {
    return "JunosDeviceOperations[" + config.username + "@" + config.host + ":" + config.port + "]";
  }

  /** Builds a {@link JunosDeviceOperations}. Host, username, a credential and host key verification are required. */
  public static final class Builder {
    private @Nullable String host;
    private int port = 830;
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable KeyPair keyPair;
    private @Nullable HostKeyVerification hostKeys;
    private @Nullable SshClient sshClient;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration rpcTimeout = Duration.ofMinutes(2);
    private Duration installTimeout = Duration.ofMinutes(30);
    private Duration commitTimeout = Duration.ofMinutes(5);
    private Duration checksumTimeout = Duration.ofMinutes(5);
    private Duration scriptTimeout = Duration.ofMinutes(10);
    private Duration reconnectTimeout = Duration.ofMinutes(20);
    private Duration reconnectBackoff = Duration.ofSeconds(2);
    private Duration maxReconnectBackoff = Duration.ofSeconds(30);
    private boolean chunkedFraming = true;
    private boolean noValidate;
    private LoadAction replaceAction = LoadAction.OVERRIDE;
    private CommitOptions commitOptions = CommitOptions.defaults();
    private String imageDirectory = "/var/tmp";
    private String scriptDirectory = "/var/tmp";
    private String statePath = "/var/tmp/phc-state";
    private int maxMessageBytes = 64 * 1024 * 1024;
    private ImageStaging imageStaging = ImageStaging.DEVICE_FETCHES;
    private ImageTransfer imageTransfer = ImageTransfer.SFTP;
    private Duration transferIdleTimeout = Duration.ofMinutes(2);

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.host = host;
      b.port = port;
      b.username = username;
      b.password = password;
      b.keyPair = keyPair;
      b.hostKeys = hostKeys;
      b.sshClient = sshClient;
      b.clock = clock;
      b.sleeper = sleeper;
      b.connectTimeout = connectTimeout;
      b.rpcTimeout = rpcTimeout;
      b.installTimeout = installTimeout;
      b.commitTimeout = commitTimeout;
      b.checksumTimeout = checksumTimeout;
      b.scriptTimeout = scriptTimeout;
      b.reconnectTimeout = reconnectTimeout;
      b.reconnectBackoff = reconnectBackoff;
      b.maxReconnectBackoff = maxReconnectBackoff;
      b.chunkedFraming = chunkedFraming;
      b.noValidate = noValidate;
      b.replaceAction = replaceAction;
      b.commitOptions = commitOptions;
      b.imageDirectory = imageDirectory;
      b.scriptDirectory = scriptDirectory;
      b.statePath = statePath;
      b.maxMessageBytes = maxMessageBytes;
      b.imageStaging = imageStaging;
      b.imageTransfer = imageTransfer;
      b.transferIdleTimeout = transferIdleTimeout;
      return b;
    }

    /** The device's (VC's) management address. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The NETCONF port; default 830. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Password authentication. */
    public Builder password(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** Public-key authentication. */
    public Builder keyPair(String username, KeyPair keyPair) {
      this.username = Objects.requireNonNull(username, "username");
      this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
      return this;
    }

    /** How the device's SSH host key is verified. Required. */
    public Builder hostKeyVerification(HostKeyVerification verification) {
      this.hostKeys = Objects.requireNonNull(verification, "verification");
      return this;
    }

    /** Your own (started) MINA client; it is configured with the host key verifier and not stopped on close. */
    public Builder sshClient(SshClient client) {
      this.sshClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock for reconnect deadlines. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How to wait between reconnect attempts. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** TCP connect, SSH authentication and hello; default 30 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Ordinary RPCs; default 2 min. */
    public Builder rpcTimeout(Duration timeout) {
      this.rpcTimeout = positive(timeout, "rpcTimeout");
      return this;
    }

    /** {@code request-package-add}; default 30 min. */
    public Builder installTimeout(Duration timeout) {
      this.installTimeout = positive(timeout, "installTimeout");
      return this;
    }

    /** {@code commit-configuration}; default 5 min. */
    public Builder commitTimeout(Duration timeout) {
      this.commitTimeout = positive(timeout, "commitTimeout");
      return this;
    }

    /** {@code get-checksum-information} (a 2 GB image takes a while); default 5 min. */
    public Builder checksumTimeout(Duration timeout) {
      this.checksumTimeout = positive(timeout, "checksumTimeout");
      return this;
    }

    /** Scripts; default 10 min. */
    public Builder scriptTimeout(Duration timeout) {
      this.scriptTimeout = positive(timeout, "scriptTimeout");
      return this;
    }

    /** How long to keep trying to reopen a dropped session (a primary reboot); default 20 min. */
    public Builder reconnectTimeout(Duration timeout) {
      this.reconnectTimeout = positive(timeout, "reconnectTimeout");
      return this;
    }

    /** First and largest wait between reconnect attempts (doubling); defaults 2 s and 30 s. */
    public Builder reconnectBackoff(Duration first, Duration max) {
      this.reconnectBackoff = positive(first, "reconnectBackoff");
      this.maxReconnectBackoff = positive(max, "maxReconnectBackoff");
      return this;
    }

    /** Offer base:1.1 (RFC 6242 chunked framing); default true. False forces {@code ]]>]]>} framing. */
    public Builder chunkedFraming(boolean offer) {
      this.chunkedFraming = offer;
      return this;
    }

    /** {@code request system software add ... no-validate}; default false. */
    public Builder noValidate(boolean noValidate) {
      this.noValidate = noValidate;
      return this;
    }

    /** What {@code ConfigurationHandling.REPLACE} means; default {@link LoadAction#OVERRIDE}. */
    public Builder replaceAction(LoadAction action) {
      this.replaceAction = Objects.requireNonNull(action, "action");
      return this;
    }

    public Builder commitOptions(CommitOptions options) {
      this.commitOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Where images are copied; default {@code /var/tmp}. */
    public Builder imageDirectory(String dir) {
      this.imageDirectory = absolute(dir, "imageDirectory");
      return this;
    }

    /** Where scripts are written before they run; default {@code /var/tmp}. */
    public Builder scriptDirectory(String dir) {
      this.scriptDirectory = absolute(dir, "scriptDirectory");
      return this;
    }

    /** The engine state file on each member; default {@code /var/tmp/phc-state}. */
    public Builder statePath(String path) {
      this.statePath = absolute(path, "statePath");
      return this;
    }

    /** The largest NETCONF message accepted; default 64 MiB. */
    public Builder maxMessageBytes(int max) {
      if (max < 1024) {
        throw new IllegalArgumentException("maxMessageBytes must be at least 1024, was " + max);
      }
      this.maxMessageBytes = max;
      return this;
    }

    /**
     * Who fetches images: {@link ImageStaging#DEVICE_FETCHES} (default: {@code file-copy} from the URL on the
     * device, then its checksums) or {@link ImageStaging#AGENT_PUSHES} (the engine downloads and verifies while
     * the bytes flow, this binding pushes them over {@link #imageTransfer SFTP or SCP} and checks the device's
     * own checksum before the install).
     */
    public Builder imageStaging(ImageStaging staging) {
      this.imageStaging = Objects.requireNonNull(staging, "staging");
      return this;
    }

    /** How {@link ImageStaging#AGENT_PUSHES} sends the image; default {@link ImageTransfer#SFTP}. */
    public Builder imageTransfer(ImageTransfer transfer) {
      this.imageTransfer = Objects.requireNonNull(transfer, "transfer");
      return this;
    }

    /** An image transfer that moves no bytes this long fails (its SSH session is closed); default 2 min. */
    public Builder transferIdleTimeout(Duration timeout) {
      this.transferIdleTimeout = positive(timeout, "transferIdleTimeout");
      return this;
    }

    public JunosDeviceOperations build() {
      if (host == null) {
        throw new IllegalStateException("host is required");
      }
      if (username == null) {
        throw new IllegalStateException("credentials are required: password(...) or keyPair(...)");
      }
      if (hostKeys == null) {
        throw new IllegalStateException("hostKeyVerification is required (knownHosts, pinned, custom or, "
            + "for labs only, acceptAnyForLabUseOnly)");
      }
      return new JunosDeviceOperations(copy());
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    private static String absolute(String path, String name) {
      Objects.requireNonNull(path, name);
      if (!path.startsWith("/") || path.contains("..") || path.length() < 2) {
        throw new IllegalArgumentException(name + " must be an absolute path without '..', was '" + path + "'");
      }
      return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
  }
}
