/** TLS material from files: {@link dev.phonehome.phc.core.tls.TlsFiles}. */
@NullMarked
package dev.phonehome.phc.core.tls;

import org.jspecify.annotations.NullMarked;
