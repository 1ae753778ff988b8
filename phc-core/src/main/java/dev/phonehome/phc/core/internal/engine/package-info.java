/** The client engine: the phone-home process of SPEC section 4 as a resumable state machine. Internal. */
@NullMarked
package dev.phonehome.phc.core.internal.engine;

import org.jspecify.annotations.NullMarked;
