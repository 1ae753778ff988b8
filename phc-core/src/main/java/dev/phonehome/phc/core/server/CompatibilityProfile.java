package dev.phonehome.phc.core.server;

/**
 * How the RFC 8572 dialect answers a device whose agent needs something other than RFC 8572 as written. Set one
 * for the whole server ({@code PhoneHomeServer.Builder.compatibility(CompatibilityProfile)}) or per serial
 * ({@code .compatibility(serial -> ...)}); the Juniper dialect is not affected.
 */
public enum CompatibilityProfile {
  /** RFC 8572 as written: the default. */
  RFC8572,

  /**
   * The opiproject {@code sztp} agent (Go, {@code github.com/opiproject/sztp}). It decodes every answer with
   * unknown-field rejection at every level and knows a fixed subset of RFC 8572, so for it the server:
   * <ul>
   *   <li>answers {@code get-bootstrapping-data} with {@code conveyed-information} only (no
   *       {@code reporting-level}), unsigned, in JSON (the agent reads JSON only); a configured signer is not
   *       used for these devices (the agent cannot read owner certificates or vouchers);
   *   <li>writes {@code boot-image} with {@code download-uri} and {@code image-verification} only (no
   *       {@code os-name}, {@code os-version}), the verification list holding the one {@code sha-256} entry
   *       (the agent supports nothing else and pairs {@code image-verification[i]} with {@code download-uri[i]}:
   *       it only ever reads entry 0); a record with a download URI but no SHA-256 is a server error (500),
   *       not an answer the agent would fail on later;
   *   <li>leaves out the {@code phc-virtual-chassis:virtual-chassis} augmentation;
   *   <li>writes every redirect {@code port}, 443 when the record has none (the agent refuses an entry without
   *       one);
   *   <li>answers {@code report-progress} 200 (the agent treats anything else as an error), and keeps a
   *       {@code trust-anchor-cert} that is not CMS (the agent sends other bytes there);
   *   <li>writes errors without {@code error-path} (not a member of the agent's error structure).
   * </ul>
   * What every profile accepts anyway: {@code "nonce": ""} as no nonce, and empty {@code ssh-host-keys} /
   * {@code trust-anchor-certs} containers on any report.
   */
  OPI_SZTP_AGENT
}
