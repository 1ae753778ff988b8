package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.server.AuthResult;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.api.server.DeviceCredentials;
import dev.phonehome.phc.core.internal.server.Cidr;
import dev.phonehome.phc.core.internal.server.ClientCertificates;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link DeviceAuthenticator}: each dialect authenticates as its devices can.
 *
 * <p><b>Juniper dialect</b> (SPEC 2.1; what Junos sends): HTTP Basic with the serial number as username and an
 * empty password (or the device's secret, when {@link Builder#deviceSecrets} has one for it). The serial in the
 * URL must be the username's. Optionally {@link Builder#juniperRequireClientCertificate() require} a TLS client
 * certificate that chains to a {@link Builder#manufacturerCas manufacturer CA} and names the serial, and
 * {@link Builder#juniperSourceNetworks restrict} the source addresses.
 *
 * <p><b>RFC 8572</b> (section 5.3: the device MUST authenticate, by TLS client certificate and/or HTTP
 * authentication): one of
 * <ul>
 *   <li>HTTP Basic, serial number as username, the device's own secret ({@link Builder#deviceSecrets}) as
 *       password; or
 *   <li>a TLS client certificate (IDevID) whose chain validates (PKIX, at the clock's time) to a configured
 *       {@link Builder#manufacturerCas manufacturer CA}, with the serial number in its subject
 *       {@code serialNumber} attribute (2.5.4.5); a Basic username, if also sent, must be that serial.
 * </ul>
 * Serial + empty password is not enough. With neither secrets nor manufacturer CAs configured, no RFC 8572
 * device can authenticate (every request is 401, and the message says what to configure).
 *
 * <p>For both: a presented client certificate must name the same serial as the Basic username (else 403), a
 * wrong secret is 401 even when a certificate is valid, and a certificate that does not validate against the
 * configured manufacturer CAs is 401. Immutable and thread-safe.
 */
public final class DeviceAuthentication implements DeviceAuthenticator {
  private final DeviceSecrets secrets;
  private final boolean hasSecrets;
  private final List<X509Certificate> manufacturerCas;
  private final Set<TrustAnchor> anchors;
  private final boolean juniperRequireClientCertificate;
  private final boolean juniperDialect;
  private final List<Cidr> juniperSourceNetworks;
  private final Clock clock;

  private DeviceAuthentication(Builder b) {
    this.secrets = b.secrets;
    this.hasSecrets = b.hasSecrets;
    this.manufacturerCas = List.copyOf(b.manufacturerCas);
    Set<TrustAnchor> a = new HashSet<>();
    for (X509Certificate c : manufacturerCas) {
      a.add(new TrustAnchor(c, null));
    }
    this.anchors = Set.copyOf(a);
    this.juniperRequireClientCertificate = b.juniperRequireClientCertificate;
    this.juniperDialect = b.juniperDialect;
    this.juniperSourceNetworks = List.copyOf(b.juniperSourceNetworks);
    this.clock = b.clock;
    if (juniperRequireClientCertificate && manufacturerCas.isEmpty()) {
      throw new IllegalStateException("juniperRequireClientCertificate() needs manufacturerCas(...) to validate"
          + " the certificates against");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The default: Juniper serial + empty password; RFC 8572 devices cannot authenticate until configured. */
  public static DeviceAuthentication defaults() {
    return builder().build();
  }

  @Override
  public AuthResult authenticate(DeviceCredentials c) {
    X509Certificate leaf = c.clientCertificates().isEmpty() ? null : c.clientCertificates().get(0);
    String certSerial = null;
    boolean certValid = false;
    if (leaf != null) {
      Optional<String> s = ClientCertificates.subjectSerialNumber(leaf);
      if (s.isEmpty()) {
        return AuthResult.rejected(403, "client certificate " + leaf.getSubjectX500Principal().getName()
            + " has no subject serialNumber (2.5.4.5)");
      }
      certSerial = s.get();
      if (!manufacturerCas.isEmpty()) {
        String problem = pkixProblem(c.clientCertificates());
        if (problem != null) {
          return AuthResult.rejected(401, "client certificate of '" + certSerial
              + "' does not chain to a configured manufacturer CA: " + problem);
        }
        certValid = true;
      }
    }
    String user = c.basicUsername();
    if (certSerial != null && user != null && !certSerial.equals(user)) {
      return AuthResult.rejected(403, "client certificate serial number '" + certSerial
          + "' does not match Basic username '" + user + "'");
    }
    return c.dialect() == Dialect.JUNIPER ? juniper(c, user, certSerial, certValid) : rfc8572(c, user, certSerial,
        certValid);
  }

  private AuthResult juniper(DeviceCredentials c, @Nullable String user, @Nullable String certSerial,
      boolean certValid) {
    if (!juniperDialect) {
      return AuthResult.rejected(403, "the Juniper dialect is turned off on this server");
    }
    if (!juniperSourceNetworks.isEmpty()
        && juniperSourceNetworks.stream().noneMatch(n -> n.contains(c.remoteAddress()))) {
      return AuthResult.rejected(403, "source address " + c.remoteAddress()
          + " is not in the networks allowed for the Juniper dialect");
    }
    if (juniperRequireClientCertificate) {
      if (certSerial == null || !certValid) {
        return AuthResult.rejected(401, "a client certificate that chains to a manufacturer CA is required");
      }
      if (user != null && !passwordAccepted(user, c.basicPassword())) {
        return AuthResult.rejected(401, "wrong password for '" + user + "'");
      }
      return AuthResult.authenticated(certSerial);
    }
    if (user == null) {
      if (certSerial != null && (certValid || manufacturerCas.isEmpty())) {
        // The TLS layer validated the certificate against the server's trust managers.
        return AuthResult.authenticated(certSerial);
      }
      return AuthResult.rejected(401, "no credentials: HTTP Basic with the serial number as username expected");
    }
    if (!passwordAccepted(user, c.basicPassword())) {
      return AuthResult.rejected(401, "wrong password for '" + user + "'");
    }
    return AuthResult.authenticated(user);
  }

  /** Junos sends an empty password; a device that has a secret must send that instead. */
  private boolean passwordAccepted(String user, @Nullable String password) {
    String expected = secrets.secretFor(user).orElse("");
    return constantTimeEquals(expected, password == null ? "" : password);
  }

  private AuthResult rfc8572(DeviceCredentials c, @Nullable String user, @Nullable String certSerial,
      boolean certValid) {
    boolean secretOk = false;
    if (user != null) {
      Optional<String> secret = secrets.secretFor(user);
      if (secret.isPresent()) {
        String given = c.basicPassword() == null ? "" : c.basicPassword();
        if (!constantTimeEquals(secret.get(), given)) {
          return AuthResult.rejected(401, "wrong secret for '" + user + "'");
        }
        secretOk = true;
      }
    }
    if (certValid) {
      return AuthResult.authenticated(certSerial);
    }
    if (secretOk) {
      return AuthResult.authenticated(user);
    }
    if (!hasSecrets && manufacturerCas.isEmpty()) {
      return AuthResult.rejected(401, "RFC 8572 devices must authenticate (section 5.3) and this server has"
          + " neither device secrets nor manufacturer CAs configured");
    }
    return AuthResult.rejected(401, "RFC 8572 section 5.3: authenticate with the device's secret as HTTP Basic"
        + " password, or with a client certificate that chains to a manufacturer CA"
        + (user == null ? "" : "; '" + user + "' has neither"));
  }

  /** Null when {@code chain} (leaf first) validates to a manufacturer CA at the clock's time, else why not. */
  private @Nullable String pkixProblem(List<X509Certificate> chain) {
    X509Certificate leaf = chain.get(0);
    if (manufacturerCas.contains(leaf)) {
      return "the certificate is a CA itself";
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(new ArrayList<>(chain))));
      CertPathBuilder.getInstance("PKIX").build(params);
      return null;
    } catch (GeneralSecurityException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** Configures a {@link DeviceAuthentication}. */
  public static final class Builder {
    private DeviceSecrets secrets = DeviceSecrets.none();
    private boolean hasSecrets;
    private final List<X509Certificate> manufacturerCas = new ArrayList<>();
    private boolean juniperRequireClientCertificate;
    private boolean juniperDialect = true;
    private final List<Cidr> juniperSourceNetworks = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The per-device secrets (HTTP Basic passwords); see {@link FileDeviceSecrets} for a file of them. */
    public Builder deviceSecrets(DeviceSecrets secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      this.hasSecrets = true;
      return this;
    }

    /**
     * The manufacturer CAs that issue device certificates (IDevIDs): a client certificate authenticates a
     * device when its chain validates to one of them. Give the TLS layer the same CAs as trust for client
     * certificates ({@code PhoneHomeServer.Builder.clientAuth(WANT)} with matching trust managers).
     */
    public Builder manufacturerCas(List<X509Certificate> cas) {
      for (X509Certificate c : cas) {
        manufacturerCas.add(Objects.requireNonNull(c, "manufacturer CA"));
      }
      return this;
    }

    /** Juniper dialect: require a client certificate chaining to a manufacturer CA (needs manufacturerCas). */
    public Builder juniperRequireClientCertificate() {
      this.juniperRequireClientCertificate = true;
      return this;
    }

    /**
     * Whether the Juniper dialect is answered at all (default true). Every record is served in both dialects,
     * so a fleet that authenticates by certificate or secret in RFC 8572 only should turn it off (or require
     * client certificates in it): else serial + empty password reads the same records.
     */
    public Builder juniperDialect(boolean enabled) {
      this.juniperDialect = enabled;
      return this;
    }

    /**
     * Juniper dialect: answer only requests from these networks (CIDR, e.g. {@code 10.20.0.0/16},
     * {@code 2001:db8::/32}); others get 403. Default: any source.
     *
     * @throws IllegalArgumentException naming a network that does not parse
     */
    public Builder juniperSourceNetworks(List<String> cidrs) {
      for (String c : cidrs) {
        juniperSourceNetworks.add(Cidr.parse(c));
      }
      return this;
    }

    /** The clock certificates are validated at; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @throws IllegalStateException when a required setting is missing */
    public DeviceAuthentication build() {
      return new DeviceAuthentication(this);
    }
  }
}
