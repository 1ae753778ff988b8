package dev.phonehome.phc.api.server;

/**
 * Hears every notification a server newly stores, in the order each device sent them. Called on the request
 * thread after the {@link DeviceStore} has the notification (committed) and before the device gets its answer;
 * a notification stored twice (same notification id) is heard once. It must be fast and must not throw (a
 * throwing listener is logged and skipped: the notification stays stored and the device still gets its 2xx).
 * A process that dies between the commit and this call never calls it for that notification: for every
 * notification exactly once, read the store's feed ({@link ProgressQuery#feed}).
 */
@FunctionalInterface
public interface ProgressListener {
  void onNotification(DeviceNotification notification);
}
