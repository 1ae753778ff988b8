package dev.phonehome.phc.api;

/**
 * The root of phc's exceptions. Subclasses say who must act: {@link PhcTransportException} (the network;
 * retryable), {@link PhcProtocolException} (the peer sent something wrong), {@link PhcTrustException}
 * (certificates, signatures, vouchers), {@link PhcDeviceException} (the device or its binding) and
 * {@link PhcStoreException} (the server's own store; its operator).
 */
public abstract class PhcException extends RuntimeException {
  protected PhcException(String message, Throwable cause) {
    super(message, cause);
  }

  protected PhcException(String message) {
    super(message);
  }
}
