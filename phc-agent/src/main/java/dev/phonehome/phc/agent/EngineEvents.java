package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.ProgressReport;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's events under one lease: the step goes to the fence (reported at the next renewal), the way the
 * engine began is recorded on the lease once, and every event goes on to the user's listener.
 */
final class EngineEvents implements PhoneHomeEventListener {
  private static final Logger log = LoggerFactory.getLogger(EngineEvents.class);

  private final AgentWorkQueue queue;
  private final LeaseFence fence;
  private final FleetAgentListener agentListener;
  private final PhoneHomeEventListener next;
  private final AtomicBoolean began = new AtomicBoolean();

  EngineEvents(AgentWorkQueue queue, LeaseFence fence, FleetAgentListener agentListener, PhoneHomeEventListener next) {
    this.queue = queue;
    this.fence = fence;
    this.agentListener = agentListener;
    this.next = next;
  }

  private void began(String how, @Nullable String step) {
    if (!began.compareAndSet(false, true)) {
      return;
    }
    boolean interrupted = Thread.interrupted(); // a pool does not hand out connections to an interrupted thread
    try {
      queue.engineStarted(fence.lease(), how, step);
    } catch (RuntimeException e) {
      log.warn("could not record how the engine began on {}: {}", fence.lease(), e.getMessage());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    agentListener.engineStarted(fence.lease().target(), how, step);
  }

  @Override
  public void runStarted() {
    began("fresh", null);
    next.runStarted();
  }

  @Override
  public void runResumed(String step) {
    fence.step = step;
    began("resumed", step);
    next.runResumed(step);
  }

  @Override
  public void stepStarted(String step) {
    fence.step = step;
    next.stepStarted(step);
  }

  @Override
  public void serverRequested(String serverUrl) {
    next.serverRequested(serverUrl);
  }

  @Override
  public void serverFailed(String serverUrl, PhcException error) {
    next.serverFailed(serverUrl, error);
  }

  @Override
  public void redirected(String serverUrl, int count) {
    next.redirected(serverUrl, count);
  }

  @Override
  public void onboardingReceived(String serverUrl) {
    next.onboardingReceived(serverUrl);
  }

  @Override
  public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
    next.imageDownloadStarted(uri, attempt, resumeFrom);
  }

  @Override
  public void imageDownloadFailed(String uri, int attempt, String reason) {
    next.imageDownloadFailed(uri, attempt, reason);
  }

  @Override
  public void imageStaged(String path, long size) {
    next.imageStaged(path, size);
  }

  @Override
  public void notificationQueued(ProgressReport report) {
    next.notificationQueued(report);
  }

  @Override
  public void notificationDelivered(ProgressReport report) {
    next.notificationDelivered(report);
  }

  @Override
  public void notificationRefused(ProgressReport report, int httpStatus, @Nullable String reason) {
    next.notificationRefused(report, httpStatus, reason);
  }

  @Override
  public void runCompleted() {
    fence.step = "COMPLETE";
    next.runCompleted();
  }

  @Override
  public void runFailed(PhcException error) {
    next.runFailed(error);
  }
}
