package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.server.FileProvisioningRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provisioning records kept in the database ({@code phc_record}), in the records-directory format of
 * {@link FileProvisioningRecords}: each record is the file it came from (name and bytes), so a directory
 * exported from the database and imported again is byte for byte the same. Several servers on one PostgreSQL
 * answer from the same records; a record changed by one is served by all from the next request on.
 *
 * <pre>{@code
 * JdbcProvisioningRecords records = JdbcProvisioningRecords.create(db);
 * records.importDirectory(Path.of("records"));        // every <serial>.xml / .json / .redirect.json, validated first
 * PhoneHomeServer.builder().records(records).store(JdbcDeviceStore.builder(db).build())...
 * }</pre>
 *
 * <p>{@link #find} reads one row per request and parses a record only when its version (a SHA-256 of the bytes)
 * changed.
 */
public final class JdbcProvisioningRecords implements ProvisioningRecords {
  private final JdbcDatabase db;
  private final SqlDialect dialect;
  private final Clock clock;
  private final ConcurrentHashMap<String, ProvisioningRecord> parsed = new ConcurrentHashMap<>();

  private JdbcProvisioningRecords(JdbcDatabase db, Clock clock) {
    this.db = db;
    this.dialect = db.dialect();
    this.clock = clock;
  }

  /** Records in {@code db} (migrated first when needed). */
  public static JdbcProvisioningRecords create(JdbcDatabase db) {
    Objects.requireNonNull(db, "db").migrate();
    return new JdbcProvisioningRecords(db, Clock.systemUTC());
  }

  @Override
  public Optional<ProvisioningRecord> find(String serialNumber) {
    String fileName;
    byte[] document;
    String version;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT file_name, document, version FROM phc_record WHERE serial = ?")) {
      ps.setString(1, serialNumber);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          parsed.remove(serialNumber);
          return Optional.empty();
        }
        fileName = rs.getString(1);
        version = rs.getString(3);
        ProvisioningRecord cached = parsed.get(serialNumber);
        if (cached != null && cached.version().equals(version)) {
          return Optional.of(cached);
        }
        document = rs.getBytes(2);
      }
    } catch (SQLException e) {
      throw new PhcStoreException("cannot read the record of " + serialNumber + " from " + db + ": " + e.getMessage(),
          e);
    }
    ProvisioningRecord r = FileProvisioningRecords.parse(fileName, document);
    ProvisioningRecord versioned = new ProvisioningRecord(r.serialNumber(), r.conveyedInformation(), version);
    parsed.put(serialNumber, versioned);
    return Optional.of(versioned);
  }

  /**
   * Stores one record file (replacing the serial's record, whatever its format), after parsing it.
   *
   * @param fileName {@code <serial>.xml}, {@code <serial>.json} or {@code <serial>.redirect.json}
   * @throws dev.phonehome.phc.api.PhcProtocolException naming the file when it does not parse
   * @throws IllegalArgumentException when the name is not a record file name
   */
  public void put(String fileName, byte[] content) {
    FileProvisioningRecords.parse(fileName, content);
    String serial = serialOf(fileName);
    try (Connection c = db.dataSource().getConnection()) {
      upsert(c, serial, fileName, content);
    } catch (SQLException e) {
      throw new PhcStoreException("cannot store the record " + fileName + " in " + db + ": " + e.getMessage(), e);
    }
  }

  /** Removes the serial's record (the device then gets 404 and lands in the unclaimed inbox); true when it had one. */
  public boolean remove(String serialNumber) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM phc_record WHERE serial = ?")) {
      ps.setString(1, serialNumber);
      parsed.remove(serialNumber);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new PhcStoreException("cannot remove the record of " + serialNumber + ": " + e.getMessage(), e);
    }
  }

  /** The serials that have a record, sorted, with the file name each was stored as. */
  public Map<String, String> list() {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT serial, file_name FROM phc_record");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    } catch (SQLException e) {
      throw new PhcStoreException("cannot list the records in " + db + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Imports every record file of {@code directory} (other files are ignored) in one transaction: all of them, or
   * none when any does not parse (the exception names the file). A serial's existing record is replaced.
   * Returns the serials imported, sorted.
   */
  public List<String> importDirectory(Path directory) {
    Map<String, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        Optional<String> serial = FileProvisioningRecords.serialOf(p.getFileName().toString());
        if (serial.isPresent() && Files.isRegularFile(p)) {
          Path other = files.put(serial.get(), p);
          if (other != null) {
            throw new IllegalArgumentException("more than one record file for serial '" + serial.get() + "': "
                + other + " and " + p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory, e);
    }
    Map<String, byte[]> contents = new TreeMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(e.getValue());
      } catch (IOException x) {
        throw new UncheckedIOException("cannot read " + e.getValue(), x);
      }
      FileProvisioningRecords.parse(e.getValue().toString(), bytes);
      contents.put(e.getValue().getFileName().toString(), bytes);
    }
    try {
      db.inTransaction(c -> {
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
          upsert(c, serialOf(e.getKey()), e.getKey(), e.getValue());
        }
        return null;
      });
    } catch (SQLException e) {
      throw new PhcStoreException("cannot import " + directory + " into " + db + ": " + e.getMessage(), e);
    }
    return new ArrayList<>(files.keySet());
  }

  /**
   * Writes every record to {@code directory} (created when missing) as the file it was imported as, replacing a
   * file of the same name and removing the serial's other record files there (a record changes format). Returns
   * the files written, sorted.
   */
  public List<Path> exportDirectory(Path directory) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(directory);
      try (Connection c = db.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT serial, file_name, document FROM phc_record ORDER BY serial");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String serial = rs.getString(1);
          String name = rs.getString(2);
          for (String suffix : new String[] {".xml", ".json", ".redirect.json"}) {
            if (!name.equals(serial + suffix)) {
              Files.deleteIfExists(directory.resolve(serial + suffix));
            }
          }
          Path target = directory.resolve(name);
          Path tmp = directory.resolve("." + name + ".tmp");
          Files.write(tmp, rs.getBytes(3));
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          written.add(target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + directory, e);
    } catch (SQLException e) {
      throw new PhcStoreException("cannot read the records from " + db + ": " + e.getMessage(), e);
    }
    return written;
  }

  private void upsert(Connection c, String serial, String fileName, byte[] content) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertRecord())) {
      ps.setString(1, serial);
      ps.setString(2, fileName);
      ps.setBytes(3, content);
      ps.setString(4, sha256(content));
      dialect.setInstant(ps, 5, clock.instant());
      ps.executeUpdate();
    }
  }

  private static String serialOf(String fileName) {
    return FileProvisioningRecords.serialOf(fileName).orElseThrow(() -> new IllegalArgumentException(
        "not a record file name (<serial>.xml, <serial>.json or <serial>.redirect.json): \"" + fileName + "\""));
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
