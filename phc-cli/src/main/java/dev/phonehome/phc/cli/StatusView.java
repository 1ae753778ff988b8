package dev.phonehome.phc.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints admin API answers as tables: the fleet, or one device's timeline. */
final class StatusView {
  private final PrintWriter out;
  private final Clock clock;

  StatusView(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  void printFleet(Map<String, Object> fleet) {
    List<Map<String, Object>> devices = AdminClient.list(fleet, "devices");
    if (devices.isEmpty()) {
      out.println("No device has contacted this server yet.");
      out.flush();
      return;
    }
    Table t = new Table("SERIAL", "STATE", "PHASE", "LAST NOTIFICATION", "AGE");
    for (Map<String, Object> d : devices) {
      Map<String, Object> last = AdminClient.map(d, "last-notification");
      String when = str(last.get("time"), str(d.get("last-request"), null));
      t.row(str(d.get("serial"), "?"), str(d.get("state"), "?"), str(d.get("phase"), "-"),
          abbreviate(str(last.get("message"), str(last.get("type"), "-")), 60), age(when));
    }
    t.print(out);
    out.println(devices.size() + " device(s)");
    out.flush();
  }

  void printUnclaimed(Map<String, Object> answer) {
    List<Map<String, Object>> devices = AdminClient.list(answer, "unclaimed");
    if (devices.isEmpty()) {
      out.println("No unclaimed device: every serial that polled has a record.");
      out.flush();
      return;
    }
    Table t = new Table("SERIAL", "SOURCE", "DIALECT", "FIRST SEEN", "LAST SEEN", "AGE");
    for (Map<String, Object> d : devices) {
      t.row(str(d.get("serial"), "?"), str(d.get("source"), "-"), str(d.get("dialect"), "-"),
          str(d.get("first-seen"), "-"), str(d.get("last-seen"), "-"), age(str(d.get("last-seen"), null)));
    }
    t.print(out);
    out.println(devices.size() + " unclaimed device(s): they poll and get 404 until a record is added for them");
    out.flush();
  }

  void printTimeline(Map<String, Object> answer) {
    Map<String, Object> d = AdminClient.map(answer, "device");
    out.println("Device " + str(d.get("serial"), "?") + ": " + str(d.get("state"), "?")
        + (d.get("phase") == null ? "" : " (" + d.get("phase") + ")")
        + ", " + num(d.get("requests")) + " request(s), " + num(d.get("notifications")) + " notification(s)"
        + (num(d.get("dropped-notifications")) > 0 ? ", oldest " + num(d.get("dropped-notifications"))
            + " dropped" : ""));
    List<Map<String, Object>> members = AdminClient.list(answer, "members");
    if (!members.isEmpty()) {
      out.println();
      Table m = new Table("MEMBER", "SERIAL", "ROLE", "LAST REPORT", "AGE");
      for (Map<String, Object> x : members) {
        m.row(String.valueOf(num(x.get("member-id"))), str(x.get("serial"), "?"), str(x.get("role"), "?"),
            str(x.get("last-type"), "-"), age(str(x.get("reported-at"), null)));
      }
      m.print(out);
    }
    out.println();
    Table t = new Table("TIME", "DIALECT", "TYPE", "MESSAGE");
    for (Map<String, Object> n : AdminClient.list(answer, "timeline")) {
      t.row(str(n.get("time"), "?"), str(n.get("dialect"), "?"), str(n.get("type"), "?"), str(n.get("message"), ""));
    }
    t.print(out);
    out.flush();
  }

  private String age(String instant) {
    if (instant == null) {
      return "-";
    }
    try {
      return human(Duration.between(Instant.parse(instant), clock.instant()));
    } catch (DateTimeParseException e) {
      return "?";
    }
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
    if (s < 86400) {
      return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
    return (s / 86400) + "d" + String.format("%02d", (s % 86400) / 3600) + "h";
  }

  private static String str(Object o, String dflt) {
    return o == null ? dflt : String.valueOf(o);
  }

  private static long num(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  /** A plain text table: columns as wide as their widest cell. */
  static final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      this.header = header;
    }

    Table row(String... cells) {
      rows.add(cells);
      return this;
    }

    List<String> lines() {
      int[] w = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        w[i] = header[i].length();
        for (String[] r : rows) {
          w[i] = Math.max(w[i], r[i].length());
        }
      }
      List<String> lines = new ArrayList<>();
      lines.add(line(header, w));
      for (String[] r : rows) {
        lines.add(line(r, w));
      }
      return lines;
    }

    private static String line(String[] cells, int[] w) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          sb.append("  ");
        }
        sb.append(cells[i]);
        if (i < cells.length - 1) {
          sb.append(" ".repeat(w[i] - cells[i].length()));
        }
      }
      return sb.toString();
    }

    void print(PrintWriter out) {
      lines().forEach(out::println);
    }
  }
}
