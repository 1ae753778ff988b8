package dev.phonehome.phc.testkit.server;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the answer for each request, replacing the queue ({@link FakePhoneHomeServer#enqueue}). Called on a
 * server thread; must be thread-safe.
 */
@FunctionalInterface
public interface FakeDispatcher {
  /**
   * @return the answer, or null for the default: bootstrap requests from the records given with
   *     {@link FakePhoneHomeServer#addRecord} (404 when none), notifications stored and answered 204
   */
  @Nullable FakeAnswer dispatch(RecordedRequest request);
}
