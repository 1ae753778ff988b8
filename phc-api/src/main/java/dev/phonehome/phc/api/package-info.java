/** phc API. No I/O lives in this module. */
@NullMarked
package dev.phonehome.phc.api;

import org.jspecify.annotations.NullMarked;
