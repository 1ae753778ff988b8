package dev.phonehome.phc.api.server;

/**
 * Hears every notification a server stores, in the order each device sent them. Called on the request
 * thread after the notification is stored: it must be fast and must not throw (a throwing listener is
 * logged and skipped; the device still gets its 204).
 */
@FunctionalInterface
public interface ProgressListener {
  void onNotification(DeviceNotification notification);
}
