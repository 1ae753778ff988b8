package dev.phonehome.phc.cli;

import dev.phonehome.phc.agent.AgentWorkQueue;
import dev.phonehome.phc.agent.CredentialsResolver;
import dev.phonehome.phc.agent.DeviceConnector;
import dev.phonehome.phc.agent.FleetAgent;
import dev.phonehome.phc.agent.FleetAgentListener;
import dev.phonehome.phc.agent.LeaseRecord;
import dev.phonehome.phc.agent.QueuedVc;
import dev.phonehome.phc.agent.VcState;
import dev.phonehome.phc.agent.VcTarget;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code phc agent run|enqueue|list|leases|cancel|retry}: off-box agents that share a work queue of VCs in
 * PostgreSQL ({@code phc-agent}).
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Scale-out of off-box agents: VCs queued in PostgreSQL, provisioned by many agents.",
      "Any number of 'phc agent run' processes, on one host or many, take the queued VCs under a lease and"
          + " provision each over NETCONF/SSH. A VC is driven by one agent at a time; the VCs of an agent that dies"
          + " are taken over when their leases expire, and the engine resumes from the state it saved on the VC.",
      "The queue holds the names of credentials, never secrets.",
      ""
    },
    subcommands = {AgentCommand.Run.class, AgentCommand.Enqueue.class, AgentCommand.ListVcs.class,
        AgentCommand.Leases.class, AgentCommand.Cancel.class, AgentCommand.Retry.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc agent enqueue --database jdbc:postgresql://db/phc --database-user phc \\",
      "      --host 10.1.2.3 --credentials lab-vcs --phs https://phs.example.net:8443",
      "  phc agent run --database jdbc:postgresql://db/phc --database-user phc \\",
      "      --workers 32 --credentials-dir /etc/phc/credentials \\",
      "      --known-hosts /etc/phc/known_hosts --ca-file phs-ca.pem",
      "  phc agent list --database jdbc:postgresql://db/phc --database-user phc",
      "(the database password: PHC_DATABASE_PASSWORD or --database-password-file)"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok (run: stopped cleanly, or the queue drained with --exit-when-drained)", "2:usage error",
        "3:bad input (database unreachable or not PostgreSQL, files unreadable, no such VC)", "4:internal error"})
final class AgentCommand implements Runnable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "Missing command: choose one of run, enqueue, list, leases, cancel, retry");
  }

  /** Opens the queue (PostgreSQL only), its tables migrated. */
  static Opened open(CommandSpec spec, DatabaseOptions database, String poolName, int poolSize) {
    return open(spec, database, poolName, poolSize, Duration.ofSeconds(60));
  }

  /**
   * Opens the queue; a statement that gets no answer within {@code socketTimeout} fails instead of hanging on a
   * dead connection (a renewal that late is worthless anyway: the lease is then past its margin).
   */
  static Opened open(CommandSpec spec, DatabaseOptions database, String poolName, int poolSize,
      Duration socketTimeout) {
    if (database.url == null) {
      throw new ParameterException(spec.commandLine(), "--database is required (jdbc:postgresql://HOST[:PORT]/DB)");
    }
    if (!database.url.startsWith("jdbc:postgresql:")) {
      throw CliException.badInput("--database " + DatabaseOptions.redact(database.url) + ": the agents' work queue"
          + " needs PostgreSQL (jdbc:postgresql://HOST[:PORT]/DB): several agent processes share it");
    }
    String password = null;
    if (database.passwordFile != null) {
      password = Inputs.passwordFrom("--database-password-file", database.passwordFile);
    } else if (System.getenv(DatabaseOptions.PASSWORD_ENV) != null) {
      password = System.getenv(DatabaseOptions.PASSWORD_ENV);
    }
    JdbcDatabase db = null;
    try {
      db = JdbcDatabase.builder(database.url).user(database.user).password(password).poolName(poolName)
          .maxPoolSize(poolSize).property("socketTimeout", Long.toString(Math.max(5, socketTimeout.toSeconds())))
          .build();
      return new Opened(db, AgentWorkQueue.create(db));
    } catch (PhcStoreException e) {
      if (db != null) {
        db.close();
      }
      throw CliException.badInput("--database " + DatabaseOptions.redact(database.url) + ": " + e.getMessage(), e);
    }
  }

  /** The pool and the queue on it. */
  record Opened(JdbcDatabase db, AgentWorkQueue queue) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
    }
  }

  // ------------------------------------------------------------------------------------------ run

  /** {@code phc agent run}. */
  @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Runs an agent: takes VCs from the queue and provisions them.",
        "Claims VCs as workers free up and drives each over NETCONF/SSH, until",
        "Ctrl-C (its VCs are then given back at once) or, with --exit-when-drained,",
        "until no VC is queued or running. One line per event: claimed, engine",
        "started or resumed, completed, failed, lease lost, released."})
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Option(names = "--agent-id", paramLabel = "ID",
        description = "This agent's name in the queue, unique per running agent (default: host name and process id).")
    String agentId;

    @Option(names = "--workers", defaultValue = "16", paramLabel = "N",
        description = "VCs driven at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--lease", defaultValue = "PT60S", paramLabel = "DURATION",
        description = "Lease length: how long a dead agent's VCs wait before another agent takes them over; renewed"
            + " every quarter of it (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--poll", defaultValue = "PT5S", paramLabel = "DURATION",
        description = "How often an agent with free workers looks for ready VCs (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(names = "--retry-backoff", defaultValue = "PT30S", paramLabel = "DURATION",
        description = "Wait before a failed VC is tried again, doubled per attempt (default: ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    @Option(names = "--retry-backoff-max", defaultValue = "PT30M", paramLabel = "DURATION",
        description = "The longest wait between attempts (default: ${DEFAULT-VALUE}).")
    Duration retryBackoffMax;

    @Option(names = "--credentials-dir", required = true, paramLabel = "DIR",
        description = "Where the credentials VCs are queued with live: a file per name with username= and"
            + " password= or key=PATH (keep it chmod 700).")
    Path credentialsDir;

    @Option(names = "--known-hosts", paramLabel = "FILE",
        description = "OpenSSH known_hosts file listing every VC's SSH host key (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--insecure-accept-any-host-key",
        description = "Accept any SSH host key (labs only: a man in the middle could read the configuration).")
    boolean acceptAnyHostKey;

    @Option(names = "--trust-fingerprint", paramLabel = "SHA256",
        description = "Trust a PHS whose certificate has this SHA-256 fingerprint (self-signed 'phc serve').")
    List<String> trustFingerprints = new ArrayList<>();

    @Option(names = "--ca-file", paramLabel = "PEM",
        description = "Trust PHS certificates issued by these CA certificates (PEM) instead of the system trust store.")
    Path caFile;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
        description = "Rounds over a VC's server list per attempt; then the attempt fails and the VC is retried"
            + " after its backoff (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--member-detection-timeout", defaultValue = "PT10M", paramLabel = "DURATION",
        description = "How long to wait for rebooted members to come back (default: ${DEFAULT-VALUE}).")
    Duration memberDetectionTimeout;

    @Option(names = "--detection-poll", defaultValue = "PT15S", paramLabel = "DURATION",
        description = "How often to look for members while waiting (default: ${DEFAULT-VALUE}).")
    Duration detectionPoll;

    @Option(names = "--exit-when-drained",
        description = "Exit (code 0) once no VC is queued or running and this agent drives none.")
    boolean exitWhenDrained;

    /** Released by Ctrl-C (the shutdown hook). */
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
      validate();
      HostKeyVerification hostKeys = hostKeys();
      Provisioning.TrustSetup trust = Provisioning.trust(trustFingerprints, caFile);
      PrintWriter out = spec.commandLine().getOut();
      // Pool: the claim loop, the lease renewals and one connection per worker recording an outcome at once.
      try (Opened q = open(spec, database, "phc-agent", Math.max(4, Math.min(workers + 2, 16)), lease)) {
        PhoneHomeClient.Builder client = PhoneHomeClient.builder().maxRounds(rounds)
            .memberDetectionTimeout(memberDetectionTimeout).detectionPollInterval(detectionPoll);
        if (trust != null) {
          client.sslContext(trust.context(), trust.trustManager());
        }
        FleetAgent.Builder b = FleetAgent.builder(q.queue()).workers(workers).lease(lease).pollInterval(poll)
            .retryBackoff(retryBackoff, retryBackoffMax)
            .client(client)
            .deviceConnector(DeviceConnector.junos(CredentialsResolver.directory(credentialsDir), hostKeys))
            .listener(new Printer(out));
        if (agentId != null) {
          b.agentId(agentId);
        }
        FleetAgent agent = b.build();
        Thread hook = new Thread(() -> {
          agent.close();
          stopped.countDown();
        }, "phc-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.start();
        line(out, "agent " + agent.agentId() + " ready: " + workers + " worker(s), lease " + human(lease) + ", queue "
            + q.db() + counts(q.queue().counts()));
        try {
          if (exitWhenDrained) {
            while (!agent.awaitDrained(Duration.ofHours(1))) {
              line(out, "still working:" + counts(q.queue().counts()));
            }
            line(out, "the queue is drained:" + counts(q.queue().counts()));
          } else {
            stopped.await();
          }
        } finally {
          agent.close();
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running
          }
        }
        line(out, "agent " + agent.agentId() + " stopped");
      }
      return ExitCodes.OK;
    }

    private void validate() {
      if (workers < 1 || workers > 10_000) {
        throw new ParameterException(spec.commandLine(), "--workers must be 1 to 10000, was " + workers);
      }
      if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ParameterException(spec.commandLine(), "--lease must be at least PT1S, was " + lease);
      }
      if (poll.toMillis() < 10) {
        throw new ParameterException(spec.commandLine(), "--poll must be at least PT0.01S, was " + poll);
      }
      if (retryBackoff.isNegative() || retryBackoffMax.compareTo(retryBackoff) < 0) {
        throw new ParameterException(spec.commandLine(), "--retry-backoff must be 0 or more and at most"
            + " --retry-backoff-max");
      }
      if (rounds < 1) {
        throw new ParameterException(spec.commandLine(), "--rounds must be at least 1 (an agent's attempt must end),"
            + " was " + rounds);
      }
      if (memberDetectionTimeout.isNegative() || memberDetectionTimeout.isZero() || detectionPoll.isNegative()
          || detectionPoll.isZero()) {
        throw new ParameterException(spec.commandLine(),
            "--member-detection-timeout and --detection-poll must be positive durations such as PT10M or PT15S");
      }
      if (caFile != null && !trustFingerprints.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--ca-file and --trust-fingerprint are alternatives: give one");
      }
      if (knownHosts != null && acceptAnyHostKey) {
        throw new ParameterException(spec.commandLine(),
            "--known-hosts and --insecure-accept-any-host-key are alternatives: give one");
      }
      Inputs.readableDirectory("--credentials-dir", credentialsDir);
      if (caFile != null) {
        Inputs.readableFile("--ca-file", caFile);
      }
    }

    private HostKeyVerification hostKeys() {
      if (acceptAnyHostKey) {
        return HostKeyVerification.acceptAnyForLabUseOnly();
      }
      Path kh = knownHosts != null ? knownHosts : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
      if (!Files.isReadable(kh)) {
        throw CliException.badInput("--known-hosts " + kh + ": not readable; every VC's SSH host key must be known"
            + " (ssh-keyscan -p PORT HOST >> " + kh + "), or use --insecure-accept-any-host-key in a lab");
      }
      return HostKeyVerification.knownHosts(kh);
    }
  }

  /** One line per agent event. */
  private static final class Printer implements FleetAgentListener {
    private final PrintWriter out;

    Printer(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void claimed(VcTarget vc, long generation, int attempt, @Nullable String takenOverFrom) {
      line(out, "claimed " + vc.name() + " (lease " + generation + ", attempt " + attempt + "/" + vc.maxAttempts()
          + (takenOverFrom == null ? "" : ", taken over from " + takenOverFrom + " whose lease expired") + ")");
    }

    @Override
    public void engineStarted(VcTarget vc, String how, @Nullable String step) {
      line(out, vc.name() + ": engine " + (step == null ? "started fresh" : how + " at " + step
          + " from the state saved on the VC"));
    }

    @Override
    public void completed(VcTarget vc, String result) {
      line(out, "completed " + vc.name() + ": " + result);
    }

    @Override
    public void failed(VcTarget vc, String error, VcState next) {
      line(out, "failed " + vc.name() + (next == VcState.FAILED ? " for good" : ", retried later") + ": "
          + firstLine(error));
    }

    @Override
    public void leaseLost(VcTarget vc, String reason) {
      line(out, "lease lost on " + vc.name() + ": " + reason);
    }

    @Override
    public void released(VcTarget vc) {
      line(out, "released " + vc.name() + " (another agent may take it at once)");
    }

    @Override
    public void queueUnavailable(RuntimeException error) {
      line(out, "queue unavailable: " + firstLine(String.valueOf(error.getMessage())));
    }
  }

  static synchronized void line(PrintWriter out, String s) {
    out.println(TIME.format(Instant.now()) + "  " + s);
    out.flush();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " ...";
  }

  static String counts(Map<VcState, Integer> counts) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<VcState, Integer> e : counts.entrySet()) {
      b.append(' ').append(e.getKey().name().toLowerCase(Locale.ROOT)).append(' ').append(e.getValue());
    }
    return b.toString();
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  // ------------------------------------------------------------------------------------------ enqueue

  /** {@code phc agent enqueue}. */
  @Command(name = "enqueue", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Puts a VC in the queue.", "A VC of the same name already there is left as it is."})
  static final class Enqueue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Option(names = "--host", required = true, paramLabel = "HOST", description = "The VC's management address.")
    String host;

    @Option(names = "--port", defaultValue = "830", paramLabel = "PORT",
        description = "NETCONF over SSH port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--name", paramLabel = "NAME", description = "The VC's name in the queue (default HOST:PORT).")
    String name;

    @Option(names = "--credentials", required = true, paramLabel = "NAME",
        description = "The name of the credentials agents log in with (a file in each agent's --credentials-dir);"
            + " never the secret itself.")
    String credentials;

    @Option(names = "--phs", required = true, paramLabel = "URL",
        description = "Phone-home server URL; repeat for a list, tried in order (a redirect server works too).")
    List<String> phs;

    @Option(names = "--dialect", defaultValue = "juniper", paramLabel = "DIALECT",
        description = "Wire dialect: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    DialectOption dialect;

    @Option(names = "--serial", paramLabel = "SERIAL",
        description = "Serial to present to the PHS (default: the VC primary's, read from the device).")
    String serial;

    @Option(names = "--max-attempts", defaultValue = "5", paramLabel = "N",
        description = "Attempts before the VC is marked failed (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Override
    public Integer call() {
      VcTarget target;
      try {
        VcTarget.Builder b = VcTarget.builder(host).port(port).credentials(credentials).bootstrapServers(phs)
            .dialect(dialect.dialect()).serialNumber(serial).maxAttempts(maxAttempts);
        if (name != null) {
          b.name(name);
        }
        target = b.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      try (Opened q = open(spec, database, "phc-agent-enqueue", 2)) {
        boolean added = q.queue().enqueue(target);
        PrintWriter out = spec.commandLine().getOut();
        out.println((added ? "queued " : "already in the queue, left as it is: ") + target.name() + " ("
            + target.host() + ":" + target.port() + ", credentials " + target.credentials() + ", servers "
            + target.bootstrapServers() + ")");
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  // ------------------------------------------------------------------------------------------ operator view

  /** {@code phc agent list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Shows the queue: state, agent, attempts, step, lease, last error.",
        "Each VC's state, the agent holding it (or, in parentheses, the one that",
        "completed it), attempts used, the engine step, the time left on its lease,",
        "the VC's serial and the last error."})
  static final class ListVcs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Override
    public Integer call() {
      try (Opened q = open(spec, database, "phc-agent-list", 2)) {
        List<QueuedVc> all = q.queue().list();
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STATE", "AGENT", "ATTEMPTS", "STEP", "LEASE", "SERIAL", "LAST ERROR"});
        Instant now = Instant.now();
        for (QueuedVc v : all) {
          String lease = v.leaseExpiresAt() == null ? "" : Duration.between(now, v.leaseExpiresAt()).isNegative()
              ? "expired" : Duration.between(now, v.leaseExpiresAt()).toSeconds() + "s";
          String state = v.state().name().toLowerCase(Locale.ROOT);
          if (v.state() == VcState.QUEUED && v.notBefore().isAfter(now)) {
            state += " (retry in " + Duration.between(now, v.notBefore()).toSeconds() + "s)";
          }
          String agent = v.owner() != null ? v.owner() : v.completedBy() != null ? "(" + v.completedBy() + ")" : "";
          rows.add(new String[] {v.name(), state, agent, v.attempts() + "/" + v.target().maxAttempts(),
              v.step() == null ? "" : v.step(), lease, v.deviceSerial() == null ? "" : v.deviceSerial(),
              v.lastError() == null ? "" : firstLine(v.lastError())});
        }
        table(out, rows);
        out.println(all.size() + " VC(s):" + counts(q.queue().counts()));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code phc agent leases NAME}. */
  @Command(name = "leases", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Shows every lease a VC had: who drove it when, and how.",
        "For each lease: the agent, when it was claimed and ended, how the engine",
        "began (fresh, or resumed from the state saved on the VC at a step) and how",
        "the lease ended (completed, retry, failed, expired, released, cancelled)."})
  static final class Leases implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "The VC's name in the queue.")
    String name;

    @Override
    public Integer call() {
      try (Opened q = open(spec, database, "phc-agent-list", 2)) {
        if (q.queue().find(name).isEmpty()) {
          throw CliException.badInput("no VC named " + name + " in the queue (phc agent list shows them)");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LEASE", "AGENT", "CLAIMED", "ENDED", "OUTCOME", "ENGINE", "ERROR"});
        for (LeaseRecord l : q.queue().leases(name)) {
          rows.add(new String[] {Long.toString(l.generation()), l.agent(), DATE_TIME.format(l.claimedAt()),
              l.endedAt() == null ? "(held)" : DATE_TIME.format(l.endedAt()), l.outcome() == null ? "" : l.outcome(),
              l.engineStart() == null ? "" : l.engineStart() + (l.resumedStep() == null ? "" : " at " + l.resumedStep()),
              l.error() == null ? "" : firstLine(l.error())});
        }
        table(out, rows);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code phc agent cancel NAME}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Stops a VC from being driven.",
        "A queued VC is no longer handed out; the agent driving a running VC stops",
        "at its next lease renewal."})
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "The VC's name in the queue.")
    String name;

    @Override
    public Integer call() {
      try (Opened q = open(spec, database, "phc-agent-cancel", 2)) {
        if (!q.queue().cancel(name)) {
          throw CliException.badInput("no queued or running VC named " + name);
        }
        spec.commandLine().getOut().println("cancelled " + name);
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code phc agent retry NAME}. */
  @Command(name = "retry", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Puts a failed, cancelled or completed VC back in the queue.",
        "Its attempts are counted from zero again."})
  static final class Retry implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "NAME", description = "The VC's name in the queue.")
    String name;

    @Override
    public Integer call() {
      try (Opened q = open(spec, database, "phc-agent-retry", 2)) {
        if (!q.queue().retry(name)) {
          throw CliException.badInput("no failed, cancelled or completed VC named " + name);
        }
        spec.commandLine().getOut().println("queued " + name + " again");
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  private static void table(PrintWriter out, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        b.append(i == cols - 1 ? r[i] : String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", r[i]));
      }
      out.println(b.toString().stripTrailing());
    }
  }
}
