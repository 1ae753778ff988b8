package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Provisioning records held in memory; thread-safe, changes are seen by the next request. */
public final class InMemoryProvisioningRecords implements ProvisioningRecords {
  private final ConcurrentHashMap<String, ProvisioningRecord> records = new ConcurrentHashMap<>();

  public InMemoryProvisioningRecords() {}

  /** A store holding {@code records}. */
  public static InMemoryProvisioningRecords of(ProvisioningRecord... records) {
    InMemoryProvisioningRecords store = new InMemoryProvisioningRecords();
    for (ProvisioningRecord r : records) {
      store.put(r);
    }
    return store;
  }

  /** Adds or replaces the record for its serial. */
  public InMemoryProvisioningRecords put(ProvisioningRecord record) {
    records.put(Objects.requireNonNull(record, "record").serialNumber(), record);
    return this;
  }

  /** Adds or replaces the record for {@code serialNumber}, versioned by its content. */
  public InMemoryProvisioningRecords put(String serialNumber, ConveyedInformation information) {
    return put(ProvisioningRecord.of(serialNumber, information));
  }

  /** Removes the record; the device gets 404 from then on. */
  public void remove(String serialNumber) {
    records.remove(serialNumber);
  }

  @Override
  public Optional<ProvisioningRecord> find(String serialNumber) {
    return Optional.ofNullable(records.get(serialNumber));
  }

  /** Every record, in no particular order. */
  public List<ProvisioningRecord> all() {
    return List.copyOf(records.values());
  }
}
