package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.ProgressReport;
import java.time.Instant;
import java.util.Objects;

/** A progress notification as a server received it. */
public record DeviceNotification(String serialNumber, Instant receivedAt, Dialect dialect, ProgressReport report) {
  public DeviceNotification {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(report, "report");
  }
}
