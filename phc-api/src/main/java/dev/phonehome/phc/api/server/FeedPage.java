package dev.phonehome.phc.api.server;

import java.util.List;
import java.util.Objects;

/**
 * A page of the notification feed.
 *
 * @param events the notifications after the cursor asked for, in feed order (empty when there is nothing new)
 * @param next where to ask from next time: the last event's position, or the cursor asked for when empty
 */
public record FeedPage(List<FeedEvent> events, FeedCursor next) {
  public FeedPage {
    events = List.copyOf(Objects.requireNonNull(events, "events"));
    Objects.requireNonNull(next, "next");
  }
}
