package dev.phonehome.phc.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.device.DeviceOperations;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fence around the device: nothing reaches the device once the lease is gone, whatever the SPI grows. */
class FencedDeviceOperationsTest {
  private static final VcTarget VC = VcTarget.builder("192.0.2.1").name("vc").credentials("lab")
      .bootstrapServers("https://phs").build();

  @Test
  void everyDeviceOperationIsOverriddenSoThatNoneBypassesTheFence() {
    List<String> missing = new ArrayList<>();
    for (Method m : DeviceOperations.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      try {
        Method own = FencedDeviceOperations.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
        assertThat(own.getDeclaringClass()).isEqualTo(FencedDeviceOperations.class);
      } catch (NoSuchMethodException e) {
        missing.add(m.toString());
      }
    }
    assertThat(missing).as("DeviceOperations methods FencedDeviceOperations does not override (a default method"
        + " would reach the device without a lease check)").isEmpty();
  }

  @Test
  void onceTheLeaseIsPastItsMarginNoOperationReachesTheDevice() {
    AtomicLong now = new AtomicLong(1_000);
    List<String> reached = new ArrayList<>();
    DeviceOperations device = (DeviceOperations) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (p, m, a) -> {
          reached.add(m.getName());
          return m.getReturnType() == java.util.List.class ? List.of() : null;
        });
    // Lease 100 ns sent at 1000, margin 25: open until 1075.
    LeaseFence fence = new LeaseFence(new Lease(1, 1, VC, 1, null), 1_000, 100, 25, now::get);
    FencedDeviceOperations fenced = new FencedDeviceOperations(device, fence);
    fenced.members();
    now.set(1_074);
    fenced.reboot(List.of(2));
    now.set(1_075);
    assertThatThrownBy(() -> fenced.installImage(1, null)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("install-image").hasMessageContaining("no longer holds the lease of vc")
        .hasMessageContaining("not renewed in time");
    assertThat(Thread.interrupted()).as("no interrupt for a thread that is not the VC's worker").isFalse();
    // Closed for good: a renewal that arrives late does not reopen it.
    fence.renewed(1_070);
    assertThatThrownBy(fenced::members).isInstanceOf(LeaseLostException.class);
    assertThat(reached).containsExactly("members", "reboot");
  }

  @Test
  void aLostOrStoppingLeaseRefusesAndInterruptsTheWorker() throws Exception {
    DeviceOperations device = (DeviceOperations) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (p, m, a) -> null);
    LeaseFence fence = new LeaseFence(new Lease(1, 1, VC, 1, null), System.nanoTime(), 60_000_000_000L,
        15_000_000_000L, System::nanoTime);
    FencedDeviceOperations fenced = new FencedDeviceOperations(device, fence);
    fence.worker(Thread.currentThread());
    fence.lose("taken over by agent-2");
    assertThat(Thread.interrupted()).as("losing the lease interrupts the worker").isTrue();
    assertThatThrownBy(() -> fenced.persistState(0, null)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("taken over by agent-2");
    assertThat(Thread.interrupted()).as("and the refusal leaves it interrupted, so the engine's waits end").isTrue();
    fence.worker(null);

    LeaseFence stopping = new LeaseFence(new Lease(2, 1, VC, 1, null), System.nanoTime(), 60_000_000_000L,
        15_000_000_000L, System::nanoTime);
    stopping.stop();
    assertThatThrownBy(() -> new FencedDeviceOperations(device, stopping).syslog(null, "x"))
        .isInstanceOf(LeaseLostException.class).hasMessageContaining("the agent is stopping");
  }
}
