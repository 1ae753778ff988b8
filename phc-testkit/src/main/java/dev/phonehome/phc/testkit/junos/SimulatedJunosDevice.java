package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * A simulated Junos Virtual Chassis that speaks NETCONF over SSH, like MockWebServer for Junos. It binds
 * {@code 127.0.0.1} on a free port (or a fixed {@link Builder#port port}), serves the SSH subsystem
 * {@code netconf} (Junos hello, {@code ]]>]]>} framing, RFC 6242 chunked framing when the client also offers
 * base:1.1) and answers Junos XML RPCs from a {@link VirtualChassisModel} (the same model a
 * {@code FakeVirtualChassis} uses): members and roles, versions, device-side image download and checksums,
 * installs, reboots in virtual time (rebooting the primary ends every session: the VC has moved the primary
 * role; connections while no member is primary are dropped), a Junos configuration database (candidate, locks,
 * commit history, rollbacks), role pinning through {@code mastership-priority}, a file system per member, SFTP
 * and SCP uploads into the image store ({@link #uploads()}), a shell for scripts and {@code logger}. It
 * records every RPC ({@link #recordedRpcs()}); {@link #supportedRpcs()} lists the RPCs it answers. Juniper's
 * PyEZ and ncclient work against it.
 *
 * <p>Files are written as Junos writes them, not atomically: {@code file-put} deletes then writes,
 * {@code file-copy} rewrites in place, {@code file-rename} is atomic. Inject
 * {@link JunosSimulationFault.PowerLossDuringWrite} or {@link JunosSimulationFault.PowerLossOn} to cut the
 * power at those points and test a client's write-new-then-rename logic. Errors are shaped like Junos'
 * {@code <rpc-error>} (error-type, error-tag, message, {@code bad-element}).
 *
 * <pre>{@code
 * VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
 *     .member(0, "PE01", "ex4300-48p", "21.4R3.15").member(1, "PE02", "ex4300-48p", "21.4R3.15")
 *     .primary(1).build();
 * try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start()) {
 *   JunosDeviceOperations ops = JunosDeviceOperations.builder().host(device.host()).port(device.port())
 *       .password(device.username(), device.password())
 *       .hostKeyVerification(HostKeyVerification.pinned(List.of(device.hostKey()))).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Replies are our own templates shaped like Junos 21.4 on an EX4300 VC, not captured device output.
 */
public final class SimulatedJunosDevice implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedJunosDevice.class);
  static final String NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";

  /** Immutable device settings plus the live fault list. */
  record Settings(String hostName, boolean legacyVersionFormat, boolean chunkedFraming,
      boolean virtualChassisCapable, List<JunosSimulationFault> faults, RpcGate gate) {}

  private final VirtualChassisModel model;
  private final Settings settings;
  private final String username;
  private final String password;
  /** Further password logins beside {@link #username}: user to password. */
  private final java.util.Map<String, String> accounts;
  private final @Nullable PublicKey authorizedKey;
  private final KeyPair hostKey;
  private final String bindAddress;
  private final SshServer sshd;
  private final JunosRpcHandler handler;
  private final FileTransfers transfers;
  private final List<RecordedRpc> recorded = new CopyOnWriteArrayList<>();
  private final List<Session> sessions = new CopyOnWriteArrayList<>();
  private final List<String> framings = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessionIds = new AtomicInteger(30000);
  private final AtomicInteger sessionsRefused = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "simulated-junos-netconf");
    t.setDaemon(true);
    return t;
  });

  private SimulatedJunosDevice(Builder b) {
    this.model = b.model;
    this.settings = new Settings(b.hostName, b.legacyVersionFormat, b.chunkedFraming,
        b.virtualChassisCapable, new CopyOnWriteArrayList<>(b.faults), b.gate);
    this.username = b.username;
    this.password = b.password;
    this.accounts = java.util.Map.copyOf(b.accounts);
    this.authorizedKey = b.authorizedKey;
    this.hostKey = b.hostKey != null ? b.hostKey : generateHostKey();
    this.bindAddress = b.bindAddress;
    this.handler = new JunosRpcHandler(new SimState(model, settings, this::dropSessions, this::killSession));
    this.sshd = SshServer.setUpDefaultServer();
    sshd.setHost(b.bindAddress);
    sshd.setPort(b.port);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    sshd.setPasswordAuthenticator((user, pw, s) -> username.equals(user) ? password.equals(pw)
        : pw != null && pw.equals(accounts.get(user)));
    sshd.setPublickeyAuthenticator((user, key, s) ->
        username.equals(user) && authorizedKey != null && KeyUtils.compareKeys(authorizedKey, key));
    List<SubsystemFactory> subsystems = new ArrayList<>();
    subsystems.add(new SubsystemFactory() {
      @Override
      public String getName() {
        return "netconf";
      }

      @Override
      public Command createSubsystem(ChannelSession channel) {
        return new Session();
      }
    });
    this.transfers = new FileTransfers(model, username, settings.faults());
    transfers.install(sshd, subsystems);
    sshd.setSubsystemFactories(subsystems);
  }

  private static KeyPair generateHostKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an SSH host key", e);
    }
  }

  /** A builder over the model the device serves. */
  public static Builder builder(VirtualChassisModel model) {
    return new Builder(model);
  }

  private SimulatedJunosDevice start() {
    try {
      sshd.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + sshd.getPort() + ": " + e.getMessage(), e);
    }
    log.debug("simulated Junos device on {}:{}", bindAddress, sshd.getPort());
    return this;
  }

  /** The address to connect to: the bind address ({@code 127.0.0.1} unless set on the builder). */
  public String host() {
    return bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
  }

  public int port() {
    return sshd.getPort();
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /** The SSH host key, to pin in the client. */
  public PublicKey hostKey() {
    return hostKey.getPublic();
  }

  /** The host key's fingerprint as OpenSSH prints it ({@code SHA256:...}), to compare on first connection. */
  public String hostKeyFingerprint() {
    return KeyUtils.getFingerPrint(hostKey.getPublic());
  }

  /** The host key as an OpenSSH {@code known_hosts} line for {@code [host]:port}. */
  public String knownHostsLine() {
    try {
      StringBuilder b = new StringBuilder("[").append(host()).append("]:").append(port()).append(' ');
      org.apache.sshd.common.config.keys.PublicKeyEntry.appendPublicKeyEntry(b, hostKey.getPublic());
      return b.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every RPC name the device answers (Junos and NETCONF operations), sorted. */
  public java.util.SortedSet<String> supportedRpcs() {
    return handler.rpcNames();
  }

  public VirtualChassisModel model() {
    return model;
  }

  /** Every file pushed to the device over SFTP or SCP so far, in order. */
  public List<RecordedUpload> uploads() {
    return transfers.uploads();
  }

  /** Every RPC received so far, in order, over all sessions. */
  public List<RecordedRpc> recordedRpcs() {
    return List.copyOf(recorded);
  }

  /** {@link RecordedRpc#summary()} of every RPC received, optionally filtered to the given names. */
  public List<String> rpcSummaries(String... names) {
    List<String> wanted = List.of(names);
    List<String> out = new ArrayList<>();
    for (RecordedRpc r : recorded) {
      if (wanted.isEmpty() || wanted.contains(r.name())) {
        out.add(r.summary());
      }
    }
    return out;
  }

  public void clearRecordedRpcs() {
    recorded.clear();
  }

  /** Adds a NETCONF-level fault (device faults go to the model). */
  public void inject(JunosSimulationFault fault) {
    settings.faults().add(Objects.requireNonNull(fault, "fault"));
  }

  public void clearFaults() {
    settings.faults().clear();
  }

  /** How many NETCONF sessions were opened (hello sent) so far. */
  public int sessionsOpened() {
    return sessionIds.get() - 30000;
  }

  /** How many connections were dropped at once because no member was primary. */
  public int sessionsRefused() {
    return sessionsRefused.get();
  }

  /**
   * The framing each NETCONF session used once its hello was done, in order: {@code chunked} (RFC 6242, both
   * sides said base:1.1) or {@code end-of-message} ({@code ]]>]]>}).
   */
  public List<String> sessionFramings() {
    return List.copyOf(framings);
  }

  private boolean killSession(int sessionId) {
    for (Session s : sessions) {
      if (s.id == sessionId) {
        s.end();
        return true;
      }
    }
    return false;
  }

  /** Ends every open session, as a primary change would. */
  public void dropSessions() {
    for (Session s : sessions) {
      s.end();
    }
  }

  @Override
  public void close() {
    dropSessions();
    try {
      sshd.stop(true);
    } catch (IOException e) {
      log.debug("stopping the SSH server: {}", e.toString());
    }
    threads.shutdownNow();
    transfers.close();
  }

  /** One NETCONF session: the subsystem command. */
  private final class Session implements Command {
    private @Nullable InputStream in;
    private @Nullable OutputStream out;
    private @Nullable ExitCallback exit;
    private @Nullable ChannelSession channel;
    private final SimFraming framing = new SimFraming(64 * 1024 * 1024);
    private int id;
    private int primaryAtStart;
    private int bootAtStart;
    private String user = username;
    private volatile boolean ended;
    private final java.util.concurrent.atomic.AtomicBoolean releasedOnce = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      this.channel = channel;
      OptionalInt primary = model.primaryMemberId();
      if (primary.isEmpty()) {
        sessionsRefused.incrementAndGet();
        threads.execute(this::end);
        return;
      }
      primaryAtStart = primary.getAsInt();
      bootAtStart = model.bootCount(primaryAtStart);
      user = channel.getSession().getUsername() == null ? username : channel.getSession().getUsername();
      id = sessionIds.incrementAndGet();
      sessions.add(this);
      threads.execute(this::run);
    }

    private void run() {
      try {
        send(hello(), false);
        byte[] buf = new byte[8192];
        boolean helloDone = false;
        int n;
        while (!ended && (n = in.read(buf)) >= 0) {
          List<String> messages = framing.feed(buf, 0, n);
          for (String m : messages) {
            if (!helloDone) {
              helloDone = true;
              if (settings.chunkedFraming() && m.contains("urn:ietf:params:netconf:base:1.1")) {
                framing.chunked(true);
              }
              framings.add(framing.chunked() ? "chunked" : "end-of-message");
              byte[] rest = framing.takePending();
              for (String more : framing.feed(rest, 0, rest.length)) {
                if (!onRpc(more)) {
                  return;
                }
              }
              continue;
            }
            if (!onRpc(m)) {
              return;
            }
          }
        }
      } catch (IOException e) {
        if (!ended) {
          log.debug("session {} ended: {}", id, e.toString());
        }
      } catch (RuntimeException | Error e) {
        log.warn("simulated Junos session {} failed", id, e);
      } finally {
        end();
      }
    }

    private String hello() {
      StringBuilder caps = new StringBuilder();
      caps.append("<capability>urn:ietf:params:netconf:base:1.0</capability>");
      if (settings.chunkedFraming()) {
        caps.append("<capability>urn:ietf:params:netconf:base:1.1</capability>");
      }
      for (String c : List.of("urn:ietf:params:netconf:capability:candidate:1.0",
          "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
          "urn:ietf:params:netconf:capability:validate:1.0",
          "urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file",
          "urn:ietf:params:xml:ns:netconf:base:1.0",
          "urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
          "urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
          "urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
          "urn:ietf:params:xml:ns:netconf:capability:url:1.0?scheme=http,ftp,file",
          "http://xml.juniper.net/netconf/junos/1.0",
          "http://xml.juniper.net/dmi/system/1.0")) {
        caps.append("<capability>").append(c).append("</capability>");
      }
      return "<!-- No zombies were killed during the creation of this user interface -->\n"
          + "<!-- user " + user + ", class super-user -->\n"
          + "<hello xmlns=\"" + NETCONF_NS + "\">\n  <capabilities>" + caps + "</capabilities>\n  <session-id>" + id
          + "</session-id>\n</hello>\n";
    }

    /** Handles one RPC; false when the session ends. */
    private boolean onRpc(String xml) throws IOException {
      Element rpc;
      try {
        rpc = SimXml.parse(xml);
      } catch (Exception e) {
        send(reply("", RpcFailure.rpcError("rpc", "malformed-message", "error", "syntax error: not well-formed XML",
            null, null)), framing.chunked());
        return true;
      }
      String messageId = rpc.getAttribute("message-id");
      List<Element> ops = SimXml.children(rpc);
      if (!SimXml.localName(rpc).equals("rpc") || ops.isEmpty()) {
        send(reply(messageId, RpcFailure.rpcError("rpc", "operation-failed", "error", "syntax error, expecting <rpc>",
            SimXml.localName(rpc), null)), framing.chunked());
        return true;
      }
      Element op = ops.get(0);
      String name = SimXml.localName(op);
      String recordedName = name.equals("command") ? "command:" + op.getTextContent().strip().replaceAll("\\s+", " ") : name;
      Element member = SimXml.firstChild(op, "member");
      int memberArg = -1;
      if (member != null) {
        try {
          memberArg = Integer.parseInt(member.getTextContent().strip());
        } catch (NumberFormatException e) {
          memberArg = -1;
        }
      }
      RecordedRpc received = new RecordedRpc(model.clock().instant(), id, recordedName, memberArg, xml, user);
      recorded.add(received);
      OptionalInt primaryNow = model.primaryMemberId();
      if (primaryNow.isEmpty() || primaryNow.getAsInt() != primaryAtStart
          || model.bootCount(primaryAtStart) != bootAtStart) {
        return false; // the member this session ran on is no longer primary, or rebooted
      }
      if (dropFault(name) || !settings.gate().pass(received, false)) {
        return false;
      }
      Reply outcome = handler.handle(op, name, new SimSession(id, primaryAtStart, user));
      if (outcome.body() == null || !settings.gate().pass(received, true)) {
        return false;
      }
      send(reply(messageId, warnings(name) + outcome.body()), framing.chunked());
      return !outcome.closeAfter();
    }

    private boolean dropFault(String name) {
      for (JunosSimulationFault f : settings.faults()) {
        if (f instanceof JunosSimulationFault.DropSessionOn d && d.rpcName().equals(name) && d.times() > 0) {
          settings.faults().remove(f);
          if (d.times() > 1) {
            settings.faults().add(new JunosSimulationFault.DropSessionOn(d.rpcName(), d.times() - 1));
          }
          return true;
        }
      }
      return false;
    }

    private String warnings(String name) {
      StringBuilder b = new StringBuilder();
      for (JunosSimulationFault f : settings.faults()) {
        if (f instanceof JunosSimulationFault.Warning w && w.rpcName().equals(name)) {
          b.append(RpcFailure.rpcError("protocol", "operation-failed", "warning", w.message(), null, null))
              .append('\n');
        }
      }
      return b.toString();
    }

    private String reply(String messageId, String body) {
      return "<rpc-reply xmlns=\"" + NETCONF_NS + "\" xmlns:junos=\"" + JunosRpcHandler.JUNOS_NS + "\""
          + (messageId.isEmpty() ? "" : " message-id=\"" + SimXml.esc(messageId) + "\"") + ">\n" + body
          + "\n</rpc-reply>\n";
    }

    private void send(String xml, boolean chunked) throws IOException {
      byte[] framed = SimFraming.frame(xml, chunked);
      int piece = framed.length;
      for (JunosSimulationFault f : settings.faults()) {
        if (f instanceof JunosSimulationFault.SplitWrites s) {
          piece = Math.min(piece, s.maxPieceBytes());
        }
      }
      OutputStream o = Objects.requireNonNull(out);
      synchronized (o) {
        for (int off = 0; off < framed.length; off += piece) {
          o.write(framed, off, Math.min(piece, framed.length - off));
          o.flush();
        }
      }
    }

    void end() {
      if (ended) {
        return;
      }
      ended = true;
      sessions.remove(this);
      released();
      ChannelSession c = channel;
      if (c != null) {
        c.getSession().close(false);
      }
      ExitCallback e = exit;
      if (e != null) {
        e.onExit(0);
      }
    }

    @Override
    public void destroy(ChannelSession channel) {
      ended = true;
      sessions.remove(this);
      released();
    }

    /** Once per session: the device lets go of its lock and uncommitted changes. */
    private void released() {
      if (id != 0 && releasedOnce.compareAndSet(false, true)) {
        handler.sessionEnded(id);
      }
    }
  }

  /** Builds and starts a {@link SimulatedJunosDevice}. */
  public static final class Builder {
    private final VirtualChassisModel model;
    private String username = "phc";
    private String password = "phc-lab-password";
    private final java.util.Map<String, String> accounts = new java.util.LinkedHashMap<>();
    private @Nullable PublicKey authorizedKey;
    private String hostName = "vc-sim";
    private String bindAddress = "127.0.0.1";
    private int port;
    private @Nullable KeyPair hostKey;
    private boolean legacyVersionFormat;
    private boolean chunkedFraming = true;
    private boolean virtualChassisCapable = true;
    private final List<JunosSimulationFault> faults = new ArrayList<>();
    private RpcGate gate = RpcGate.OPEN;

    private Builder(VirtualChassisModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /** Password login (default {@code phc} / {@code phc-lab-password}). */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Another password login (for example one per agent host, so that {@link RecordedRpc#user()} tells which agent
     * issued each RPC). The {@link #credentials} user stays the main one (its home directory, its key).
     */
    public Builder account(String username, String password) {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.isBlank()) {
        throw new IllegalArgumentException("username is empty");
      }
      accounts.put(username, password);
      return this;
    }

    /** Also accept this public key for the user. */
    public Builder authorizedKey(PublicKey key) {
      this.authorizedKey = Objects.requireNonNull(key, "key");
      return this;
    }

    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /**
     * A fixed TCP port (default 0: a free port chosen at start, which tests should keep using: other builds
     * may run the same tests at the same time). Fails at {@link #start()} when the port is taken.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to listen on (default {@code 127.0.0.1}, loopback only). */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The SSH host key (default: a new EC P-256 key per device). */
    public Builder hostKey(KeyPair hostKey) {
      this.hostKey = Objects.requireNonNull(hostKey, "hostKey");
      return this;
    }

    /** Answer {@code show version} like Junos before 12.x: no {@code junos-version}, only package comments. */
    public Builder legacyVersionFormat(boolean legacy) {
      this.legacyVersionFormat = legacy;
      return this;
    }

    /** Advertise base:1.1 (chunked framing when the client does too); default true. */
    public Builder chunkedFraming(boolean advertise) {
      this.chunkedFraming = advertise;
      return this;
    }

    /**
     * False: behave like a platform without Virtual Chassis support (a standalone router), where
     * {@code get-virtual-chassis-information} and {@code show version invoke-on all-routing-engines} fail; give
     * such a device a one-member model.
     */
    public Builder virtualChassisCapable(boolean capable) {
      this.virtualChassisCapable = capable;
      return this;
    }

    public Builder fault(JunosSimulationFault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * Sees every RPC before and after it takes effect and may end the connection there without a reply (see
     * {@link RpcGate}); default {@link RpcGate#OPEN}.
     */
    public Builder rpcGate(RpcGate gate) {
      this.gate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /** Builds and binds (127.0.0.1 on a free port unless set otherwise). */
    public SimulatedJunosDevice start() {
      return new SimulatedJunosDevice(this).start();
    }
  }
}
