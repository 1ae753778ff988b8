/** phc API: client. No I/O lives in this module. */
@NullMarked
package dev.phonehome.phc.api.client;

import org.jspecify.annotations.NullMarked;
