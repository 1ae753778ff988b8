/**
 * Trust (RFC 8572 sections 3 and 5.3-5.4): CMS signatures, ownership vouchers (RFC 8366), trust anchors.
 * Internal: public only for phc's sibling modules.
 */
@NullMarked
package dev.phonehome.phc.core.internal.trust;

import org.jspecify.annotations.NullMarked;
