package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.VcMember;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * What {@code phc demo} shows: a line per notification, a progress bar while the image downloads, and the
 * member table (id, serial, role, version, state). On a terminal the bar and the table are a live region
 * redrawn in place under the scrolling notification lines; otherwise (a pipe, a file, a test) the table is
 * printed whenever it changes and the bar at every quarter. Thread-safe: every method is synchronized.
 */
final class DemoDisplay {
  private static final String ESC = "\u001b[";
  private static final int BAR_WIDTH = 30;

  private final PrintWriter out;
  private final boolean terminal;
  private final Clock virtual;
  private final Instant start;
  private final Supplier<List<VcMember>> members;
  private final IntFunction<Optional<String>> stagedVersion;
  private final Map<Integer, String> memberState = new HashMap<>();
  private List<String> lastTable = List.of();
  private String bar = "";
  private int lastQuarter = -1;
  private int liveLines;

  DemoDisplay(PrintWriter out, boolean terminal, Clock virtual, Supplier<List<VcMember>> members,
      IntFunction<Optional<String>> stagedVersion) {
    this.out = out;
    this.terminal = terminal;
    this.virtual = virtual;
    this.start = virtual.instant();
    this.members = members;
    this.stagedVersion = stagedVersion;
  }

  /** Virtual time since the demo started, {@code +mm:ss}. */
  String elapsed() {
    Duration d = Duration.between(start, virtual.instant());
    long s = Math.max(0, d.getSeconds());
    return String.format("+%02d:%02d", s / 60, s % 60);
  }

  Duration virtualElapsed() {
    return Duration.between(start, virtual.instant());
  }

  /** A plain line above the live region. */
  synchronized void line(String text) {
    clearLive();
    out.println(text);
    drawLive();
  }

  /** A notification as the PHS received it. */
  synchronized void notification(ProgressReport r) {
    track(r);
    clearLive();
    out.println(elapsed() + "  " + pad(r.type().name(), 36) + " " + (r.message() == null ? "" : r.message()));
    refreshTable(false);
    drawLive();
  }

  /** Bytes of the image sent so far. */
  synchronized void imageProgress(long sent, long total) {
    int pct = total <= 0 ? 100 : (int) (sent * 100 / total);
    int filled = (int) ((long) BAR_WIDTH * pct / 100);
    String text = "image download [" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
        + String.format("%3d%%  %.1f / %.1f MiB", pct, sent / 1048576.0, total / 1048576.0);
    if (terminal) {
      clearLive();
      bar = sent >= total ? "" : text;
      if (sent >= total) {
        out.println(text);
      }
      drawLive();
    } else {
      int quarter = pct / 25;
      if (quarter != lastQuarter) {
        lastQuarter = quarter;
        out.println(text);
        out.flush();
      }
      if (sent >= total) {
        lastQuarter = -1;
      }
    }
  }

  /**
   * Re-reads the members and shows the table: on a terminal the live region is redrawn when it changed; without
   * one the table is printed only when forced (notification lines print it when it changed).
   */
  synchronized void refresh(boolean force) {
    if (!terminal && !force) {
      return;
    }
    clearLive();
    refreshTable(force);
    drawLive();
  }

  /** The table as it is now, for the summary. */
  synchronized List<String> table() {
    return renderTable();
  }

  /** Ends the live region: what is on screen stays. */
  synchronized void finish() {
    if (terminal) {
      bar = "";
      clearLive();
      lastTable.forEach(out::println);
      liveLines = 0;
      out.flush();
    }
  }

  private void track(ProgressReport r) {
    MemberRef m = r.member();
    String type = r.type().name();
    String message = r.message() == null ? "" : r.message();
    if (m == null) {
      if (type.equals(ProgressType.VC_MEMBER_REBOOT_INITIATED.name())) {
        for (VcMember v : members.get()) {
          if (v.role() == MemberRole.LINECARD && "image installed".equals(memberState.get(v.memberId()))) {
            memberState.put(v.memberId(), "rebooting");
          }
        }
      }
      return;
    }
    String state = switch (type) {
      case "vc-member-image-installed" -> message.endsWith("Initiating member reboot.") ? "rebooting" : "image installed";
      case "vc-member-image-installation-failed" -> "install failed";
      case "vc-member-upgrade-success" -> message.endsWith("No upgrade required.") ? "up to date" : "upgraded";
      case "vc-member-upgrade-failed" -> message.contains("Member detected") ? "detected, not upgraded" : "upgrade failed";
      case "vc-member-detection-failed" -> "not detected";
      case "vc-member-reboot-initiated" -> "rebooting";
      default -> memberState.get(m.memberId());
    };
    if (state != null) {
      memberState.put(m.memberId(), state);
    }
  }

  private void refreshTable(boolean force) {
    List<String> t = renderTable();
    if (force || !t.equals(lastTable)) {
      lastTable = t;
      if (!terminal) {
        t.forEach(out::println);
        out.flush();
      }
    }
  }

  private List<String> renderTable() {
    StatusView.Table t = new StatusView.Table("ID", "SERIAL", "ROLE", "VERSION", "STATE");
    for (VcMember v : members.get()) {
      String version = v.version() == null ? "?" : v.version();
      Optional<String> staged = stagedVersion.apply(v.memberId());
      if (staged.isPresent() && !staged.get().equals(version)) {
        version = version + " -> " + staged.get();
      }
      String state = memberState.getOrDefault(v.memberId(), "waiting");
      if (!v.isPresent()) {
        state = switch (state) {
          case "rebooting", "image installed" -> "rebooting (down)";
          case "not detected" -> "not detected (down)";
          default -> "not present";
        };
      } else if (state.equals("rebooting")) {
        state = staged.isPresent() ? "reboot pending" : "back up";
      }
      t.row(String.valueOf(v.memberId()), v.serialNumber(), v.role() == null ? "-" : v.role().reportName(),
          version, state);
    }
    List<String> lines = new ArrayList<>();
    for (String l : t.lines()) {
      lines.add("  " + l);
    }
    return lines;
  }

  private void clearLive() {
    if (terminal && liveLines > 0) {
      out.print(ESC + liveLines + "A" + "\r" + ESC + "J");
      liveLines = 0;
    }
  }

  private void drawLive() {
    if (terminal) {
      int n = 0;
      for (String l : lastTable) {
        out.println(l);
        n++;
      }
      if (!bar.isEmpty()) {
        out.println(bar);
        n++;
      }
      liveLines = n;
    }
    out.flush();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }
}
