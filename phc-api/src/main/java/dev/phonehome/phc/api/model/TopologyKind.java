package dev.phonehome.phc.api.model;

/** How much VC topology the PHS sent (SPEC section 3 and table 1). */
public enum TopologyKind {
  /** No {@code virtual-chassis}: provision the primary as a standalone device. */
  NONE,
  /** {@code virtual-chassis} without members: provision every member found. */
  MINIMUM,
  /** A member list with serial numbers. */
  FULL
}
