package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.testkit.store.DurableDeviceStoreCompatibilityKit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on PostgreSQL: one database for the class, a fresh schema per store. */
class PostgresDeviceStoreCompatibilityTest extends DurableDeviceStoreCompatibilityKit {
  private static TestDatabase.Postgres pg;
  private final Map<DeviceStore, Reopen> how = new IdentityHashMap<>();
  private final List<JdbcDatabase> pools = new ArrayList<>();

  private record Reopen(String schema, int max) {}

  @BeforeAll
  static void database() {
    pg = TestDatabase.postgres("storecontract");
  }

  @AfterAll
  static void drop() {
    if (pg != null) {
      pg.close();
    }
  }

  @org.junit.jupiter.api.AfterEach
  void closePools() {
    pools.forEach(JdbcDatabase::close);
    pools.clear();
  }

  private DeviceStore open(String schema, int max) {
    JdbcDatabase db = pg.builder().schema(schema).build();
    pools.add(db);
    JdbcDeviceStore s = JdbcDeviceStore.builder(db).maxNotificationsPerDevice(max).build();
    how.put(s, new Reopen(schema, max));
    return s;
  }

  @Override
  protected DeviceStore newStore(int maxNotificationsPerDevice) {
    return open("s" + unique(), maxNotificationsPerDevice);
  }

  @Override
  protected DeviceStore reopen(DeviceStore store) {
    Reopen r = how.get(store);
    store.close();
    ((JdbcDeviceStore) store).database().close();
    return open(r.schema(), r.max());
  }
}
