package dev.phonehome.phc.core.internal.deps;

/**
 * phc-core declares its transports optional, so that a client-only consumer gets no server stack and the
 * reverse: {@code dev.phonehome:phc-client} brings OkHttp, {@code dev.phonehome:phc-server} brings Jetty, and
 * BoringSSL (netty-tcnative) is there only when the user adds it. These checks turn a missing one into a
 * message that names the artifact to add, before any class that needs it is touched.
 */
public final class OptionalDependencies {
  private OptionalDependencies() {}

  /** @throws IllegalStateException naming {@code phc-client} when OkHttp is not on the classpath */
  public static void requireOkHttp(String who) {
    if (!present("okhttp3.OkHttpClient") || !present("okio.Buffer") || !present("kotlin.Unit")) {
      throw new IllegalStateException(who + " needs OkHttp (com.squareup.okhttp3:okhttp-jvm, with Okio and the "
          + "Kotlin standard library), which is not on the classpath: depend on dev.phonehome:phc-client, which "
          + "brings phc-core and OkHttp, rather than on phc-core alone.");
    }
  }

  /** @throws IllegalStateException naming {@code phc-server} when Jetty is not on the classpath */
  public static void requireJetty(String who) {
    if (!present("org.eclipse.jetty.server.Server") || !present("org.eclipse.jetty.util.ssl.SslContextFactory")) {
      throw new IllegalStateException(who + " needs Jetty (org.eclipse.jetty:jetty-server), which is not on the "
          + "classpath: depend on dev.phonehome:phc-server, which brings phc-core and Jetty, rather than on "
          + "phc-core alone; or mount PhoneHomeServer.handler() in your own HTTP stack (PhoneHomeServlet for "
          + "Jakarta Servlet containers), which needs neither.");
    }
  }

  /** Whether Netty's OpenSSL engine classes are there (the natives may still fail to load). */
  public static boolean nettyTlsPresent() {
    return present("io.netty.handler.ssl.OpenSsl") && present("io.netty.internal.tcnative.SSL");
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, OptionalDependencies.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
