package dev.phonehome.phc.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.phonehome.phc.api.PhcStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;

/**
 * A database phc keeps its server state in: PostgreSQL (several servers share one), or an embedded single-file
 * database (SQLite or H2) for one server. Owns a HikariCP pool when built from a JDBC URL; wraps your own
 * {@link DataSource} otherwise. {@link #migrate()} brings the schema up to date with Flyway (own history table
 * {@code phc_schema_history}, so it lives beside your application's own Flyway history in one schema).
 *
 * <pre>{@code
 * try (JdbcDatabase db = JdbcDatabase.builder("jdbc:postgresql://db.example.net/nms")
 *         .user("phc").password(System.getenv("PHC_DATABASE_PASSWORD")).build()) {
 *   JdbcDeviceStore store = JdbcDeviceStore.builder(db).build();    // migrates, then starts its writer
 *   PhoneHomeServer server = PhoneHomeServer.builder().store(store).records(...).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Share one instance between the store, {@link JdbcProvisioningRecords} and anything else of yours that
 * needs the same database: one pool.
 */
public final class JdbcDatabase implements AutoCloseable {
  private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final @Nullable HikariDataSource owned;
  private final SqlDialect dialect;
  private final String description;
  private final @Nullable String schema;
  private volatile boolean migrated;

  private JdbcDatabase(DataSource dataSource, @Nullable HikariDataSource owned, SqlDialect dialect,
      String description, @Nullable String schema) {
    this.dataSource = dataSource;
    this.owned = owned;
    this.dialect = dialect;
    this.description = description;
    this.schema = schema;
  }

  /** A pooled database at {@code jdbcUrl} ({@code jdbc:postgresql:}, {@code jdbc:sqlite:} or {@code jdbc:h2:}). */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /**
   * Your own data source (a pool you already run). phc does not close it. The database kind is read from its
   * metadata.
   *
   * @throws PhcStoreException when no connection can be had
   */
  public static JdbcDatabase of(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try (Connection c = dataSource.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName();
      SqlDialect d = SqlDialect.of(product.toLowerCase(java.util.Locale.ROOT).contains("postgres") ? "postgresql"
          : product.toLowerCase(java.util.Locale.ROOT));
      return new JdbcDatabase(dataSource, null, d, product + " (" + redact(c.getMetaData().getURL()) + ")", null);
    } catch (SQLException e) {
      throw new PhcStoreException("cannot connect to the database: " + e.getMessage(), e);
    }
  }

  /** The pool (or your data source). */
  public DataSource dataSource() {
    return dataSource;
  }

  /** {@code PostgreSQL}, {@code SQLite} or {@code H2}. */
  public String kind() {
    return dialect.toString();
  }

  /** True for PostgreSQL: several servers may share this database. */
  public boolean shared() {
    return dialect.concurrentWriters();
  }

  SqlDialect dialect() {
    return dialect;
  }

  /**
   * Creates or upgrades phc's tables ({@code phc_device}, {@code phc_notification}, {@code phc_member},
   * {@code phc_record}) with Flyway; safe to call from several servers at once (Flyway locks). Returns this.
   *
   * @throws PhcStoreException when the migration fails
   */
  public synchronized JdbcDatabase migrate() {
    if (migrated) {
      return this;
    }
    try {
      var config = Flyway.configure(JdbcDatabase.class.getClassLoader())
          .dataSource(dataSource)
          .locations(dialect.migrations())
          .table("phc_schema_history")
          // An existing schema (your own tables) without our history table: start from nothing of ours.
          .baselineOnMigrate(true)
          .baselineVersion("0");
      if (schema != null) {
        config.schemas(schema).defaultSchema(schema).createSchemas(true);
      }
      config.load().migrate();
      migrated = true;
      return this;
    } catch (FlywayException e) {
      throw new PhcStoreException("cannot migrate the phc schema in " + description + ": " + e.getMessage(), e);
    }
  }

  interface Work<T> {
    T run(java.sql.Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction; a connection whose transaction failed is thrown away. */
  <T> T inTransaction(Work<T> work) throws SQLException {
    java.sql.Connection c = dataSource.getConnection();
    boolean clean = false;
    try {
      c.setAutoCommit(false);
      T r = work.run(c);
      c.commit();
      clean = true;
      return r;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      if (clean) {
        c.close();
      } else {
        // A connection a transaction failed on may be in a state the pool cannot see (SQLite's driver keeps
        // "in a transaction" after a BEGIN that failed busy, then runs later statements outside one): never reuse it.
        discard(c);
      }
    }
  }

  /** Closes a connection for good (never back into the pool): after a failed transaction. */
  void discard(java.sql.Connection c) {
    try {
      if (owned != null) {
        owned.evictConnection(c);
      } else {
        c.close();
      }
    } catch (SQLException | RuntimeException e) {
      // gone either way
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** The URL without a password parameter. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** Configures a pooled {@link JdbcDatabase}. */
  public static final class Builder {
    private final String url;
    private final SqlDialect dialect;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String schema;
    private int maxPoolSize;
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private String poolName = "phc-db";
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "jdbcUrl");
      this.dialect = SqlDialect.of(url);
      this.maxPoolSize = dialect == SqlDialect.POSTGRESQL ? 8 : 4;
    }

    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    /** PostgreSQL: keep phc's tables in this schema (created when missing); default the user's search path. */
    public Builder schema(String schema) {
      if (!SCHEMA.matcher(schema).matches()) {
        throw new IllegalArgumentException("schema must be an unquoted SQL identifier, was \"" + schema + "\"");
      }
      this.schema = schema;
      return this;
    }

    /** Connections in the pool at most; default 8 for PostgreSQL (mind its max_connections), 4 embedded. */
    public Builder maxPoolSize(int maxPoolSize) {
      if (maxPoolSize < 2) {
        throw new IllegalArgumentException("maxPoolSize must be at least 2 (a writer and a reader), was " + maxPoolSize);
      }
      this.maxPoolSize = maxPoolSize;
      return this;
    }

    /** How long a caller waits for a connection before the store fails (503 to devices); default 5 s. */
    public Builder connectionTimeout(Duration connectionTimeout) {
      if (connectionTimeout.toMillis() < 250) {
        throw new IllegalArgumentException("connectionTimeout must be at least 250 ms, was " + connectionTimeout);
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    public Builder poolName(String poolName) {
      this.poolName = Objects.requireNonNull(poolName, "poolName");
      return this;
    }

    /** A JDBC driver property (for example {@code sslmode}), passed to every connection. */
    public Builder property(String name, String value) {
      properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Opens the pool and checks that a connection can be had.
     *
     * @throws PhcStoreException naming the database when it cannot be reached
     */
    public JdbcDatabase build() {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(url);
      if (user != null) {
        c.setUsername(user);
      }
      if (password != null) {
        c.setPassword(password);
      }
      c.setPoolName(poolName);
      c.setMaximumPoolSize(maxPoolSize);
      c.setMinimumIdle(Math.min(2, maxPoolSize));
      c.setConnectionTimeout(connectionTimeout.toMillis());
      c.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 5000));
      c.setInitializationFailTimeout(connectionTimeout.toMillis());
      Properties props = new Properties();
      if (dialect == SqlDialect.SQLITE) {
        // Write-ahead log (readers never wait for the writer), every commit fsynced before it returns (so an
        // acknowledged notification survives a power cut, not only a killed process), the write lock taken at
        // BEGIN (no lock upgrade deadlocks between processes), and waits for the lock instead of failing.
        props.setProperty("journal_mode", "WAL");
        props.setProperty("synchronous", "FULL");
        props.setProperty("transaction_mode", "IMMEDIATE");
        props.setProperty("busy_timeout", Long.toString(Math.max(1000, connectionTimeout.toMillis())));
      }
      if (dialect == SqlDialect.POSTGRESQL) {
        props.setProperty("ApplicationName", "phc");
        // Batched UPDATEs and INSERTs travel as one round trip of multi-row statements.
        props.setProperty("reWriteBatchedInserts", "true");
        props.setProperty("tcpKeepAlive", "true");
      }
      properties.forEach(props::setProperty);
      c.setDataSourceProperties(props);
      if (schema != null && dialect == SqlDialect.POSTGRESQL) {
        c.setConnectionInitSql("CREATE SCHEMA IF NOT EXISTS " + schema);
        c.setSchema(schema);
      }
      HikariDataSource ds;
      try {
        ds = new HikariDataSource(c);
      } catch (RuntimeException e) {
        throw new PhcStoreException("cannot connect to " + redact(url) + ": " + rootMessage(e), e);
      }
      return new JdbcDatabase(ds, ds, dialect, dialect + " " + redact(url), schema);
    }

    private static String rootMessage(Throwable t) {
      Throwable r = t;
      while (r.getCause() != null && r.getCause() != r) {
        r = r.getCause();
      }
      return r.getMessage() == null ? r.toString() : r.getMessage();
    }
  }
}
