package dev.phonehome.phc.testkit.junos;

/**
 * What a handler may know about the NETCONF session an RPC came on.
 *
 * @param id the session id from the hello
 * @param memberId the member the session runs on: the primary when it opened
 * @param user the authenticated user
 */
record SimSession(int id, int memberId, String user) {}
