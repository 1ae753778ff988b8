package dev.phonehome.phc.api.server;

/**
 * Decides which device a request comes from. The default (Juniper dialect) takes the Basic username as the
 * serial and, where a client certificate is presented, requires its subject serial number to be the same.
 * Must be thread-safe.
 */
@FunctionalInterface
public interface DeviceAuthenticator {
  AuthResult authenticate(DeviceCredentials credentials);
}
