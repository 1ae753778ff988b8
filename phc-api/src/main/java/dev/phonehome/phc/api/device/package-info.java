/** phc API: device. No I/O lives in this module. */
@NullMarked
package dev.phonehome.phc.api.device;

import org.jspecify.annotations.NullMarked;
