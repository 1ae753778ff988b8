/**
 * {@link dev.phonehome.phc.testkit.server.FakePhoneHomeServer}: a scriptable phone-home server for tests of
 * phone-home clients, shaped like OkHttp's MockWebServer.
 */
@NullMarked
package dev.phonehome.phc.testkit.server;

import org.jspecify.annotations.NullMarked;
