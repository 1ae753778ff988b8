/** Internals of phc-junos: NETCONF framing, session, XML parsing of Junos replies. Not a supported API. */
@NullMarked
package dev.phonehome.phc.junos.internal;

import org.jspecify.annotations.NullMarked;
