package dev.phonehome.phc.testkit.server;

/**
 * Whose behaviour {@link FakePhoneHomeServer} shows on the RFC 8572 paths ({@code get-bootstrapping-data},
 * {@code report-progress}). The Juniper dialect is phc's in every profile.
 */
public enum FakeServerProfile {
  /** phc's own server core ({@code PhoneHomeServer}): the default. */
  PHC,

  /**
   * sztpd (Watsen Networks' RFC 8572 bootstrap server, also used by the opiproject sztp demo), as it behaves on
   * the wire, so that a client can be tested against it without running it. Taken from reading its
   * {@code RFC8572ViewHandler} (facts, not its code):
   * <ul>
   *   <li>Authentication: the device is named by its HTTP Basic username and/or client certificate (both must
   *       agree); a device sztpd does not know gets <b>401</b> (not 404); a device with an activation code
   *       ({@link FakePhoneHomeServer#activationCode}) must send it as the Basic password; errors of this kind
   *       carry a JSON {@code ietf-restconf:errors} body labelled {@code text/plain}.
   *   <li>Headers are compared as exact strings: a request body needs {@code Content-Type} exactly
   *       {@code application/yang-data+json} or {@code application/yang-data+xml} (none: 400, other: 415, also
   *       {@code application/yang-data+json; charset=utf-8}); {@code Accept}, when sent, must be exactly one of
   *       {@code *}{@code /*}, {@code application/*}, {@code application/yang-data+json},
   *       {@code application/yang-data+xml} (else 406).
   *   <li>The answer's encoding is the Accept header when it names JSON or XML exactly, else the request's
   *       Content-Type; with neither (no Accept and no body) sztpd fails with 500. An XML answer is not
   *       implemented: <b>501</b>. So a client must send Accept and fall back to JSON.
   *   <li>The answer holds {@code conveyed-information} only (no {@code reporting-level}), unsigned: sztpd never
   *       sends owner certificates or vouchers. Content-Type {@code application/yang-data+json; charset=utf-8},
   *       JSON indented by four spaces.
   *   <li>A known device without a record: 404 "No responses configured.".
   *   <li>{@code report-progress}: Content-Type required (400) and exact (415), Accept as above, a body
   *       required (400); stored and answered 204.
   *   <li>Other errors are plain text bodies ({@code text/plain}).
   * </ul>
   */
  SZTPD
}
