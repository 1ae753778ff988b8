package dev.phonehome.phc.api.model;

/** How configuration is applied (RFC 8572 {@code configuration-handling}). The Juniper dialect merges. */
public enum ConfigurationHandling {
  MERGE("merge"),
  REPLACE("replace");

  private final String yangName;

  ConfigurationHandling(String yangName) {
    this.yangName = yangName;
  }

  public String yangName() {
    return yangName;
  }

  public static ConfigurationHandling forYangName(String name) {
    for (ConfigurationHandling h : values()) {
      if (h.yangName.equals(name)) {
        return h;
      }
    }
    throw new IllegalArgumentException("unknown configuration-handling: " + name);
  }
}
