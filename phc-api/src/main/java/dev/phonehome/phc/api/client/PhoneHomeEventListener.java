package dev.phonehome.phc.api.client;

import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.model.ProgressReport;
import org.jspecify.annotations.Nullable;

/**
 * Hears what the phone-home client does, for metrics, logs and live displays. Every method has a no-op
 * default. Rules (as OkHttp's {@code EventListener}): a listener must be fast, must not throw and must not call
 * back into the client. Events arrive on the thread that runs the client, in the order of the process.
 *
 * <p>Order of events in one run: {@link #runStarted} (or {@link #runResumed} when persisted state was found);
 * then for each step {@link #stepStarted}; while requesting, per server {@link #serverRequested} followed by
 * {@link #serverFailed} or {@link #redirected} or {@link #onboardingReceived}; while staging the image, per
 * attempt {@link #imageDownloadStarted} then {@link #imageDownloadFailed} or {@link #imageStaged}; whenever a
 * notification is created {@link #notificationQueued}, and when the PHS accepted it
 * {@link #notificationDelivered} or refused it {@link #notificationRefused} (same order as queued); finally {@link #runCompleted} or {@link #runFailed}.
 */
public interface PhoneHomeEventListener {
  PhoneHomeEventListener NONE = new PhoneHomeEventListener() {};

  /** A run starts from the beginning. */
  default void runStarted() {}

  /** A run resumes from persisted state at {@code step} (a step name of SPEC section 4, e.g. DETECT_PRIMARY). */
  default void runResumed(String step) {}

  /** A step of the process starts. */
  default void stepStarted(String step) {}

  /** A bootstrap server is asked for bootstrap data. */
  default void serverRequested(String serverUrl) {}

  /**
   * A bootstrap server failed: not claimed, unreachable, bad answer or untrusted; or (RFC 8572 section 5.6, after
   * its onboarding information was received) it refused {@code bootstrap-initiated} or {@code bootstrap-complete},
   * and the client stops using its onboarding information and moves on to the next server.
   */
  default void serverFailed(String serverUrl, PhcException error) {}

  /** A server answered with redirect information to {@code count} servers. */
  default void redirected(String serverUrl, int count) {}

  /** A server answered with onboarding information. */
  default void onboardingReceived(String serverUrl) {}

  /** A download attempt of the boot image starts ({@code resumeFrom} &gt; 0 when resuming with a range). */
  default void imageDownloadStarted(String uri, int attempt, long resumeFrom) {}

  /** A download attempt failed (network, checksum mismatch, device copy failure); it will be retried. */
  default void imageDownloadFailed(String uri, int attempt, String reason) {}

  /** The image is on the device, every digest verified. */
  default void imageStaged(String path, long size) {}

  /** A notification was queued for the PHS (and written to syslog). Delivery may come later. */
  default void notificationQueued(ProgressReport report) {}

  /** A queued notification reached the PHS. */
  default void notificationDelivered(ProgressReport report) {}

  /**
   * A queued notification will never reach the PHS: it answered {@code httpStatus} (a 4xx other than 404, 408
   * and 429), or the client withheld it ({@code httpStatus} -1) because the server is not trusted.
   *
   * @param reason the server's error message, or why it was withheld; may be null
   */
  default void notificationRefused(ProgressReport report, int httpStatus, @Nullable String reason) {}

  /** The process completed (bootstrap-complete sent or queued). */
  default void runCompleted() {}

  /** The run ended with a terminal failure. */
  default void runFailed(PhcException error) {}
}
