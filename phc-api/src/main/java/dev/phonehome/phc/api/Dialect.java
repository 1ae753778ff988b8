package dev.phonehome.phc.api;

/** The two wire dialects behind the one model (SPEC section 2). */
public enum Dialect {
  /** What Junos PHC speaks today: RESTCONF GET of {@code device=<serial>}, XML only (SPEC 2.1). */
  JUNIPER,
  /** RFC 8572 Secure Zero Touch Provisioning, JSON or XML (SPEC 2.2). */
  RFC8572
}
