/**
 * Internals of the trust layer: CMS, certification paths, TLS trust anchors, device identity. Not API:
 * public only for phc's own packages; the API is {@link dev.phonehome.phc.core.trust}.
 */
@NullMarked
package dev.phonehome.phc.core.internal.trust;


import org.jspecify.annotations.NullMarked;
