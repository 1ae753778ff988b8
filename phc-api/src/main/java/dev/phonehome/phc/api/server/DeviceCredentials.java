package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.Dialect;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a request presented to identify its device.
 *
 * @param requestedSerial the serial named in the URL (Juniper dialect), or null (RFC 8572: taken from the
 *     credentials)
 * @param basicUsername the HTTP Basic username, or null
 * @param basicPassword the HTTP Basic password, or null
 * @param clientCertificates the TLS client certificate chain, leaf first; empty when none was presented
 * @param dialect the dialect of the request (the two authenticate differently: Junos sends the serial and an
 *     empty password, RFC 8572 section 5.3 wants a device secret or certificate), or null when not known
 * @param remoteAddress the peer's IP address, or null when not known
 */
public record DeviceCredentials(
    @Nullable String requestedSerial,
    @Nullable String basicUsername,
    @Nullable String basicPassword,
    List<X509Certificate> clientCertificates,
    @Nullable Dialect dialect,
    @Nullable String remoteAddress) {
  public DeviceCredentials {
    clientCertificates = List.copyOf(Objects.requireNonNull(clientCertificates, "clientCertificates"));
  }

  /** Credentials without dialect or address (an authenticator that needs neither). */
  public DeviceCredentials(@Nullable String requestedSerial, @Nullable String basicUsername,
      @Nullable String basicPassword, List<X509Certificate> clientCertificates) {
    this(requestedSerial, basicUsername, basicPassword, clientCertificates, null, null);
  }
}
