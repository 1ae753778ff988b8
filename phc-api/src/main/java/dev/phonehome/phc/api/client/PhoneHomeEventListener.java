package dev.phonehome.phc.api.client;

import dev.phonehome.phc.api.model.ProgressReport;

/**
 * Hears what the phone-home client does, for metrics, logs and live displays. Every method has a no-op
 * default. Rules (as OkHttp's {@code EventListener}): a listener must be fast, must not throw and must not call
 * back into the client. Events arrive on the thread that runs the client, in the order of the process.
 */
public interface PhoneHomeEventListener {
  PhoneHomeEventListener NONE = new PhoneHomeEventListener() {};

  /** A notification was queued for the PHS (and written to syslog). Delivery may come later. */
  default void notificationQueued(ProgressReport report) {}

  /** A queued notification reached the PHS. */
  default void notificationDelivered(ProgressReport report) {}
}
