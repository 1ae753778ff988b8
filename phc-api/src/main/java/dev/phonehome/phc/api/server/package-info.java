/** phc API: server. No I/O lives in this module. */
@NullMarked
package dev.phonehome.phc.api.server;

import org.jspecify.annotations.NullMarked;
