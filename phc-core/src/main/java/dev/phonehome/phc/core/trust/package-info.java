/**
 * Trust (RFC 8572 sections 3 and 5.3-5.4): what a device uses to decide whether it may act on bootstrapping
 * data, and what a server uses to sign it.
 *
 * <h2>What is here</h2>
 *
 * <ul>
 *   <li>{@link dev.phonehome.phc.core.trust.ConveyedInformationVerifier}, the client's seam
 *       ({@code PhoneHomeClient.Builder.conveyedInformationVerifier}), and its implementation
 *       {@link dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier}: voucher signature to a
 *       manufacturer anchor, dates, assertion, serial, nonce, pinned-domain-cert, owner chain,
 *       conveyed-information signature; the unsigned-data rules; an explicit, loud lab mode.
 *   <li>{@link dev.phonehome.phc.core.trust.ConveyedInformationSigner}, the server's seam
 *       ({@code PhoneHomeServer.Builder.signer}), and
 *       {@link dev.phonehome.phc.core.trust.DefaultConveyedInformationSigner}: owner key and chain, signature
 *       caching, pre-made or minted ownership vouchers.
 *   <li>{@link dev.phonehome.phc.core.trust.Voucher} and {@link dev.phonehome.phc.core.trust.VoucherCodec}:
 *       the RFC 8366 JSON voucher (strict), and signing one as a MASA does.
 *   <li>{@link dev.phonehome.phc.core.trust.RedirectTrustAnchor}: the {@code trust-anchor} value of
 *       redirect information, in either dialect's form.
 * </ul>
 *
 * <h2>What is not</h2>
 *
 * <ul>
 *   <li>Encrypted conveyed information (RFC 8572 section 3.1 allows CMS EnvelopedData encrypted to the
 *       device's IDevID key): not implemented; an EnvelopedData is refused as
 *       {@link dev.phonehome.phc.api.PhcTrustException.Reason#MALFORMED}.
 *   <li>Revocation checking of the voucher signer and TLS certificates, and of the owner certificate chain
 *       unless the voucher says {@code domain-cert-revocation-checks: true}: off. A device being provisioned
 *       usually cannot reach a CRL distribution point or OCSP responder. With that flag true, the owner chain
 *       is checked against CRLs carried in the CMS structures or configured
 *       ({@link dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier.Builder#crls}), and refused
 *       when a status cannot be obtained; OCSP responses carried in CMS ({@code id-ri-ocsp-response}) are not
 *       read. Certificate validity periods are checked against the injected clock.
 *   <li>CBOR/COSE vouchers (RFC 9148 and later): not implemented; only the JSON-in-CMS form.
 * </ul>
 */
@NullMarked
package dev.phonehome.phc.core.trust;


import org.jspecify.annotations.NullMarked;
