/** phc API: model. No I/O lives in this module. */
@NullMarked
package dev.phonehome.phc.api.model;

import org.jspecify.annotations.NullMarked;
