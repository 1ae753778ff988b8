package dev.phonehome.phc.api.model;

/** The role the PHS intends for a member (SPEC section 3 {@code role}). */
public enum IntendedRole {
  ROUTING_ENGINE("routing-engine"),
  LINE_CARD("line-card");

  private final String yangName;

  IntendedRole(String yangName) {
    this.yangName = yangName;
  }

  public String yangName() {
    return yangName;
  }

  public static IntendedRole forYangName(String name) {
    for (IntendedRole r : values()) {
      if (r.yangName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role: " + name);
  }
}
