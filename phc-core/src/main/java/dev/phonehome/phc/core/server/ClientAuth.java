package dev.phonehome.phc.core.server;

/** Whether the embedded HTTPS engine asks devices for a TLS client certificate. */
public enum ClientAuth {
  /** Never asks (HTTP Basic only). */
  NONE,
  /**
   * Asks; a device may present one. The SSLContext's trust managers decide which are accepted, and the
   * certificate's subject serialNumber must then match the Basic username.
   */
  WANT,
  /** Requires one: the TLS handshake fails without it. */
  NEED
}
