package dev.phonehome.phc.api.model;

/** VC provisioning mode (SPEC section 3): absent means {@link #DEFAULT}. */
public enum ProvisioningMode {
  DEFAULT("default"),
  STRICT("strict");

  private final String yangName;

  ProvisioningMode(String yangName) {
    this.yangName = yangName;
  }

  public String yangName() {
    return yangName;
  }

  public static ProvisioningMode forYangName(String name) {
    for (ProvisioningMode m : values()) {
      if (m.yangName.equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown provisioning-mode: " + name);
  }
}
