package dev.phonehome.phc.api.model;

import java.util.Locale;

/** A VC member's role. Junos says {@code Master} for the primary. */
public enum MemberRole {
  PRIMARY("master"),
  BACKUP("backup"),
  LINECARD("linecard");

  private final String reportName;

  MemberRole(String reportName) {
    this.reportName = reportName;
  }

  /** The word used in notifications (SPEC section 5): master, backup, linecard. */
  public String reportName() {
    return reportName;
  }

  /**
   * Parses a role as Junos, notifications or people write it: {@code Master*}, {@code master}, {@code primary},
   * {@code Backup}, {@code Linecard}, {@code line-card}.
   */
  public static MemberRole parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT).replace("*", "").replace("-", "");
    switch (t) {
      case "master":
      case "primary":
        return PRIMARY;
      case "backup":
        return BACKUP;
      case "linecard":
        return LINECARD;
      default:
        throw new IllegalArgumentException("unknown member role: " + text);
    }
  }
}
