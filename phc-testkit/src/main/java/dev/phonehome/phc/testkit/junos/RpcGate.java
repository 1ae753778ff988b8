package dev.phonehome.phc.testkit.junos;

/**
 * Sees every RPC a {@link SimulatedJunosDevice} receives twice: as it arrives (before it does anything) and once it
 * took effect (before the reply goes out). Returning false ends the connection right there, without a reply: at
 * arrival the RPC does nothing; after the effect the client never hears that it happened. This is how a test
 * models the client process dying at an RPC boundary (the device only ever sees its connection go away), or a
 * client that is already dead whose late RPCs must do nothing. Called on the session's thread, one RPC at a time
 * per session; must not block.
 */
@FunctionalInterface
public interface RpcGate {
  /** The gate that lets everything through. */
  RpcGate OPEN = (rpc, tookEffect) -> true;

  /**
   * @param rpc the RPC as recorded ({@link RecordedRpc#user()} tells which client sent it)
   * @param tookEffect false as it arrives, true once it took effect
   * @return true to go on; false to end the connection here without a reply
   */
  boolean pass(RecordedRpc rpc, boolean tookEffect);
}
