package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.PhcTransportException;

/** HTTP 404 on a bootstrap request: the serial is not claimed on this server (yet). The device keeps polling. */
public final class NotClaimedException extends PhcTransportException {
  private static final long serialVersionUID = 1L;

  public NotClaimedException(String message) {
    super(message, 404, null);
  }
}
