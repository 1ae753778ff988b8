package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --database URL} and its credentials, shared by {@code phc serve} and {@code phc records}. */
final class DatabaseOptions {
  static final String PASSWORD_ENV = "PHC_DATABASE_PASSWORD";

  @Option(names = "--database", paramLabel = "JDBC-URL",
      description = "Where server state (devices, notifications, sightings) and, without --records, the records live:"
          + " jdbc:postgresql://HOST[:PORT]/DB (several servers may share it) or jdbc:sqlite:FILE."
          + " Default for 'serve': phc-state.sqlite, an SQLite file next to the records directory.")
  String url;

  @Option(names = "--database-user", paramLabel = "USER", description = "Database user (or in the URL).")
  String user;

  @Option(names = "--database-password-file", paramLabel = "FILE",
      description = "File whose first line is the database password (or set PHC_DATABASE_PASSWORD).")
  Path passwordFile;

  /** The SQLite file {@code phc serve} keeps its state in by default: {@code <records parent>/phc-state.sqlite}. */
  static Path defaultFile(Path records) {
    Path abs = records.toAbsolutePath().normalize();
    Path parent = abs.getParent() == null ? abs : abs.getParent();
    return parent.resolve("phc-state.sqlite");
  }

  /** The URL to open: --database, or the default file next to {@code records}. */
  String url(Path records) {
    return url != null ? url : "jdbc:sqlite:" + defaultFile(records);
  }

  /** Opens the pool (bad input naming the option when the database cannot be reached). */
  JdbcDatabase open(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith("jdbc:sqlite:")) {
      throw CliException.badInput("--database " + redact(jdbcUrl)
          + ": not a supported database (jdbc:postgresql://HOST/DB or jdbc:sqlite:FILE)");
    }
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      Path file = Path.of(jdbcUrl.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", ""));
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        throw CliException.badInput("--database " + jdbcUrl + ": directory " + dir + " does not exist");
      }
    }
    String password = null;
    if (passwordFile != null) {
      password = Inputs.passwordFrom("--database-password-file", passwordFile);
    } else if (System.getenv(PASSWORD_ENV) != null) {
      password = System.getenv(PASSWORD_ENV);
    }
    try {
      return JdbcDatabase.builder(jdbcUrl).user(user).password(password).poolName("phc-serve").build().migrate();
    } catch (PhcStoreException e) {
      throw CliException.badInput("--database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
