package dev.phonehome.phc.testkit.engine;

import dev.phonehome.phc.api.PhcTransportException;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport.ReportOutcome;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport;
import dev.phonehome.phc.core.internal.engine.EngineState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory bootstrap transport: per server a script of answers (the last one repeats), recorded fetches
 * and delivered notifications; notifications can be made undeliverable.
 */
final class FakeTransport implements BootstrapTransport {
  private final Map<String, Deque<Object>> answers = new HashMap<>();
  final List<String> fetches = new ArrayList<>();
  final List<EngineState.Outbound> delivered = new ArrayList<>();
  /** The RFC 8572 reporting-level every answer carries (null: none, as in the Juniper dialect). */
  dev.phonehome.phc.api.model.ReportingLevel reportingLevel;
  int reportFailuresLeft;
  boolean reportsDown;
  /** Answers to the next notifications (then they are delivered): outcomes the transport returns instead. */
  final Deque<ReportOutcome> reportAnswers = new ArrayDeque<>();
  /** When set, decides every answer to a notification (null from it: delivered). */
  java.util.function.Function<ProgressReport, ReportOutcome> reportPolicy;
  /** Every notification offered, whatever became of it. */
  final List<EngineState.Outbound> offered = new ArrayList<>();

  /** Scripts answers: ConveyedInformation values, or RuntimeExceptions to throw. */
  FakeTransport on(String server, Object... script) {
    Deque<Object> q = answers.computeIfAbsent(server, k -> new ArrayDeque<>());
    for (Object o : script) {
      q.add(o);
    }
    return this;
  }

  @Override
  public synchronized Answer fetch(EngineState.Server server, BootstrapRequest request) {
    fetches.add(server.url());
    Deque<Object> q = answers.get(server.url());
    if (q == null || q.isEmpty()) {
      throw new PhcTransportException("connect to " + server.url() + " refused", null);
    }
    Object a = q.size() > 1 ? q.poll() : q.peek();
    if (a instanceof RuntimeException e) {
      throw e;
    }
    return new Answer((ConveyedInformation) a, true, reportingLevel);
  }

  @Override
  public synchronized ReportOutcome report(EngineState.Server server, ProgressReport report) {
    offered.add(new EngineState.Outbound(server.url(), report));
    if (reportsDown || reportFailuresLeft > 0) {
      reportFailuresLeft = Math.max(0, reportFailuresLeft - 1);
      return new ReportOutcome.Retry(null, server.url() + " unreachable");
    }
    ReportOutcome scripted = reportPolicy != null ? reportPolicy.apply(report) : reportAnswers.poll();
    if (scripted != null && !(scripted instanceof ReportOutcome.Delivered)) {
      return scripted;
    }
    delivered.add(new EngineState.Outbound(server.url(), report));
    return ReportOutcome.delivered();
  }

  synchronized List<ProgressReport> reportsTo(String server) {
    return delivered.stream().filter(o -> o.server().equals(server)).map(EngineState.Outbound::report).toList();
  }

  /** VC notifications delivered to a server, as {@code type: message}. */
  synchronized List<String> vcNotifications(String server) {
    return reportsTo(server).stream().filter(r -> r.type().isVirtualChassis())
        .map(r -> r.type().name() + ": " + r.message()).toList();
  }

  /** Every notification type delivered to a server, in order. */
  synchronized List<String> types(String server) {
    return reportsTo(server).stream().map(r -> r.type().name()).toList();
  }
}
