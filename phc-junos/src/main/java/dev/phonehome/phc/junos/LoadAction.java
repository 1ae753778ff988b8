package dev.phonehome.phc.junos;

/** The Junos {@code load-configuration action} used for {@code ConfigurationHandling.REPLACE}. */
public enum LoadAction {
  /** Replace the whole configuration with the one loaded (RFC 8572 "replace" semantics). The default. */
  OVERRIDE("override"),
  /** Junos {@code replace}: replace only the statements marked {@code replace="replace"}, merge the rest. */
  REPLACE("replace");

  private final String junosName;

  LoadAction(String junosName) {
    this.junosName = junosName;
  }

  /** The {@code action} attribute value. */
  public String junosName() {
    return junosName;
  }
}
