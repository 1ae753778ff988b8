package dev.phonehome.phc.core.server;

import dev.phonehome.phc.core.internal.server.Serials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Device secrets from a file, re-read when it changes (size or modification time), so that a device can be
 * added without a restart.
 *
 * <h2>Format</h2>
 * UTF-8, one device per line: the serial number, white space, the secret (the rest of the line, without
 * leading or trailing white space; it may contain spaces). Blank lines and lines starting with {@code #} are
 * ignored. A serial given twice, a serial that is not a valid serial ({@code [A-Za-z0-9._:-]}, 1 to 64
 * characters) or a line without a secret makes {@link #open} (and a later re-read) fail naming the line.
 *
 * <pre>
 * # serial        secret (the device's activation code)
 * PE3714100218    7f3c9a1e-first-device
 * PE3714100301    another secret with spaces
 * </pre>
 *
 * <p>The secrets are in clear text (a device presents the secret itself, so the server must be able to compare
 * it): keep the file readable by the server's user only ({@code chmod 600}). {@link #permissionProblem()} says
 * when group or others can read it. Thread-safe.
 */
public final class FileDeviceSecrets implements DeviceSecrets {
  private final Path file;
  private volatile Snapshot snapshot;

  private FileDeviceSecrets(Path file, Snapshot snapshot) {
    this.file = file;
    this.snapshot = snapshot;
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and line when a line is not {@code SERIAL SECRET}
   * @throws UncheckedIOException when the file cannot be read
   */
  public static FileDeviceSecrets open(Path file) {
    Objects.requireNonNull(file, "file");
    return new FileDeviceSecrets(file, read(file));
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** How many devices have a secret (as last read). */
  public int size() {
    return snapshot.secrets.size();
  }

  /**
   * Why the file is not private (readable or writable by group or others, on a POSIX file system), or empty
   * when it is private or the file system has no POSIX permissions.
   */
  public Optional<String> permissionProblem() {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      List<PosixFilePermission> bad = p.stream().filter(x -> x.name().startsWith("GROUP_")
          || x.name().startsWith("OTHERS_")).sorted().toList();
      if (bad.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(file + " holds device secrets but is accessible to others ("
          + java.nio.file.attribute.PosixFilePermissions.toString(p) + "); chmod 600 it");
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + file, e);
    }
  }

  @Override
  public Optional<String> secretFor(String serialNumber) {
    Snapshot s = snapshot;
    String stamp = stamp(file);
    if (!Objects.equals(stamp, s.stamp)) {
      synchronized (this) {
        s = snapshot;
        if (!Objects.equals(stamp, s.stamp)) {
          try {
            s = read(file);
            snapshot = s;
          } catch (RuntimeException e) {
            // A half-written or broken file keeps the last good secrets; the error shows on every change.
            org.slf4j.LoggerFactory.getLogger(FileDeviceSecrets.class)
                .error("device secrets not re-read, keeping the previous ones: {}", e.getMessage());
            snapshot = new Snapshot(stamp, s.secrets);
            s = snapshot;
          }
        }
      }
    }
    return Optional.ofNullable(s.secrets.get(serialNumber));
  }

  private static @Nullable String stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.size() + ":" + a.lastModifiedTime().toMillis();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Snapshot read(Path file) {
    String stamp = stamp(file);
    if (stamp == null) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> secrets = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int ws = 0;
      while (ws < line.length() && !Character.isWhitespace(line.charAt(ws))) {
        ws++;
      }
      String serial = line.substring(0, ws);
      String secret = line.substring(ws).strip();
      String where = file + ":" + (i + 1) + ": ";
      if (!Serials.isValid(serial)) {
        throw new IllegalArgumentException(where + "'" + Serials.printable(serial)
            + "' is not a serial number ([A-Za-z0-9._:-], 1 to 64 characters)");
      }
      if (secret.isEmpty()) {
        throw new IllegalArgumentException(where + "serial " + serial + " has no secret (SERIAL SECRET per line)");
      }
      if (secrets.put(serial, secret) != null) {
        throw new IllegalArgumentException(where + "serial " + serial + " is given twice");
      }
    }
    return new Snapshot(stamp, Map.copyOf(secrets));
  }

  private record Snapshot(@Nullable String stamp, Map<String, String> secrets) {}
}
