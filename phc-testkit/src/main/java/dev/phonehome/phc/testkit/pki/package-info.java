/**
 * An in-memory test PKI ({@link dev.phonehome.phc.testkit.pki.TestPki}): manufacturer CA and MASA, device
 * certificates with serial numbers, owner CA and certificate, TLS certificates for localhost, ownership
 * vouchers good and broken, and the JSSE objects to hand them to clients and servers.
 */
@NullMarked
package dev.phonehome.phc.testkit.pki;

import org.jspecify.annotations.NullMarked;
