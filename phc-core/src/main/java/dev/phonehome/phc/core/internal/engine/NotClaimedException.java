package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.PhcTransportException;

/**
 * The serial is not claimed on this server (yet): HTTP 404 on a bootstrap request, or 401 when the client is
 * told to read it so (sztpd answers 401 for a device it does not know). The device keeps polling.
 */
public final class NotClaimedException extends PhcTransportException {
  private static final long serialVersionUID = 1L;

  public NotClaimedException(String message) {
    this(message, 404);
  }

  public NotClaimedException(String message, int status) {
    super(message, status, null);
  }
}
