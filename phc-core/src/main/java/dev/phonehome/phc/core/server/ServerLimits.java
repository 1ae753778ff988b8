package dev.phonehome.phc.core.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Protections against misbehaving or hostile clients.
 *
 * @param maxRequestBodyBytes the largest request body; a larger declared Content-Length is refused (413)
 *     before reading, and a chunked body is cut off when it passes the limit. Default 64 KiB (a notification
 *     or a bootstrap request is a few hundred bytes).
 * @param maxConcurrentRequests requests handled at once; more are refused with 503 and Retry-After instead of
 *     queueing without bound. Default 256.
 * @param idleTimeout how long a connection may send nothing (slow or stalled clients, kept-alive connections)
 *     before it is closed. Default 30 s.
 * @param maxTimelineEntries notifications kept per device; the oldest are dropped beyond it and counted
 *     ({@link dev.phonehome.phc.api.server.DeviceStatus#droppedNotifications()}; for the default
 *     in-memory store only: a store given to the builder has its own retention). Default 1000.
 */
public record ServerLimits(
    long maxRequestBodyBytes, int maxConcurrentRequests, Duration idleTimeout, int maxTimelineEntries) {
  public static final ServerLimits DEFAULT = new ServerLimits(64 * 1024, 256, Duration.ofSeconds(30), 1000);

  public ServerLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxRequestBodyBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be positive, was " + maxRequestBodyBytes);
    }
    if (maxConcurrentRequests <= 0) {
      throw new IllegalArgumentException("maxConcurrentRequests must be positive, was " + maxConcurrentRequests);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
    }
    if (maxTimelineEntries <= 0) {
      throw new IllegalArgumentException("maxTimelineEntries must be positive, was " + maxTimelineEntries);
    }
  }

  public ServerLimits withMaxRequestBodyBytes(long value) {
    return new ServerLimits(value, maxConcurrentRequests, idleTimeout, maxTimelineEntries);
  }

  public ServerLimits withMaxConcurrentRequests(int value) {
    return new ServerLimits(maxRequestBodyBytes, value, idleTimeout, maxTimelineEntries);
  }

  public ServerLimits withIdleTimeout(Duration value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, value, maxTimelineEntries);
  }

  public ServerLimits withMaxTimelineEntries(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, value);
  }
}
