package dev.phonehome.phc.core.deps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * phc-core with its optional transports missing, in a class loader that sees only phc-core, phc-api and the
 * mandatory dependencies (Bouncy Castle, SLF4J, JSpecify) plus what each case adds: what a consumer of
 * {@code phc-client}, {@code phc-server} or {@code phc-core} alone gets at run time.
 */
@Timeout(60)
class OptionalDependenciesTest {
  private static final Predicate<String> OKHTTP = e -> e.contains("okhttp") || e.contains("okio") || e.contains("kotlin");
  private static final Predicate<String> JETTY = e -> e.contains("jetty");
  private static final Predicate<String> NETTY = e -> e.contains("netty");
  private static final Predicate<String> TEST_ONLY = e -> e.contains("moshi") || e.contains("servlet")
      || e.contains("mockito") || e.contains("byte-buddy") || e.contains("mockwebserver");

  @Test
  void clientWithoutOkHttpNamesPhcClient() throws Throwable {
    try (URLClassLoader cl = loader(OKHTTP.or(JETTY).or(NETTY))) {
      Class<?> client = Class.forName("dev.phonehome.phc.core.client.PhoneHomeClient", true, cl);
      assertThatThrownBy(() -> invoke(client.getMethod("builder"), null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("PhoneHomeClient needs OkHttp")
          .hasMessageContaining("depend on dev.phonehome:phc-client");
    }
  }

  @Test
  void clientBuildsWithoutJettyOrNetty() throws Throwable {
    try (URLClassLoader cl = loader(JETTY.or(NETTY))) {
      Class<?> client = Class.forName("dev.phonehome.phc.core.client.PhoneHomeClient", true, cl);
      Object builder = invoke(client.getMethod("builder"), null);
      assertThat(builder.getClass().getName()).isEqualTo("dev.phonehome.phc.core.client.PhoneHomeClient$Builder");
    }
  }

  @Test
  void serverWithoutJettyNamesPhcServerAndStillServesItsHandler() throws Throwable {
    try (URLClassLoader cl = loader(OKHTTP.or(JETTY).or(NETTY))) {
      Object server = buildServer(cl);
      assertThat(invoke(server.getClass().getMethod("handler"), server)).isNotNull();
      assertThatThrownBy(() -> invoke(server.getClass().getMethod("start"), server))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("PhoneHomeServer.start() needs Jetty")
          .hasMessageContaining("depend on dev.phonehome:phc-server");
    }
  }

  @Test
  void serverWithoutNettyOrOkHttpServesWithTheJdksTls() throws Throwable {
    try (URLClassLoader cl = loader(OKHTTP.or(NETTY))) {
      Object server = buildServer(cl);
      try {
        invoke(server.getClass().getMethod("start"), server);
        assertThat(invoke(server.getClass().getMethod("tlsImplementation"), server)).isEqualTo("JDK");
        assertThat((int) invoke(server.getClass().getMethod("port"), server)).isPositive();
      } finally {
        invoke(server.getClass().getMethod("close"), server);
      }
    }
  }

  @Test
  void serverWithNettyServesWithBoringSsl() throws Throwable {
    try (URLClassLoader cl = loader(OKHTTP)) {
      Object server = buildServer(cl);
      try {
        invoke(server.getClass().getMethod("start"), server);
        assertThat(invoke(server.getClass().getMethod("tlsImplementation"), server)).isEqualTo("BoringSSL");
      } finally {
        invoke(server.getClass().getMethod("close"), server);
      }
    }
  }

  private static Object buildServer(ClassLoader cl) throws Throwable {
    Class<?> server = Class.forName("dev.phonehome.phc.core.server.PhoneHomeServer", true, cl);
    Class<?> records = Class.forName("dev.phonehome.phc.api.server.ProvisioningRecords", true, cl);
    Object inMemory = Class.forName("dev.phonehome.phc.core.server.InMemoryProvisioningRecords", true, cl)
        .getConstructor().newInstance();
    Object builder = invoke(server.getMethod("builder"), null);
    invoke(builder.getClass().getMethod("records", records), builder, inMemory);
    invoke(builder.getClass().getMethod("bind", String.class, int.class), builder, "127.0.0.1", 0);
    return invoke(builder.getClass().getMethod("build"), builder);
  }

  private static Object invoke(Method m, Object target, Object... args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The test class path without the entries {@code hidden} matches (and without test-only libraries). */
  private static URLClassLoader loader(Predicate<String> hidden) throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(entry).getName();
      boolean ours = entry.replace('\\', '/').contains("/target/classes");
      if (entry.replace('\\', '/').contains("/target/test-classes")) {
        continue;
      }
      if (!ours && (hidden.test(name) || TEST_ONLY.test(name) || name.startsWith("junit") || name.startsWith("assertj")
          || name.startsWith("jqwik") || name.startsWith("opentest4j") || name.startsWith("apiguardian"))) {
        continue;
      }
      urls.add(new File(entry).toURI().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
  }
}
