package dev.phonehome.phc.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AwaitTerminationTest {

  private static PhoneHomeServer server() {
    return PhoneHomeServer.builder().records(new InMemoryProvisioningRecords()).bind("127.0.0.1", 0).build();
  }

  @Test
  void awaitTerminationBlocksUntilAnotherThreadClosesTheServer() throws Exception {
    PhoneHomeServer server = server().start();
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
      try {
        server.awaitTermination();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(server.awaitTermination(Duration.ofMillis(50))).isFalse();
    assertThat(waiter).isNotDone();
    server.close();
    waiter.get(10, TimeUnit.SECONDS);
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
  }

  @Test
  void awaitTerminationBeforeStartIsRefused() {
    try (PhoneHomeServer server = server()) {
      assertThatThrownBy(server::awaitTermination).isInstanceOf(IllegalStateException.class)
          .hasMessage("not started: call start() first");
    }
  }
}
