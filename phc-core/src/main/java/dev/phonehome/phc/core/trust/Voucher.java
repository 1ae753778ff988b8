package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 8366 voucher (the {@code ietf-voucher:voucher} container), as RFC 8572 uses it for the ownership
 * voucher. Encode and decode with {@link VoucherCodec}.
 *
 * @param createdOn when the voucher was created (mandatory)
 * @param expiresOn when it stops being valid, or null (a voucher with a nonce usually has none)
 * @param assertion the kind of assertion the MASA makes (mandatory)
 * @param serialNumber the device's serial number (mandatory)
 * @param idevidIssuer the authority key identifier of the device's IDevID certificate, or null
 * @param pinnedDomainCert the DER certificate the owner certificate must chain to (mandatory in RFC 8366;
 *     null is representable so that the verifier can report its absence as its own step, RFC 8572 step 5)
 * @param domainCertRevocationChecks whether the device should check revocation of the domain certificate,
 *     or null
 * @param nonce the nonce the device sent, or null
 * @param lastRenewalDate the last date the MASA plans to renew the voucher, or null (needs expiresOn)
 */
public record Voucher(
    Instant createdOn,
    @Nullable Instant expiresOn,
    Assertion assertion,
    String serialNumber,
    @Nullable Bytes idevidIssuer,
    @Nullable Bytes pinnedDomainCert,
    @Nullable Boolean domainCertRevocationChecks,
    @Nullable Bytes nonce,
    @Nullable Instant lastRenewalDate) {

  /** RFC 8366 {@code assertion}. */
  public enum Assertion {
    VERIFIED,
    LOGGED,
    PROXIMITY;

    /** The YANG enum name. */
    public String yangName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The value named {@code yang}, or null. */
    public static @Nullable Assertion fromYang(String yang) {
      for (Assertion a : values()) {
        if (a.yangName().equals(yang)) {
          return a;
        }
      }
      return null;
    }
  }

  public Voucher {
    Objects.requireNonNull(createdOn, "createdOn");
    Objects.requireNonNull(assertion, "assertion");
    Objects.requireNonNull(serialNumber, "serialNumber");
    if (lastRenewalDate != null && expiresOn == null) {
      throw new IllegalArgumentException("voucher last-renewal-date needs expires-on (RFC 8366)");
    }
  }

  /** A minimal voucher: created now, asserting {@code verified}, no expiry, no nonce. */
  public static Voucher of(String serialNumber, Bytes pinnedDomainCert, Instant createdOn) {
    return new Voucher(createdOn, null, Assertion.VERIFIED, serialNumber, null, pinnedDomainCert, null, null, null);
  }

  /** A copy with {@code nonce}. */
  public Voucher withNonce(@Nullable Bytes nonce) {
    return new Voucher(createdOn, expiresOn, assertion, serialNumber, idevidIssuer, pinnedDomainCert,
        domainCertRevocationChecks, nonce, lastRenewalDate);
  }

  /** A copy with {@code expiresOn} (and no last-renewal-date when it is null). */
  public Voucher withExpiresOn(@Nullable Instant expiresOn) {
    return new Voucher(createdOn, expiresOn, assertion, serialNumber, idevidIssuer, pinnedDomainCert,
        domainCertRevocationChecks, nonce, expiresOn == null ? null : lastRenewalDate);
  }

  /** A copy with {@code assertion}. */
  public Voucher withAssertion(Assertion assertion) {
    return new Voucher(createdOn, expiresOn, assertion, serialNumber, idevidIssuer, pinnedDomainCert,
        domainCertRevocationChecks, nonce, lastRenewalDate);
  }
}
