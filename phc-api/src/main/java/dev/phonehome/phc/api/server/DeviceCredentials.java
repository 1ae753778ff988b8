package dev.phonehome.phc.api.server;

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
 */
public record DeviceCredentials(
    @Nullable String requestedSerial,
    @Nullable String basicUsername,
    @Nullable String basicPassword,
    List<X509Certificate> clientCertificates) {
  public DeviceCredentials {
    clientCertificates = List.copyOf(Objects.requireNonNull(clientCertificates, "clientCertificates"));
  }
}
