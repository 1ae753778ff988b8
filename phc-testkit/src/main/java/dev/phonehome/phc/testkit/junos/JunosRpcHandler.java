package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * The RPC dispatcher of a {@link SimulatedJunosDevice}: a table from RPC name to {@link SimRpc}. Each family of
 * RPCs registers itself from its own class ({@link FileRpcs}, {@link FactRpcs}, {@link CommandRpcs},
 * {@link SoftwareRpcs}, {@link ConfigRpcs}, {@link NetconfRpcs}, {@link ShellRpcs}); to add an RPC, add a handler there (or a new
 * family class and one line in {@link #JunosRpcHandler}). RPCs of all sessions are serialized. Replies are our
 * own templates shaped like Junos 21.4 on an EX4300 Virtual Chassis; errors are shaped like Junos'
 * {@code <rpc-error>} (see {@link RpcFailure}).
 */
final class JunosRpcHandler {
  private static final Logger log = LoggerFactory.getLogger(JunosRpcHandler.class);
  static final String JUNOS_NS = "http://xml.juniper.net/junos/21.4R3/junos";

  private final SimState device;
  private final Map<String, SimRpc> handlers = new ConcurrentHashMap<>();

  JunosRpcHandler(SimState device) {
    this.device = device;
    FactRpcs.register(this);
    VcPortRpcs.register(this);
    CommandRpcs.register(this);
    FileRpcs.register(this);
    SoftwareRpcs.register(this);
    ConfigRpcs.register(this);
    NetconfRpcs.register(this);
    ShellRpcs.register(this);
    register("close-session", c -> new Reply("<ok/>", true));
  }

  /** Adds (or replaces) the handler of RPC {@code name}. */
  void register(String name, SimRpc handler) {
    handlers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(handler, "handler"));
  }

  /** Every RPC name the device answers, sorted. */
  java.util.SortedSet<String> rpcNames() {
    return new java.util.TreeSet<>(handlers.keySet());
  }

  SimState device() {
    return device;
  }

  synchronized Reply handle(Element op, String name, SimSession session) {
    SimRpc h = handlers.get(name);
    boolean unknown = device.settings.faults().stream()
        .anyMatch(f -> f instanceof JunosSimulationFault.UnknownRpc u && u.rpcName().equals(name));
    if (h == null || unknown) {
      return Reply.of(RpcFailure.syntax(name).toXml());
    }
    device.config.tick();
    RpcCall call = new RpcCall(op, name, session, device);
    JunosSimulationFault.PowerLossOn cut = device.fire(JunosSimulationFault.PowerLossOn.class,
        f -> f.rpcName().equals(name), JunosSimulationFault.PowerLossOn::occurrence);
    if (cut != null && !cut.afterEffect()) {
      device.powerLoss();
      return Reply.dropped();
    }
    Reply reply;
    try {
      reply = h.handle(call);
    } catch (RpcFailure f) {
      reply = Reply.of(f.toXml());
    } catch (PhcDeviceException e) {
      reply = Reply.of(RpcFailure.failed(deviceMessage(e)).toXml());
    } catch (SimulatedCrash e) {
      return Reply.dropped();
    } catch (RuntimeException e) {
      log.warn("simulated Junos device: {} failed", name, e);
      reply = Reply.of(RpcFailure.failed("error: " + name + ": internal error").toXml());
    }
    if (cut != null) {
      device.powerLoss();
      return Reply.dropped();
    }
    return reply;
  }

  /** A session ended (closed, dropped, killed): the device releases what it held for it. */
  synchronized void sessionEnded(int sessionId) {
    device.config.sessionEnded(sessionId);
  }

  /** The model's message without the operation prefix ("install-image on member 1: ..."), as Junos words it. */
  static String deviceMessage(PhcDeviceException e) {
    String m = e.getMessage();
    String prefix = e.operation() + (e.memberId() == null ? "" : " on member " + e.memberId()) + ": ";
    String rest = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    return rest.startsWith("error: ") || rest.startsWith("ERROR: ") ? rest : "error: " + rest;
  }

  /** For diagnostics: the handler table size per family is not tracked; this lists names. */
  @Override
  public String toString() {
    return "JunosRpcHandler" + new TreeMap<>(handlers).keySet();
  }
}
