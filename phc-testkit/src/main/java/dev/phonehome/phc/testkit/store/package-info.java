/**
 * {@link dev.phonehome.phc.testkit.store.DeviceStoreCompatibilityKit}: the rules every
 * {@link dev.phonehome.phc.api.server.DeviceStore} keeps, as abstract JUnit 5 classes to extend for your own
 * store.
 */
@NullMarked
package dev.phonehome.phc.testkit.store;

import org.jspecify.annotations.NullMarked;
