package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.server.AuthResult;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.api.server.DeviceCredentials;
import dev.phonehome.phc.core.internal.server.ClientCertificates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The default {@link DeviceAuthenticator} (SPEC 2.1): the HTTP Basic username is the serial and the password
 * is empty (or what {@link #withPasswords} supplies for that serial). Where a TLS client certificate is
 * presented, its subject {@code serialNumber} (OID 2.5.4.5) must be the same serial (else 403); a request with
 * a client certificate and no Basic credentials is the device the certificate names (RFC 8572 devices).
 *
 * <ul>
 *   <li>no Basic credentials and no client certificate: 401
 *   <li>wrong password: 401
 *   <li>certificate without a serialNumber, or naming another serial than the username: 403
 * </ul>
 *
 * Whether the authenticated serial may read the record named in the URL is the handler's check, not this
 * one's: a device gets only its own record.
 */
public final class BasicDeviceAuthenticator implements DeviceAuthenticator {
  private final Function<String, Optional<String>> passwords;
  private final boolean requireClientCertificate;

  private BasicDeviceAuthenticator(Function<String, Optional<String>> passwords, boolean requireClientCertificate) {
    this.passwords = passwords;
    this.requireClientCertificate = requireClientCertificate;
  }

  /** Username = serial, empty password, client certificate optional. */
  public static BasicDeviceAuthenticator create() {
    return new BasicDeviceAuthenticator(serial -> Optional.of(""), false);
  }

  /**
   * The expected password per serial; empty means the serial has no password configured and is refused
   * (401). The function must be thread-safe and fast.
   */
  public BasicDeviceAuthenticator withPasswords(Function<String, Optional<String>> passwordForSerial) {
    return new BasicDeviceAuthenticator(Objects.requireNonNull(passwordForSerial, "passwordForSerial"),
        requireClientCertificate);
  }

  /** Refuses (401) requests without a TLS client certificate. */
  public BasicDeviceAuthenticator requiringClientCertificate() {
    return new BasicDeviceAuthenticator(passwords, true);
  }

  @Override
  public AuthResult authenticate(DeviceCredentials credentials) {
    String certSerial = null;
    if (!credentials.clientCertificates().isEmpty()) {
      X509Certificate leaf = credentials.clientCertificates().get(0);
      Optional<String> s = ClientCertificates.subjectSerialNumber(leaf);
      if (s.isEmpty()) {
        return AuthResult.rejected(403, "client certificate " + leaf.getSubjectX500Principal().getName()
            + " has no subject serialNumber (2.5.4.5)");
      }
      certSerial = s.get();
    } else if (requireClientCertificate) {
      return AuthResult.rejected(401, "a client certificate is required");
    }
    String user = credentials.basicUsername();
    if (user == null) {
      if (certSerial != null) {
        return AuthResult.authenticated(certSerial);
      }
      return AuthResult.rejected(401, "no credentials: HTTP Basic with the serial number as username expected");
    }
    if (certSerial != null && !certSerial.equals(user)) {
      return AuthResult.rejected(403, "client certificate serial number '" + certSerial
          + "' does not match Basic username '" + user + "'");
    }
    Optional<String> expected = passwords.apply(user);
    String given = credentials.basicPassword() == null ? "" : credentials.basicPassword();
    if (expected.isEmpty() || !MessageDigest.isEqual(expected.get().getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8))) {
      return AuthResult.rejected(401, "wrong password for '" + user + "'");
    }
    return AuthResult.authenticated(user);
  }
}
