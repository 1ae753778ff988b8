/** The server engine's internals: routing, progress store, embedded HTTPS engine. Not a supported API. */
@NullMarked
package dev.phonehome.phc.core.internal.server;

import org.jspecify.annotations.NullMarked;
