/**
 * Trust (RFC 8572 sections 3 and 5.3-5.4): CMS signatures, ownership vouchers (RFC 8366), trust anchors.
 * Internal: public only for phc's sibling modules.
 *
 * <h2>What is implemented</h2>
 *
 * <ul>
 *   <li>{@link dev.phonehome.phc.core.internal.trust.Cms}: SignedData with eContentType
 *       {@code id-ct-sztpConveyedInfoXML/JSON} or {@code id-ct-animaJSONVoucher}, signed with ECDSA P-256 or
 *       RSA-2048 (SHA-256, signed attributes); degenerate SignedData for owner-certificate and trust-anchor.
 *   <li>{@link dev.phonehome.phc.core.internal.trust.Voucher} and
 *       {@link dev.phonehome.phc.core.internal.trust.VoucherCodec}: the RFC 8366 JSON voucher, strict.
 *   <li>{@link dev.phonehome.phc.core.internal.trust.DefaultConveyedInformationVerifier}: the device's
 *       validation of signed data (voucher signature to a manufacturer anchor, dates, assertion, serial,
 *       nonce, pinned-domain-cert, owner chain, conveyed-information signature), the unsigned-data rules and
 *       an explicit, loud lab mode.
 *   <li>{@link dev.phonehome.phc.core.internal.trust.DefaultConveyedInformationSigner}: the server's side,
 *       with signature caching and pre-made or minted vouchers.
 *   <li>{@link dev.phonehome.phc.core.internal.trust.TrustAnchors}: TLS anchors (preconfigured and learned
 *       from redirect information in both dialects), JSSE trust managers, provisional connections.
 *   <li>{@link dev.phonehome.phc.core.internal.trust.DeviceIdentity}: the serial number of an IDevID-style
 *       client certificate and its agreement with the HTTP Basic username.
 * </ul>
 *
 * <h2>What is not</h2>
 *
 * <ul>
 *   <li>Encrypted conveyed information (RFC 8572 section 3.1 allows CMS EnvelopedData encrypted to the
 *       device's IDevID key): not implemented; an EnvelopedData is refused as
 *       {@link dev.phonehome.phc.api.PhcTrustException.Reason#MALFORMED}.
 *   <li>Revocation checking (CRL, OCSP) of the voucher signer, owner certificate and TLS certificates: off.
 *       A device being provisioned usually cannot reach a CRL distribution point or OCSP responder, and RFC
 *       8572 ties it to the voucher's {@code domain-cert-revocation-checks}, which is decoded but not acted
 *       on. Certificate validity periods are checked against the injected clock.
 *   <li>The voucher's {@code idevid-issuer} is decoded but not compared with the device's IDevID issuer.
 *   <li>CBOR/COSE vouchers (RFC 9148 and later): not implemented; only the JSON-in-CMS form.
 * </ul>
 */
@NullMarked
package dev.phonehome.phc.core.internal.trust;

import org.jspecify.annotations.NullMarked;
