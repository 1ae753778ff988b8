package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.testkit.store.DurableDeviceStoreCompatibilityKit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded file databases, a fresh file per store. */
class EmbeddedDeviceStoreCompatibilityTest {
  abstract static class OnFile extends DurableDeviceStoreCompatibilityKit {
    @TempDir Path dir;
    private final Map<DeviceStore, Reopen> how = new IdentityHashMap<>();
    private final List<JdbcDatabase> pools = new ArrayList<>();

    private record Reopen(TestDatabase db, int max) {}

    abstract TestDatabase fresh(Path dir);

    @AfterEach
    void closePools() {
      pools.forEach(JdbcDatabase::close);
      pools.clear();
    }

    private DeviceStore open(TestDatabase t, int max) {
      JdbcDatabase db = t.connect();
      pools.add(db);
      JdbcDeviceStore s = JdbcDeviceStore.builder(db).maxNotificationsPerDevice(max).build();
      how.put(s, new Reopen(t, max));
      return s;
    }

    @Override
    protected DeviceStore newStore(int maxNotificationsPerDevice) {
      return open(fresh(dir), maxNotificationsPerDevice);
    }

    @Override
    protected DeviceStore reopen(DeviceStore store) {
      Reopen r = how.get(store);
      store.close();
      ((JdbcDeviceStore) store).database().close();
      return open(r.db(), r.max());
    }
  }

  @Nested
  class Sqlite extends OnFile {
    @Override
    TestDatabase fresh(Path dir) {
      return TestDatabase.sqlite(dir);
    }
  }

  @Nested
  class H2 extends OnFile {
    @Override
    TestDatabase fresh(Path dir) {
      return TestDatabase.h2(dir);
    }
  }
}
