package dev.phonehome.phc.agent;

import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one test, on the server named by {@code PHC_TEST_JDBC_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user/password {@code PHC_TEST_JDBC_USER}/{@code
 * PHC_TEST_JDBC_PASSWORD}, default phc/phc); dropped on close. Without PostgreSQL: a failure when {@code CI=true},
 * else a skip that says how to run it.
 */
final class PgTestDatabase implements AutoCloseable {
  private static final AtomicLong NAMES = new AtomicLong();
  static final String ADMIN_URL = env("PHC_TEST_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  static final String USER = env("PHC_TEST_JDBC_USER", "phc");
  static final String PASSWORD = env("PHC_TEST_JDBC_PASSWORD", "phc");

  final String name;

  private PgTestDatabase(String name) {
    this.name = name;
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  static PgTestDatabase create(String owner) {
    String name = "phc_t_agent_" + owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
        + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      String how = "PostgreSQL is not reachable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage() + "). "
          + "Start one (Debian: apt-get install postgresql; pg_ctlcluster 15 main start; role phc/phc superuser)"
          + " or set PHC_TEST_JDBC_URL / PHC_TEST_JDBC_USER / PHC_TEST_JDBC_PASSWORD.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("CI=true and " + how);
      }
      Assumptions.abort(how);
    }
    return new PgTestDatabase(name);
  }

  String url() {
    int slash = ADMIN_URL.lastIndexOf('/');
    int q = ADMIN_URL.indexOf('?', slash);
    return ADMIN_URL.substring(0, slash + 1) + name + (q < 0 ? "" : ADMIN_URL.substring(q));
  }

  JdbcDatabase connect() {
    return JdbcDatabase.builder(url()).user(USER).password(PASSWORD).maxPoolSize(6)
        .connectionTimeout(Duration.ofSeconds(10)).build();
  }

  /** Runs SQL on this database as the test's user (to age leases, for example). */
  void sql(String sql) {
    try (Connection c = DriverManager.getConnection(url(), USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e, e);
    }
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e, e);
    }
  }

  /** Takes the database away: no new connections, every open one cut. */
  void goDown() {
    admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
    admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
  }

  void comeBack() {
    admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
  }

  @Override
  public void close() {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name + ": " + e, e);
    }
  }
}
