package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.agent.AgentWorkQueue;
import dev.phonehome.phc.agent.QueuedVc;
import dev.phonehome.phc.agent.VcState;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code phc agent enqueue|list|leases|cancel|retry} on a real PostgreSQL, and the usage errors of {@code phc agent
 * run}. (The agents themselves: {@link AgentScaleOutTest}.) The database password comes from a file here, as the
 * environment of this JVM cannot be set.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentCommandTest {
  @TempDir Path tmp;
  private PgTestDatabase pg;
  private Path passwordFile;

  @BeforeEach
  void open() throws Exception {
    pg = PgTestDatabase.create("agentcmd");
    passwordFile = Files.writeString(tmp.resolve("db.pw"), PgTestDatabase.PASSWORD + "\n");
  }

  @AfterEach
  void close() {
    if (pg != null) {
      pg.close();
    }
  }

  private CliRun agent(String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--database", pg.url(), "--database-user", PgTestDatabase.USER,
        "--database-password-file", passwordFile.toString()}, 0, all, args.length, 6);
    String[] withAgent = new String[all.length + 1];
    withAgent[0] = "agent";
    System.arraycopy(all, 0, withAgent, 1, all.length);
    return CliRun.of(withAgent);
  }

  @Test
  void enqueueListLeasesCancelAndRetryAVc() {
    CliRun r = agent("enqueue", "--host", "192.0.2.7", "--credentials", "lab-vcs", "--phs", "https://phs1:8443",
        "--phs", "https://phs2:8443", "--name", "site-7", "--max-attempts", "3");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("queued site-7 (192.0.2.7:830, credentials lab-vcs, servers [https://phs1:8443,"
        + " https://phs2:8443])");
    r = agent("enqueue", "--host", "192.0.2.7", "--credentials", "lab-vcs", "--phs", "https://phs1:8443", "--name",
        "site-7");
    assertThat(r.out()).contains("already in the queue, left as it is: site-7");

    r = agent("list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("NAME\\s+STATE\\s+AGENT\\s+ATTEMPTS\\s+STEP\\s+LEASE\\s+SERIAL\\s+LAST ERROR")
        .containsPattern("site-7\\s+queued\\s+0/3")
        .contains("1 VC(s): queued 1 running 0 completed 0 failed 0 cancelled 0");

    r = agent("cancel", "site-7");
    assertThat(r.out()).contains("cancelled site-7");
    assertThat(agent("cancel", "site-7").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    r = agent("list");
    assertThat(r.out()).containsPattern("site-7\\s+cancelled\\s+0/3.*cancelled by an operator");
    r = agent("retry", "site-7");
    assertThat(r.out()).contains("queued site-7 again");

    r = agent("leases", "site-7");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("LEASE\\s+AGENT\\s+CLAIMED\\s+ENDED\\s+OUTCOME\\s+ENGINE\\s+ERROR");
    r = agent("leases", "no-such-vc");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("no VC named no-such-vc in the queue");

    try (JdbcDatabase db = JdbcDatabase.builder(pg.url()).user(PgTestDatabase.USER)
        .password(PgTestDatabase.PASSWORD).build()) {
      QueuedVc q = AgentWorkQueue.create(db).find("site-7").orElseThrow();
      assertThat(q.state()).isEqualTo(VcState.QUEUED);
      assertThat(q.target().bootstrapServers()).containsExactly("https://phs1:8443", "https://phs2:8443");
      assertThat(q.target().credentials()).isEqualTo("lab-vcs");
    }
  }

  @Test
  void enqueueRefusesASecretWhereTheCredentialsNameGoesWithoutEchoingIt() {
    CliRun r = agent("enqueue", "--host", "192.0.2.7", "--credentials", "hunter2!secret", "--phs", "https://phs1");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("not a secret or a path").doesNotContain("hunter2");
  }

  @Test
  void theQueueNeedsPostgres() {
    CliRun r = CliRun.of("agent", "list", "--database", "jdbc:sqlite:" + tmp.resolve("x.sqlite"));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("the agents' work queue needs PostgreSQL");
    r = CliRun.of("agent", "list");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--database is required");
  }

  @Test
  void runNeedsCredentialsAndKnownHostsAndBoundedAttempts() throws Exception {
    CliRun r = agent("run");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Missing required option: '--credentials-dir=DIR'");
    Path creds = Files.createDirectories(tmp.resolve("creds"));
    r = agent("run", "--credentials-dir", creds.toString(), "--rounds", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--rounds must be at least 1");
    r = agent("run", "--credentials-dir", creds.toString(), "--lease", "PT0.5S");
    assertThat(r.err()).contains("--lease must be at least PT1S");
    r = agent("run", "--credentials-dir", creds.toString(), "--known-hosts", tmp.resolve("none").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--known-hosts " + tmp.resolve("none") + ": not readable");
    r = agent("run", "--credentials-dir", tmp.resolve("missing").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--credentials-dir");
  }

  @Test
  void helpShowsTheSubcommands() {
    CliRun r = CliRun.of("agent", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("run      Runs an agent", "enqueue  Puts a VC in the queue.",
        "list     Shows the queue", "leases   Shows every lease", "cancel   Stops a VC", "retry    Puts a failed",
        "never secrets");
    r = CliRun.of("agent");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("choose one of run, enqueue, list, leases, cancel, retry");
  }
}
