/** Checks for phc-core's optional dependencies. Internal: not API. */
@NullMarked
package dev.phonehome.phc.core.internal.deps;

import org.jspecify.annotations.NullMarked;
