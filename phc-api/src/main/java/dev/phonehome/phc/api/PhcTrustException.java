package dev.phonehome.phc.api;

import org.jspecify.annotations.Nullable;

/** Trust could not be established: certificates, signatures, ownership vouchers (RFC 8572 section 5.4). */
public class PhcTrustException extends PhcException {
  /** Each distinct reason a trust check fails. */
  public enum Reason {
    /** The server's TLS certificate does not chain to any trust anchor. */
    SERVER_CERTIFICATE_UNTRUSTED,
    /** Onboarding information was unsigned and the server is not trusted. */
    UNSIGNED_FROM_UNTRUSTED_SERVER,
    /** Step 1: the voucher's signature does not verify or does not chain to a manufacturer anchor. */
    VOUCHER_SIGNATURE_INVALID,
    /** The voucher was signed by a manufacturer no anchor knows. */
    VOUCHER_UNKNOWN_MANUFACTURER,
    /** Step 2: the voucher is not yet valid (created-on in the future). */
    VOUCHER_NOT_YET_VALID,
    /** Step 2: the voucher has expired (expires-on passed). */
    VOUCHER_EXPIRED,
    /** Step 3: the voucher's assertion is not acceptable. */
    VOUCHER_ASSERTION_UNACCEPTABLE,
    /** Step 4: the voucher's serial-number is not this device's. */
    VOUCHER_SERIAL_MISMATCH,
    /** The voucher's nonce does not match the one sent. */
    VOUCHER_NONCE_MISMATCH,
    /**
     * Step 4: the voucher's {@code idevid-issuer} is not the authority key identifier of this device's IDevID
     * certificate, or the verifier has no IDevID to compare it with.
     */
    VOUCHER_IDEVID_ISSUER_MISMATCH,
    /** Step 5: the voucher has no usable pinned-domain-cert. */
    VOUCHER_PINNED_DOMAIN_CERT_MISSING,
    /** Step 6: the owner certificate does not chain to the pinned-domain-cert. */
    OWNER_CERTIFICATE_UNTRUSTED,
    /** Step 6, {@code domain-cert-revocation-checks: true}: a certificate of the owner chain is revoked. */
    OWNER_CERTIFICATE_REVOKED,
    /**
     * Step 6, {@code domain-cert-revocation-checks: true}: the revocation status of a certificate of the owner
     * chain cannot be obtained (no CRL from its issuer was carried or configured); RFC 8572 section 5.4: the
     * owner certificate MUST NOT then be accepted.
     */
    OWNER_CERTIFICATE_REVOCATION_UNKNOWN,
    /** Step 7: the conveyed information's signature does not verify with the owner certificate. */
    CONVEYED_INFORMATION_SIGNATURE_INVALID,
    /** Only one of owner-certificate and ownership-voucher was given. */
    OWNER_CERTIFICATE_AND_VOUCHER_INCOMPLETE,
    /** The device's identity (client certificate, Basic username) does not name one serial. */
    DEVICE_IDENTITY_MISMATCH,
    /** Anything else: malformed CMS, unsupported algorithm. */
    MALFORMED
  }

  private final Reason reason;

  public PhcTrustException(Reason reason, String message) {
    this(reason, message, null);
  }

  public PhcTrustException(Reason reason, String message, @Nullable Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
