/**
 * The phone-home server (SPEC sections 2, 3, 5, 6): {@link dev.phonehome.phc.core.server.PhoneHomeServer} with
 * an embedded HTTPS engine, the transport-neutral {@link dev.phonehome.phc.core.server.PhoneHomeHandler} for
 * vendors who mount it in their own HTTP stack, provisioning record stores and the progress query API.
 */
@NullMarked
package dev.phonehome.phc.core.server;

import org.jspecify.annotations.NullMarked;
