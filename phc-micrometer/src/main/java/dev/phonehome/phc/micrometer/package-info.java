/**
 * Optional Micrometer metrics for phc: {@link dev.phonehome.phc.micrometer.PhcClientMetrics} (a
 * {@code PhoneHomeEventListener}) and {@link dev.phonehome.phc.micrometer.PhcServerMetrics} (a
 * {@code ServerEventListener} and {@code ProgressListener}). Depend on {@code dev.phonehome:phc-micrometer} to
 * use them; nothing else of phc brings Micrometer.
 */
@NullMarked
package dev.phonehome.phc.micrometer;

import org.jspecify.annotations.NullMarked;
