package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * A work queue of Virtual Chassis in PostgreSQL, shared by any number of agent processes ({@link FleetAgent}).
 *
 * <p><b>Leases.</b> An agent claims ready VCs with {@code SELECT ... FOR UPDATE SKIP LOCKED} (agents never wait
 * for each other and never get the same VC), which grants it a lease until {@code now() + lease} (database time,
 * so the agents' clocks do not matter). The agent renews its leases while it drives the VCs; a lease that is not
 * renewed expires and the VC is claimed again by any agent, which resumes the process from the state the engine
 * saved on the device. Every claim increments the VC's <em>lease generation</em>, the fencing token: renewal,
 * completion, failure and release all name the generation they hold and change nothing when it is no longer the
 * current one, so an agent whose lease expired cannot record anything as the owner. An expired lease is never
 * renewed, even when nobody took the VC over yet.
 *
 * <p><b>Retries.</b> A failed attempt puts the VC back with exponential backoff ({@code not_before}); a VC that
 * used its {@link VcTarget#maxAttempts() attempts} becomes {@link VcState#FAILED} with the last error. A lease
 * that expires counts as an attempt, so a VC that keeps killing its agents stops being handed out. An agent that
 * stops cleanly releases its leases at once, without using an attempt.
 *
 * <p><b>Operator view.</b> {@link #list()} shows every VC with its state, owner, attempts, lease, step and last
 * error; {@link #leases(String)} every lease a VC had (who drove it when, and how each lease ended);
 * {@link #cancel(String)} and {@link #retry(String)} act on one VC.
 *
 * <p>Tables {@code phc_agent_vc} and {@code phc_agent_lease}, migrated by Flyway with the history table
 * {@code phc_agent_schema_history} (apart from {@code phc-store-jdbc}'s, so the two modules migrate
 * independently in one database). Only secrets' <em>names</em> are stored (see {@link VcTarget#credentials()}).
 * PostgreSQL only: the queue exists for several agent processes, which an embedded file database cannot serve.
 * Thread-safe.
 *
 * <pre>{@code
 * try (JdbcDatabase db = JdbcDatabase.builder("jdbc:postgresql://db.example.net/nms").user("phc")
 *         .password(System.getenv("PHC_DATABASE_PASSWORD")).build()) {
 *   AgentWorkQueue queue = AgentWorkQueue.create(db);
 *   queue.enqueue(VcTarget.builder("10.1.2.3").credentials("lab-vcs")
 *       .bootstrapServers("https://phs.example.net:8443").build());
 *   for (QueuedVc vc : queue.list()) {
 *     System.out.println(vc.name() + " " + vc.state() + " " + vc.owner() + " " + vc.lastError());
 *   }
 * }
 * }</pre>
 */
public final class AgentWorkQueue {
  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}");
  private static final int MAX_TEXT = 4000;

  private final JdbcDatabase db;

  private AgentWorkQueue(JdbcDatabase db) {
    this.db = db;
  }

  /**
   * The queue in {@code db}, its tables created or upgraded first (safe from several processes at once: Flyway
   * locks).
   *
   * @throws IllegalArgumentException when {@code db} is not PostgreSQL
   * @throws PhcStoreException when the migration fails
   */
  public static AgentWorkQueue create(JdbcDatabase db) {
    Objects.requireNonNull(db, "db");
    if (!db.shared()) {
      throw new IllegalArgumentException("the agent work queue needs PostgreSQL (several agent processes share it;"
          + " leases use FOR UPDATE SKIP LOCKED), not " + db.kind() + ": " + db);
    }
    try {
      Flyway.configure(AgentWorkQueue.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations("classpath:dev/phonehome/phc/agent/migration/postgresql")
          .table("phc_agent_schema_history")
          // A schema that already holds other tables (phc-store-jdbc's, your own): start from nothing of ours.
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new PhcStoreException("cannot migrate the agent work queue in " + db + ": " + e.getMessage(), e);
    }
    return new AgentWorkQueue(db);
  }

  /** The database the queue lives in. */
  public JdbcDatabase database() {
    return db;
  }

  // ------------------------------------------------------------------------------------------ enqueue

  /**
   * Adds a VC, ready at once. A VC of the same {@link VcTarget#name()} already in the queue is left as it is
   * (enqueueing is idempotent: run your inventory import again without doubling work).
   *
   * @return true when it was added, false when the name was already queued
   */
  public boolean enqueue(VcTarget target) {
    return enqueueAll(List.of(target)) == 1;
  }

  /**
   * Adds VCs in one transaction (all or none); names already in the queue are left as they are.
   *
   * @return how many were added
   */
  public int enqueueAll(Collection<VcTarget> targets) {
    List<VcTarget> list = List.copyOf(targets);
    if (list.isEmpty()) {
      return 0;
    }
    return inTransaction("enqueue " + list.size() + " VC(s)", c -> {
      // One statement for the whole list (rows from arrays): 10,000 VCs are one round trip.
      int n = list.size();
      String[] names = new String[n];
      String[] hosts = new String[n];
      Integer[] ports = new Integer[n];
      String[] creds = new String[n];
      String[] servers = new String[n];
      String[] dialects = new String[n];
      String[] serials = new String[n];
      Integer[] attempts = new Integer[n];
      for (int i = 0; i < n; i++) {
        VcTarget t = list.get(i);
        names[i] = t.name();
        hosts[i] = t.host();
        ports[i] = t.port();
        creds[i] = t.credentials();
        servers[i] = String.join("\n", t.bootstrapServers());
        dialects[i] = t.dialect().name().toLowerCase(Locale.ROOT);
        serials[i] = t.serialNumber();
        attempts[i] = t.maxAttempts();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO phc_agent_vc (name, host, port, credentials_ref,"
          + " bootstrap_servers, dialect, serial_number, max_attempts) SELECT u.name, u.host, u.port, u.cred,"
          + " string_to_array(u.servers, E'\\n'), u.dialect, u.serial, u.attempts FROM unnest(?::text[], ?::text[],"
          + " ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[]) WITH ORDINALITY AS u(name, host, port,"
          + " cred, servers, dialect, serial, attempts, pos) ORDER BY u.pos ON CONFLICT (name) DO NOTHING")) {
        ps.setArray(1, c.createArrayOf("text", names));
        ps.setArray(2, c.createArrayOf("text", hosts));
        ps.setArray(3, c.createArrayOf("integer", ports));
        ps.setArray(4, c.createArrayOf("text", creds));
        ps.setArray(5, c.createArrayOf("text", servers));
        ps.setArray(6, c.createArrayOf("text", dialects));
        ps.setArray(7, c.createArrayOf("text", serials));
        ps.setArray(8, c.createArrayOf("integer", attempts));
        return ps.executeUpdate();
      }
    });
  }

  // ------------------------------------------------------------------------------------------ operator view

  /** Every VC in the queue, by name. */
  public List<QueuedVc> list() {
    return inTransaction("list the queue", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM phc_agent_vc ORDER BY name")) {
        return readVcs(ps);
      }
    });
  }

  /** One VC by name. */
  public Optional<QueuedVc> find(String name) {
    Objects.requireNonNull(name, "name");
    return inTransaction("read " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM phc_agent_vc WHERE name = ?")) {
        ps.setString(1, name);
        List<QueuedVc> r = readVcs(ps);
        return r.isEmpty() ? Optional.<QueuedVc>empty() : Optional.of(r.get(0));
      }
    });
  }

  /** How many VCs are in each state (every state present, zero when none). */
  public Map<VcState, Integer> counts() {
    return inTransaction("count the queue", c -> {
      Map<VcState, Integer> counts = new EnumMap<>(VcState.class);
      for (VcState s : VcState.values()) {
        counts.put(s, 0);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM phc_agent_vc GROUP BY state");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(VcState.ofSql(rs.getString(1)), rs.getInt(2));
        }
      }
      return counts;
    });
  }

  /** Every lease {@code name} had, oldest first: who drove it when, and how each lease ended. */
  public List<LeaseRecord> leases(String name) {
    Objects.requireNonNull(name, "name");
    return inTransaction("read the leases of " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT v.name, l.* FROM phc_agent_lease l JOIN phc_agent_vc v"
          + " ON v.id = l.vc_id WHERE v.name = ? ORDER BY l.generation")) {
        ps.setString(1, name);
        return readLeases(ps);
      }
    });
  }

  /** Every lease of every VC, by VC name then generation. */
  public List<LeaseRecord> leases() {
    return inTransaction("read the leases", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT v.name, l.* FROM phc_agent_lease l JOIN phc_agent_vc v"
          + " ON v.id = l.vc_id ORDER BY v.name, l.generation")) {
        return readLeases(ps);
      }
    });
  }

  /**
   * Stops a VC from being driven: a queued VC is no longer handed out; a running one's lease ends now, and its
   * agent stops driving it at its next renewal (it can no longer renew or record anything for it).
   *
   * @return false when no VC of that name is queued or running
   */
  public boolean cancel(String name) {
    Objects.requireNonNull(name, "name");
    return inTransaction("cancel " + name, c -> {
      long[] held = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT id, state, lease_generation FROM phc_agent_vc WHERE"
          + " name = ? AND state IN ('queued', 'running') FOR UPDATE")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          if (rs.getString(2).equals("running")) {
            held = new long[] {rs.getLong(1), rs.getLong(3)};
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc SET state = 'cancelled', owner = NULL,"
          + " lease_expires_at = NULL, heartbeat_at = NULL, last_error = 'cancelled by an operator', updated_at = now()"
          + " WHERE name = ?")) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
      if (held != null) {
        endLease(c, held[0], held[1], "cancelled", "cancelled by an operator");
      }
      return true;
    });
  }

  /**
   * Puts a failed, cancelled or completed VC back in the queue, ready at once, with its attempts counted from
   * zero (a completed VC's engine finds the completion on the device and does not run again until zeroized).
   *
   * @return false when no VC of that name is failed, cancelled or completed
   */
  public boolean retry(String name) {
    Objects.requireNonNull(name, "name");
    return inTransaction("retry " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc SET state = 'queued', attempts = 0,"
          + " not_before = now(), last_error = NULL, updated_at = now() WHERE name = ?"
          + " AND state IN ('failed', 'cancelled', 'completed')")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  // ------------------------------------------------------------------------------------------ the agents' side

  /**
   * Claims at most {@code max} ready VCs for {@code agent}: queued ones past their backoff, and running ones whose
   * lease expired (taken over; the old lease is recorded as expired at its last valid instant). A running VC whose
   * lease expired with no attempt left becomes failed instead. Each claim increments the VC's generation.
   */
  List<Lease> claim(String agent, int max, Duration lease) {
    requireAgent(agent);
    if (max < 1) {
      return List.of();
    }
    double seconds = lease.toNanos() / 1e9;
    return inTransaction("claim VCs for " + agent, c -> {
      // Expired with nothing left to try: failed, not handed out again.
      try (PreparedStatement ps = c.prepareStatement("WITH dead AS (SELECT id, lease_generation, lease_expires_at,"
          + " owner, attempts FROM phc_agent_vc WHERE state = 'running' AND lease_expires_at <= now()"
          + " AND attempts >= max_attempts FOR UPDATE SKIP LOCKED),"
          + " vc AS (UPDATE phc_agent_vc v SET state = 'failed', owner = NULL, lease_expires_at = NULL,"
          + " heartbeat_at = NULL, updated_at = now(), last_error = 'the lease of ' || dead.owner || ' expired without"
          + " renewal on attempt ' || dead.attempts || ' of ' || v.max_attempts || '; no attempt left'"
          + " FROM dead WHERE v.id = dead.id RETURNING v.id)"
          + " UPDATE phc_agent_lease l SET ended_at = dead.lease_expires_at, outcome = 'expired',"
          + " error = 'not renewed before it expired; no attempt left' FROM dead"
          + " WHERE l.vc_id = dead.id AND l.generation = dead.lease_generation AND l.ended_at IS NULL")) {
        ps.executeUpdate();
      }
      List<Lease> claimed = new ArrayList<>();
      // Expired leases first (a dead agent's VCs resume before new work starts), then ready queued VCs; each from
      // its own partial index, in order, so a claim reads a few rows however long the queue is.
      try (PreparedStatement ps = c.prepareStatement("WITH expired AS (SELECT id, state AS old_state, lease_generation"
          + " AS old_gen, lease_expires_at AS old_expiry, owner AS old_owner, 0 AS pass, lease_expires_at AS rank_at"
          + " FROM phc_agent_vc WHERE state = 'running' AND lease_expires_at <= now() AND attempts < max_attempts"
          + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED),"
          + " ready AS (SELECT id, state AS old_state, lease_generation AS old_gen, lease_expires_at AS old_expiry,"
          + " owner AS old_owner, 1 AS pass, not_before AS rank_at FROM phc_agent_vc"
          + " WHERE state = 'queued' AND not_before <= now() ORDER BY not_before, id LIMIT ? FOR UPDATE SKIP LOCKED),"
          + " c AS (SELECT * FROM (SELECT * FROM expired UNION ALL SELECT * FROM ready) both_"
          + " ORDER BY pass, rank_at, id LIMIT ?),"
          + " old AS (UPDATE phc_agent_lease l SET ended_at = c.old_expiry, outcome = 'expired',"
          + " error = 'not renewed before it expired; taken over by ' || ? FROM c WHERE c.old_state = 'running'"
          + " AND l.vc_id = c.id AND l.generation = c.old_gen AND l.ended_at IS NULL),"
          + " v AS (UPDATE phc_agent_vc v SET state = 'running', owner = ?, lease_generation = v.lease_generation + 1,"
          + " lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now(), attempts = v.attempts + 1,"
          + " updated_at = now(), last_error = CASE WHEN c.old_state = 'running' THEN 'the lease of ' || c.old_owner"
          + " || ' expired without renewal' ELSE v.last_error END"
          + " FROM c WHERE v.id = c.id RETURNING v.*, c.old_state, c.old_owner, c.pass, c.rank_at),"
          + " ins AS (INSERT INTO phc_agent_lease (vc_id, generation, agent, claimed_at)"
          + " SELECT id, lease_generation, owner, now() FROM v)"
          + " SELECT * FROM v ORDER BY pass, rank_at, id")) {
        ps.setInt(1, max);
        ps.setInt(2, max);
        ps.setInt(3, max);
        ps.setString(4, agent);
        ps.setString(5, agent);
        ps.setDouble(6, seconds);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            VcTarget t = readTarget(rs);
            String from = "running".equals(rs.getString("old_state")) ? rs.getString("old_owner") : null;
            claimed.add(new Lease(rs.getLong("id"), rs.getLong("lease_generation"), t, rs.getInt("attempts"), from));
          }
        }
      }
      return claimed;
    });
  }

  /** What an agent reports for one lease at a renewal. */
  record Renewal(Lease lease, @Nullable String step, @Nullable String deviceSerial) {}

  /**
   * Renews {@code agent}'s leases (one statement for all of them) until {@code now() + lease}, with the step each
   * engine is at. Only a lease still current and not yet expired is renewed.
   *
   * @return the VC ids whose lease was renewed; every other one is lost
   */
  Set<Long> renew(String agent, Collection<Renewal> renewals, Duration lease) {
    requireAgent(agent);
    if (renewals.isEmpty()) {
      return Set.of();
    }
    List<Renewal> list = List.copyOf(renewals);
    return inTransaction("renew the leases of " + agent, c -> {
      Long[] ids = new Long[list.size()];
      Long[] gens = new Long[list.size()];
      String[] steps = new String[list.size()];
      String[] serials = new String[list.size()];
      for (int i = 0; i < list.size(); i++) {
        ids[i] = list.get(i).lease().vcId();
        gens[i] = list.get(i).lease().generation();
        steps[i] = list.get(i).step();
        serials[i] = list.get(i).deviceSerial();
      }
      Set<Long> renewed = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc v SET"
          + " lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now(), updated_at = now(),"
          + " step = COALESCE(u.step, v.step), device_serial = COALESCE(u.serial, v.device_serial)"
          + " FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) AS u(id, gen, step, serial)"
          + " WHERE v.id = u.id AND v.lease_generation = u.gen AND v.owner = ? AND v.state = 'running'"
          + " AND v.lease_expires_at > now() RETURNING v.id")) {
        ps.setDouble(1, lease.toNanos() / 1e9);
        ps.setArray(2, c.createArrayOf("bigint", ids));
        ps.setArray(3, c.createArrayOf("bigint", gens));
        ps.setArray(4, c.createArrayOf("text", steps));
        ps.setArray(5, c.createArrayOf("text", serials));
        ps.setString(6, agent);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            renewed.add(rs.getLong(1));
          }
        }
      }
      return renewed;
    });
  }

  /** Records how the engine began under a lease (fresh, or resumed from the device's state at a step). */
  void engineStarted(Lease lease, String how, @Nullable String resumedStep) {
    inTransaction("record the start of " + lease, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_lease SET engine_start = ?, resumed_step = ?"
          + " WHERE vc_id = ? AND generation = ?")) {
        ps.setString(1, how);
        ps.setString(2, resumedStep);
        ps.setLong(3, lease.vcId());
        ps.setLong(4, lease.generation());
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Records the completion under {@code lease}. Fenced: nothing changes when the VC's generation moved on (another
   * agent took it over; it records the completion itself when its engine finds it on the device).
   *
   * @return true when recorded
   */
  boolean complete(String agent, Lease lease, String result, @Nullable String deviceSerial) {
    return inTransaction("complete " + lease, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc SET state = 'completed', owner = NULL,"
          + " lease_expires_at = NULL, heartbeat_at = NULL, completed_at = now(), completed_by = ?, result = ?,"
          + " step = 'COMPLETE', device_serial = COALESCE(?, device_serial), last_error = NULL, updated_at = now()"
          + " WHERE id = ? AND lease_generation = ? AND owner = ? AND state = 'running'")) {
        ps.setString(1, agent);
        ps.setString(2, clip(result));
        ps.setString(3, deviceSerial);
        ps.setLong(4, lease.vcId());
        ps.setLong(5, lease.generation());
        ps.setString(6, agent);
        if (ps.executeUpdate() != 1) {
          return false;
        }
      }
      endLease(c, lease.vcId(), lease.generation(), "completed", null);
      return true;
    });
  }

  /**
   * Records a failed attempt under {@code lease}: back in the queue after {@code backoff}, or failed when no attempt
   * is left or the failure is {@code permanent}. Fenced like {@link #complete}.
   *
   * @return the VC's new state, or empty when the lease was no longer current
   */
  Optional<VcState> fail(String agent, Lease lease, String error, Duration backoff, boolean permanent) {
    return inTransaction("record the failure of " + lease, c -> {
      VcState state;
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc SET state = CASE WHEN ? OR attempts >="
          + " max_attempts THEN 'failed' ELSE 'queued' END, not_before = now() + make_interval(secs => ?),"
          + " owner = NULL, lease_expires_at = NULL, heartbeat_at = NULL, last_error = ?, updated_at = now()"
          + " WHERE id = ? AND lease_generation = ? AND owner = ? AND state = 'running' RETURNING state")) {
        ps.setBoolean(1, permanent);
        ps.setDouble(2, backoff.toNanos() / 1e9);
        ps.setString(3, clip(error));
        ps.setLong(4, lease.vcId());
        ps.setLong(5, lease.generation());
        ps.setString(6, agent);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<VcState>empty();
          }
          state = VcState.ofSql(rs.getString(1));
        }
      }
      endLease(c, lease.vcId(), lease.generation(), state == VcState.FAILED ? "failed" : "retry", error);
      return Optional.of(state);
    });
  }

  /**
   * Gives a lease back without using an attempt (the agent stops cleanly): the VC is ready for any agent at once.
   * Fenced like {@link #complete}.
   */
  boolean release(String agent, Lease lease, String why) {
    return inTransaction("release " + lease, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_vc SET state = 'queued', owner = NULL,"
          + " lease_expires_at = NULL, heartbeat_at = NULL, attempts = GREATEST(0, attempts - 1), not_before = now(),"
          + " updated_at = now() WHERE id = ? AND lease_generation = ? AND owner = ? AND state = 'running'")) {
        ps.setLong(1, lease.vcId());
        ps.setLong(2, lease.generation());
        ps.setString(3, agent);
        if (ps.executeUpdate() != 1) {
          return false;
        }
      }
      endLease(c, lease.vcId(), lease.generation(), "released", why);
      return true;
    });
  }

  private static void endLease(Connection c, long vcId, long generation, String outcome, @Nullable String error)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE phc_agent_lease SET ended_at = now(), outcome = ?,"
        + " error = ? WHERE vc_id = ? AND generation = ? AND ended_at IS NULL")) {
      ps.setString(1, outcome);
      ps.setString(2, error == null ? null : clip(error));
      ps.setLong(3, vcId);
      ps.setLong(4, generation);
      ps.executeUpdate();
    }
  }

  // ------------------------------------------------------------------------------------------ rows

  private static List<QueuedVc> readVcs(PreparedStatement ps) throws SQLException {
    List<QueuedVc> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new QueuedVc(readTarget(rs), VcState.ofSql(rs.getString("state")), rs.getInt("attempts"),
            rs.getString("owner"), rs.getLong("lease_generation"), instant(rs, "lease_expires_at"),
            instant(rs, "heartbeat_at"), rs.getString("step"), rs.getString("device_serial"),
            Objects.requireNonNull(instant(rs, "not_before")), rs.getString("last_error"), rs.getString("result"),
            Objects.requireNonNull(instant(rs, "enqueued_at")), instant(rs, "completed_at"),
            rs.getString("completed_by")));
      }
    }
    return out;
  }

  private static List<LeaseRecord> readLeases(PreparedStatement ps) throws SQLException {
    List<LeaseRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new LeaseRecord(rs.getString("name"), rs.getLong("generation"), rs.getString("agent"),
            Objects.requireNonNull(instant(rs, "claimed_at")), instant(rs, "ended_at"), rs.getString("outcome"),
            rs.getString("engine_start"), rs.getString("resumed_step"), rs.getString("error")));
      }
    }
    return out;
  }

  private static VcTarget readTarget(ResultSet rs) throws SQLException {
    Array servers = rs.getArray("bootstrap_servers");
    String[] urls = (String[]) servers.getArray();
    return VcTarget.builder(rs.getString("host"))
        .port(rs.getInt("port"))
        .name(rs.getString("name"))
        .credentials(rs.getString("credentials_ref"))
        .bootstrapServers(urls)
        .dialect(Dialect.valueOf(rs.getString("dialect").toUpperCase(Locale.ROOT)))
        .serialNumber(rs.getString("serial_number"))
        .maxAttempts(rs.getInt("max_attempts"))
        .build();
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static String clip(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 15) + " ... (clipped)";
  }

  static void requireAgent(String agent) {
    Objects.requireNonNull(agent, "agent");
    if (!AGENT_ID.matcher(agent).matches()) {
      throw new IllegalArgumentException("agent id must be 1 to 100 characters of letters, digits and ._:@- (starting"
          + " with a letter or digit), was \"" + agent + "\"");
    }
  }

  // ------------------------------------------------------------------------------------------ transactions

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = db.dataSource().getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T r = work.run(c);
        c.commit();
        return r;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(auto);
        } catch (SQLException ignored) {
          // the pool validates it
        }
      }
    } catch (SQLException e) {
      throw new PhcStoreException("agent work queue: cannot " + what + " in " + db + ": " + e.getMessage(), e);
    }
  }
}
