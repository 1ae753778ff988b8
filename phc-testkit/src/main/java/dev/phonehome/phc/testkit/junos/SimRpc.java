package dev.phonehome.phc.testkit.junos;

/**
 * The handler of one Junos or NETCONF RPC in the simulator. Handlers are registered by name with
 * {@link JunosRpcHandler#register}; each family lives in its own class ({@code FileRpcs}, {@code ConfigRpcs},
 * ...) so that adding an RPC touches one small file. A handler answers with a {@link Reply} or throws
 * {@link RpcFailure} for a Junos-shaped {@code <rpc-error>}. Calls are serialized per device.
 */
@FunctionalInterface
interface SimRpc {
  Reply handle(RpcCall call);
}
