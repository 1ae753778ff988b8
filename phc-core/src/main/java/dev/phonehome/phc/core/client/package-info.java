/**
 * The phone-home client: {@link dev.phonehome.phc.core.client.PhoneHomeClient} drives a device or Virtual
 * Chassis through the whole process of SPEC section 4.
 */
@NullMarked
package dev.phonehome.phc.core.client;

import org.jspecify.annotations.NullMarked;
