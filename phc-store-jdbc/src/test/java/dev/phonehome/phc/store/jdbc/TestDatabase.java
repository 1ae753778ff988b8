package dev.phonehome.phc.store.jdbc;

import java.nio.file.Path;
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
 * A database of the tests' own: a fresh PostgreSQL database (created on the server named by
 * {@code PHC_TEST_JDBC_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user and password
 * {@code PHC_TEST_JDBC_USER}/{@code PHC_TEST_JDBC_PASSWORD}, default phc/phc; dropped on close), or an embedded
 * file database in a temporary directory. Without PostgreSQL the PostgreSQL tests fail when {@code CI=true} and
 * are skipped, saying how to run them, otherwise.
 */
abstract class TestDatabase implements AutoCloseable {
  private static final AtomicLong NAMES = new AtomicLong();
  static final String ADMIN_URL = env("PHC_TEST_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  static final String USER = env("PHC_TEST_JDBC_USER", "phc");
  static final String PASSWORD = env("PHC_TEST_JDBC_PASSWORD", "phc");

  abstract String url();

  abstract String kind();

  /** A new pool on this database (as a restarted server opens it). */
  JdbcDatabase connect() {
    return builder().build();
  }

  JdbcDatabase.Builder builder() {
    return JdbcDatabase.builder(url()).user(user()).password(password()).maxPoolSize(4)
        .connectionTimeout(Duration.ofSeconds(5));
  }

  String user() {
    return null;
  }

  String password() {
    return null;
  }

  @Override
  public abstract void close();

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  /** A fresh PostgreSQL database named after {@code owner}, or the test is failed (CI) or skipped (laptop). */
  static Postgres postgres(String owner) {
    requirePostgres();
    String name = ("phc_t_" + owner.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT)).substring(0,
        Math.min(40, 6 + owner.replaceAll("[^A-Za-z0-9]", "").length())) + "_" + ProcessHandle.current().pid() + "_"
        + NAMES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + " at " + ADMIN_URL + ": " + e, e);
    }
    return new Postgres(name);
  }

  /** Fails (CI) or skips (no CI) when PostgreSQL cannot be reached. */
  static void requirePostgres() {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD)) {
      c.isValid(5);
    } catch (SQLException e) {
      String how = "PostgreSQL is not reachable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage() + "). "
          + "Start one (Debian: apt-get install postgresql; pg_ctlcluster 15 main start; create role phc with"
          + " password phc, superuser) or point PHC_TEST_JDBC_URL / PHC_TEST_JDBC_USER / PHC_TEST_JDBC_PASSWORD at"
          + " one.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("CI=true and " + how);
      }
      Assumptions.abort(how);
    }
  }

  static Sqlite sqlite(Path dir) {
    return new Sqlite(dir.resolve("phc-" + NAMES.incrementAndGet() + ".sqlite"));
  }

  static H2 h2(Path dir) {
    return new H2(dir.resolve("phc-" + NAMES.incrementAndGet()));
  }

  static final class Postgres extends TestDatabase {
    final String name;

    Postgres(String name) {
      this.name = name;
    }

    @Override
    String url() {
      int slash = ADMIN_URL.lastIndexOf('/');
      int q = ADMIN_URL.indexOf('?', slash);
      return ADMIN_URL.substring(0, slash + 1) + name + (q < 0 ? "" : ADMIN_URL.substring(q));
    }

    @Override
    String kind() {
      return "PostgreSQL";
    }

    @Override
    String user() {
      return USER;
    }

    @Override
    String password() {
      return PASSWORD;
    }

    /** Runs SQL as the administrator (on the postgres database). */
    void admin(String sql) {
      try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
          Statement s = c.createStatement()) {
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
      admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  static final class Sqlite extends TestDatabase {
    final Path file;

    Sqlite(Path file) {
      this.file = file;
    }

    @Override
    String url() {
      return "jdbc:sqlite:" + file;
    }

    @Override
    String kind() {
      return "SQLite";
    }

    @Override
    public void close() {
      // the temporary directory goes with the test
    }
  }

  static final class H2 extends TestDatabase {
    final Path base;

    H2(Path base) {
      this.base = base;
    }

    @Override
    String url() {
      return "jdbc:h2:file:" + base;
    }

    @Override
    String kind() {
      return "H2";
    }

    @Override
    public void close() {
      // the temporary directory goes with the test
    }
  }
}
