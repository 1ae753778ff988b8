package dev.phonehome.phc.api.server;

import java.util.List;
import java.util.Objects;

/**
 * What {@link DeviceStore#append} stored: the new notifications (listeners hear these), and those it already
 * had under the same (serial, notification id), which it did not store again.
 *
 * @param stored the newly stored notifications, in order
 * @param duplicates the notifications already stored before (same serial and notification id)
 */
public record AppendResult(List<DeviceNotification> stored, List<DeviceNotification> duplicates) {
  public AppendResult {
    stored = List.copyOf(Objects.requireNonNull(stored, "stored"));
    duplicates = List.copyOf(Objects.requireNonNull(duplicates, "duplicates"));
  }
}
