package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.trust.Cms;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The server side of RFC 8572 signed data: signs conveyed information with the owner's key, serves the
 * owner-certificate (a degenerate SignedData holding the owner certificate chain) and the ownership voucher.
 *
 * <p><b>Vouchers.</b> For a request without a nonce, the voucher is the pre-made one for the serial
 * ({@link Builder#vouchers(Function)}, e.g. bought from the manufacturer's MASA); when none is known and the
 * server holds a manufacturer (MASA) key ({@link Builder#manufacturerKey}), it mints one valid for
 * {@link Builder#voucherLifetime} and reuses it until half its lifetime has passed. For a request with a
 * nonce and a manufacturer key, it mints a fresh voucher carrying that nonce and no expiry (RFC 8366
 * "nonceful" voucher); without a manufacturer key it falls back to the pre-made voucher (the device accepts
 * a voucher without nonce when its dates are valid). Holding a manufacturer key on a PHS only makes sense in
 * a lab or when the PHS operator is also the MASA; real deployments configure pre-made vouchers.
 *
 * <p><b>Cost.</b> Signatures are cached per (record serial, encoding), keyed by the record version and
 * checked against the document bytes (a record whose version did not change but whose document did is
 * signed again): at steady state a signed answer is a map lookup and an array comparison, no more than the
 * unsigned wrapping costs. The owner-certificate bag is encoded once. Only nonceful vouchers cost a
 * signature per request.
 *
 * <p>{@link #unsigned()} returns the unsigned variant (a ContentInfo of type {@code id-ct-sztpConveyedInfoXML}
 * or {@code ...JSON} around the document, no signature).
 * Thread-safe.
 */
public final class DefaultConveyedInformationSigner implements ConveyedInformationSigner {
  private final @Nullable PrivateKey ownerKey;
  private final List<X509Certificate> ownerChain;
  private final @Nullable Bytes ownerCertificateBag;
  private final Function<String, @Nullable Bytes> vouchers;
  private final @Nullable PrivateKey manufacturerKey;
  private final List<X509Certificate> manufacturerChain;
  private final @Nullable X509Certificate pinnedDomainCert;
  private final Duration voucherLifetime;
  private final Voucher.Assertion assertion;
  private final Clock clock;
  private final Map<CacheKey, Signed> signatures = new ConcurrentHashMap<>();
  private final Map<String, MintedVoucher> mintedVouchers = new ConcurrentHashMap<>();

  private record CacheKey(String serial, Encoding encoding) {}

  private record Signed(String version, byte[] document, Bytes contentInfo) {}

  private record MintedVoucher(Instant renewAfter, Bytes voucher) {}

  private DefaultConveyedInformationSigner(Builder b) {
    this.ownerKey = b.ownerKey;
    this.ownerChain = List.copyOf(b.ownerChain);
    this.ownerCertificateBag = b.ownerKey == null ? null : Cms.degenerate(ownerChain, b.ownerCrls);
    this.vouchers = b.vouchers;
    this.manufacturerKey = b.manufacturerKey;
    this.manufacturerChain = List.copyOf(b.manufacturerChain);
    this.pinnedDomainCert = b.pinnedDomainCert != null ? b.pinnedDomainCert
        : ownerChain.isEmpty() ? null : ownerChain.get(ownerChain.size() - 1);
    this.voucherLifetime = b.voucherLifetime;
    this.assertion = b.assertion;
    this.clock = b.clock;
  }

  /** A signer for the owner's key; configure vouchers and build. */
  public static Builder builder() {
    return new Builder();
  }

  /** The unsigned variant: conveyed information wrapped in a plain ContentInfo, no owner data. */
  public static DefaultConveyedInformationSigner unsigned() {
    return new DefaultConveyedInformationSigner(new Builder());
  }

  /** Whether this signer signs (false for {@link #unsigned()}). */
  public boolean signs() {
    return ownerKey != null;
  }

  /** The owner-certificate leaf (a degenerate SignedData with the owner chain), or null when unsigned. */
  public @Nullable Bytes ownerCertificate() {
    return ownerCertificateBag;
  }

  @Override
  public BootstrappingData bootstrappingData(ProvisioningRecord record, byte[] document, Encoding encoding,
      @Nullable ReportingLevel reportingLevel, byte @Nullable [] nonce) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(encoding, "encoding");
    if (ownerKey == null) {
      return new BootstrappingData(reportingLevel, ConveyedInformationCms.wrapUnsigned(document, encoding),
          null, null);
    }
    Bytes signed = signedConveyedInformation(record, document, encoding);
    Bytes voucher = voucherFor(record.serialNumber(), nonce);
    return new BootstrappingData(reportingLevel, signed, ownerCertificateBag, voucher);
  }

  private Bytes signedConveyedInformation(ProvisioningRecord record, byte[] document, Encoding encoding) {
    CacheKey key = new CacheKey(record.serialNumber(), encoding);
    Signed cached = signatures.get(key);
    if (cached != null && cached.version().equals(record.version()) && Arrays.equals(cached.document(), document)) {
      return cached.contentInfo();
    }
    byte[] copy = document.clone();
    Bytes ci = Cms.sign(copy, encoding == Encoding.JSON ? ConveyedInformationCms.OID_JSON
        : ConveyedInformationCms.OID_XML, ownerKey, ownerChain);
    signatures.put(key, new Signed(record.version(), copy, ci));
    return ci;
  }

  private Bytes voucherFor(String serial, byte @Nullable [] nonce) {
    if (nonce != null && manufacturerKey != null && nonce.length >= 8 && nonce.length <= 32) {
      Voucher v = new Voucher(clock.instant(), null, assertion, serial, null, pinnedDomainCertDer(), null,
          Bytes.of(nonce), null);
      return VoucherCodec.sign(v, manufacturerKey, manufacturerChain);
    }
    Bytes premade = vouchers.apply(serial);
    if (premade != null) {
      return premade;
    }
    if (manufacturerKey != null) {
      Instant now = clock.instant();
      MintedVoucher m = mintedVouchers.get(serial);
      if (m == null || now.isAfter(m.renewAfter())) {
        Voucher v = new Voucher(now, now.plus(voucherLifetime), assertion, serial, null, pinnedDomainCertDer(),
            null, null, null);
        m = new MintedVoucher(now.plus(voucherLifetime.dividedBy(2)),
            VoucherCodec.sign(v, manufacturerKey, manufacturerChain));
        mintedVouchers.put(serial, m);
      }
      return m.voucher();
    }
    throw new IllegalStateException("no ownership voucher for serial \"" + serial
        + "\": configure vouchers(...) or a manufacturer key to mint them");
  }

  private Bytes pinnedDomainCertDer() {
    try {
      return Bytes.of(Objects.requireNonNull(pinnedDomainCert, "pinnedDomainCert").getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode pinned-domain-cert: " + e.getMessage(), e);
    }
  }

  /** Configures a signing {@link DefaultConveyedInformationSigner}. */
  public static final class Builder {
    private @Nullable PrivateKey ownerKey;
    private List<X509Certificate> ownerChain = List.of();
    private Function<String, @Nullable Bytes> vouchers = serial -> null;
    private @Nullable PrivateKey manufacturerKey;
    private List<X509Certificate> manufacturerChain = List.of();
    private @Nullable X509Certificate pinnedDomainCert;
    private Duration voucherLifetime = Duration.ofDays(14);
    private Voucher.Assertion assertion = Voucher.Assertion.VERIFIED;
    private Clock clock = Clock.systemUTC();
    private List<java.security.cert.X509CRL> ownerCrls = List.of();

    private Builder() {}

    /**
     * CRLs to carry in the owner-certificate structure (its CMS revocation information), so that a device whose
     * voucher asks for revocation checks ({@code domain-cert-revocation-checks}) can establish the owner chain's
     * status without a network (RFC 8572 section 5.4). Keep them current: a device refuses an expired CRL.
     */
    public Builder ownerCertificateCrls(List<java.security.cert.X509CRL> crls) {
      this.ownerCrls = List.copyOf(crls);
      return this;
    }

    /**
     * The owner's signing key (EC P-256 or RSA) and certificate chain: the owner certificate first, then the
     * intermediates up to (and optionally including) the certificate the vouchers pin.
     */
    public Builder ownerKey(PrivateKey key, List<X509Certificate> chain) {
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("the owner chain needs at least the owner certificate");
      }
      Cms.signatureAlgorithm(key);
      this.ownerKey = key;
      this.ownerChain = List.copyOf(chain);
      return this;
    }

    /** Pre-made ownership vouchers (CMS SignedData) by serial number; the function returns null when none. */
    public Builder vouchers(Function<String, @Nullable Bytes> vouchersBySerial) {
      this.vouchers = Objects.requireNonNull(vouchersBySerial, "vouchersBySerial");
      return this;
    }

    /** Pre-made ownership vouchers from a map. */
    public Builder vouchers(Map<String, Bytes> vouchersBySerial) {
      Map<String, Bytes> copy = Map.copyOf(vouchersBySerial);
      this.vouchers = copy::get;
      return this;
    }

    /**
     * A manufacturer (MASA) key and its certificate chain (signer first) to mint vouchers: nonceful ones on
     * request, and expiring ones for serials without a pre-made voucher. Lab use, or a PHS that is the MASA.
     */
    public Builder manufacturerKey(PrivateKey key, List<X509Certificate> chain) {
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("the manufacturer chain needs at least the signer certificate");
      }
      Cms.signatureAlgorithm(key);
      this.manufacturerKey = key;
      this.manufacturerChain = List.copyOf(chain);
      return this;
    }

    /** The certificate minted vouchers pin (default: the last certificate of the owner chain). */
    public Builder pinnedDomainCert(X509Certificate certificate) {
      this.pinnedDomainCert = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /** The validity of minted vouchers without nonce (default 14 days). */
    public Builder voucherLifetime(Duration lifetime) {
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("voucher lifetime must be positive: " + lifetime);
      }
      this.voucherLifetime = lifetime;
      return this;
    }

    /** The assertion of minted vouchers (default {@code verified}). */
    public Builder assertion(Voucher.Assertion assertion) {
      this.assertion = Objects.requireNonNull(assertion, "assertion");
      return this;
    }

    /** The clock for minted vouchers' dates (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DefaultConveyedInformationSigner build() {
      if (ownerKey == null) {
        throw new IllegalStateException("ownerKey(...) is required (use unsigned() for an unsigned server)");
      }
      return new DefaultConveyedInformationSigner(this);
    }
  }
}
