package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Appends every notification a server receives to {@code <dir>/<serial>.jsonl}, one JSON object per line:
 * <pre>{"time":"2026-11-25T20:01:02.345Z","serial":"PE3714100218","dialect":"juniper",
 *  "type":"vc-member-upgrade-success","message":"member 1 (...): Successfully upgraded.",
 *  "member-id":1,"member-serial":"PE3714100301","member-role":"backup"}</pre>
 * The member fields appear only on member-specific notifications. Each line is written with one unbuffered
 * write, so a line is in the file when the device gets its answer and Ctrl-C loses nothing.
 */
final class NotificationJournal implements ProgressListener, AutoCloseable {
  private static final Pattern SAFE_SERIAL = Pattern.compile("[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,63}");

  private final Path dir;
  private final Consumer<String> warn;
  private final Map<String, OutputStream> open = new HashMap<>();
  private boolean closed;

  NotificationJournal(Path dir, Consumer<String> warn) {
    this.dir = dir;
    this.warn = warn;
  }

  /** Creates the directory; fails with bad input naming it when that is not possible. */
  static NotificationJournal open(Path dir, Consumer<String> warn) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw CliException.badInput("notifications directory " + dir + ": cannot create it: " + e, e);
    }
    if (!Files.isWritable(dir)) {
      throw CliException.badInput("notifications directory " + dir + ": not writable");
    }
    return new NotificationJournal(dir, warn);
  }

  Path dir() {
    return dir;
  }

  Path fileFor(String serial) {
    String safe = SAFE_SERIAL.matcher(serial).matches() ? serial : "_unsafe-serial";
    return dir.resolve(safe + ".jsonl");
  }

  @Override
  public synchronized void onNotification(DeviceNotification n) {
    if (closed) {
      return;
    }
    byte[] line = (toJson(n) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      OutputStream out = open.get(n.serialNumber());
      if (out == null) {
        out = Files.newOutputStream(fileFor(n.serialNumber()), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
        open.put(n.serialNumber(), out);
      }
      out.write(line);
      out.flush();
    } catch (IOException | UncheckedIOException e) {
      warn.accept("notifications: cannot append to " + fileFor(n.serialNumber()) + ": " + e.getMessage());
    }
  }

  static String toJson(DeviceNotification n) {
    StringBuilder sb = new StringBuilder(256).append('{');
    field(sb, "time", n.receivedAt().toString()).append(',');
    field(sb, "serial", n.serialNumber()).append(',');
    field(sb, "dialect", n.dialect().name().toLowerCase(Locale.ROOT)).append(',');
    field(sb, "type", n.report().type().name());
    if (n.report().message() != null) {
      sb.append(',');
      field(sb, "message", n.report().message());
    }
    MemberRef m = n.report().member();
    if (m != null) {
      sb.append(",\"member-id\":").append(m.memberId()).append(',');
      field(sb, "member-serial", m.serialNumber()).append(',');
      field(sb, "member-role", m.role().reportName());
    }
    return sb.append('}').toString();
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    return quote(sb, name).append(':').append(quote(new StringBuilder(), value));
  }

  static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (OutputStream out : open.values()) {
      try {
        out.close();
      } catch (IOException e) {
        warn.accept("notifications: close failed: " + e.getMessage());
      }
    }
    open.clear();
  }
}
