/**
 * The wire codecs of both dialects (SPEC section 2). Internal: public only for phc's sibling modules
 * (phc-testkit, phc-junos, phc-cli); not a supported API.
 */
@NullMarked
package dev.phonehome.phc.core.internal.codec;

import org.jspecify.annotations.NullMarked;
