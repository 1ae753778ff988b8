package dev.phonehome.phc.api.server;

import java.util.Objects;

/**
 * One notification in a store's feed, with its position: give {@code position} back to
 * {@link DeviceStore#feed} to read what follows it.
 */
public record FeedEvent(FeedCursor position, DeviceNotification notification) {
  public FeedEvent {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(notification, "notification");
  }
}
