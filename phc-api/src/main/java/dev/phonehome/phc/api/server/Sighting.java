package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.Dialect;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An authenticated bootstrap request as the server answered it: with data ({@code claimed}: the device has a
 * record; the store counts a request and moves the device to {@link DeviceState#REQUESTED}), or with 404 (not
 * {@code claimed}: the device lands in the unclaimed inbox, {@link DeviceState#UNCLAIMED}).
 *
 * @param serialNumber the device serial the request authenticated as
 * @param at when the server answered (its clock)
 * @param dialect the request's dialect
 * @param sourceAddress the peer address as the transport saw it, or null when unknown
 * @param claimed true when a provisioning record was found and sent
 */
public record Sighting(
    String serialNumber, Instant at, Dialect dialect, @Nullable String sourceAddress, boolean claimed) {
  public Sighting {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(dialect, "dialect");
  }
}
