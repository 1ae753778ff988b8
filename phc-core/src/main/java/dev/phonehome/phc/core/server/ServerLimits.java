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
 * @param maxNotificationsPerRequest notifications one request may carry (a Juniper dialect body may hold
 *     several); more is refused whole with 413. Default 32.
 * @param maxMessageLength characters of a notification's {@code message} that are stored; a longer message is
 *     stored cut to this length with {@code " ...[cut, N characters]"} at the end (the notification is kept, its
 *     size bounded). Default 4096.
 * @param notificationsPerMinute notifications a device may send per minute, in bursts of as many; beyond it
 *     the request is refused whole with 429 and Retry-After (nothing stored, the device sends it again), so
 *     that no device can flood its timeline out of the store. Default 120.
 * @param authFailuresPerMinutePerSource failed authentications one source address may have per minute; then
 *     its requests get 429 with Retry-After until the minute is over, before credentials are even looked at.
 *     Default 30.
 * @param authFailuresPerMinutePerSerial the same per serial number named in the request (URL or Basic
 *     username), against guessing one device's secret from many addresses. Default 10.
 */
public record ServerLimits(
    long maxRequestBodyBytes, int maxConcurrentRequests, Duration idleTimeout, int maxTimelineEntries,
    int maxNotificationsPerRequest, int maxMessageLength, int notificationsPerMinute,
    int authFailuresPerMinutePerSource, int authFailuresPerMinutePerSerial) {
  public static final ServerLimits DEFAULT =
      new ServerLimits(64 * 1024, 256, Duration.ofSeconds(30), 1000, 32, 4096, 120, 30, 10);

  public ServerLimits {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    positive(maxRequestBodyBytes, "maxRequestBodyBytes");
    positive(maxConcurrentRequests, "maxConcurrentRequests");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
    }
    positive(maxTimelineEntries, "maxTimelineEntries");
    positive(maxNotificationsPerRequest, "maxNotificationsPerRequest");
    if (maxMessageLength < 64) {
      throw new IllegalArgumentException("maxMessageLength must be at least 64, was " + maxMessageLength);
    }
    positive(notificationsPerMinute, "notificationsPerMinute");
    positive(authFailuresPerMinutePerSource, "authFailuresPerMinutePerSource");
    positive(authFailuresPerMinutePerSerial, "authFailuresPerMinutePerSerial");
  }

  /** The first four limits, the abuse limits at their defaults. */
  public ServerLimits(long maxRequestBodyBytes, int maxConcurrentRequests, Duration idleTimeout,
      int maxTimelineEntries) {
    this(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries, 32, 4096, 120, 30, 10);
  }

  private static void positive(long v, String name) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + v);
    }
  }

  public ServerLimits withMaxRequestBodyBytes(long value) {
    return new ServerLimits(value, maxConcurrentRequests, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withMaxConcurrentRequests(int value) {
    return new ServerLimits(maxRequestBodyBytes, value, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withIdleTimeout(Duration value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, value, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withMaxTimelineEntries(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, value,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withMaxNotificationsPerRequest(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries, value,
        maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource, authFailuresPerMinutePerSerial);
  }

  public ServerLimits withMaxMessageLength(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, value, notificationsPerMinute, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withNotificationsPerMinute(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, value, authFailuresPerMinutePerSource,
        authFailuresPerMinutePerSerial);
  }

  public ServerLimits withAuthFailuresPerMinutePerSource(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, value, authFailuresPerMinutePerSerial);
  }

  public ServerLimits withAuthFailuresPerMinutePerSerial(int value) {
    return new ServerLimits(maxRequestBodyBytes, maxConcurrentRequests, idleTimeout, maxTimelineEntries,
        maxNotificationsPerRequest, maxMessageLength, notificationsPerMinute, authFailuresPerMinutePerSource, value);
  }
}
