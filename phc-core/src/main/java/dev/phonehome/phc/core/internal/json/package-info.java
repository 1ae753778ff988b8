/**
 * A small streaming JSON reader and writer (RFC 8259, strict), so that phc's codecs need no JSON library and
 * neither side drags one (or Kotlin) onto a consumer's classpath. Internal: not API.
 */
@NullMarked
package dev.phonehome.phc.core.internal.json;

import org.jspecify.annotations.NullMarked;
