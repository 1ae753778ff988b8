package dev.phonehome.phc.api.model;

/** RFC 8572 {@code reporting-level}: how much progress the server wants to hear. */
public enum ReportingLevel {
  MINIMAL("minimal"),
  VERBOSE("verbose");

  private final String yangName;

  ReportingLevel(String yangName) {
    this.yangName = yangName;
  }

  public String yangName() {
    return yangName;
  }

  public static ReportingLevel forYangName(String name) {
    for (ReportingLevel l : values()) {
      if (l.yangName.equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown reporting-level: " + name);
  }
}
