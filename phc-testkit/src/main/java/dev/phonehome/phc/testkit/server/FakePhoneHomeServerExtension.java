package dev.phonehome.phc.testkit.server;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link FakePhoneHomeServer} for each test that asks for one as a parameter, and closes it after the
 * test.
 *
 * <pre>{@code
 * @ExtendWith(FakePhoneHomeServerExtension.class)
 * class MyClientTest {
 *   @Test
 *   void bootstraps(FakePhoneHomeServer phs) { ... }
 * }
 * }</pre>
 */
public final class FakePhoneHomeServerExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakePhoneHomeServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FakePhoneHomeServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent("server",
        k -> FakePhoneHomeServer.create().start(), FakePhoneHomeServer.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FakePhoneHomeServer server = context.getStore(NAMESPACE).remove("server", FakePhoneHomeServer.class);
    if (server != null) {
      server.close();
    }
  }
}
