package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.core.internal.deps.OptionalDependencies;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * TLS by BoringSSL (netty-tcnative) under Jetty: Netty's OpenSSL {@link SSLEngine} handed to Jetty's
 * SslConnection. The JDK's TLS costs several milliseconds of CPU per full handshake on EC P-256 (pure Java
 * elliptic-curve arithmetic); BoringSSL does one in a fraction of that, which is what a fleet of devices
 * opening new connections needs. Used when the server's key material is given as a {@link KeyManagerFactory}
 * and the native library loads; otherwise the JDK's TLS serves.
 */
final class OpenSslTls {
  private OpenSslTls() {}

  /** Whether BoringSSL loaded on this platform. */
  static boolean available() {
    if (!OptionalDependencies.nettyTlsPresent()) {
      return false;
    }
    try {
      return OpenSsl.isAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  /** A Jetty SslContextFactory whose engines are BoringSSL engines. */
  static SslContextFactory.Server factory(KeyManagerFactory keys, @Nullable TrustManagerFactory trust,
      JettyEngine.ClientAuth clientAuth, javax.net.ssl.SSLContext jdkContext) {
    SslContext ctx;
    try {
      SslContextBuilder b = SslContextBuilder.forServer(keys)
          .sslProvider(SslProvider.OPENSSL)
          .protocols("TLSv1.3", "TLSv1.2")
          .clientAuth(switch (clientAuth) {
            case NONE -> ClientAuth.NONE;
            case WANT -> ClientAuth.OPTIONAL;
            case NEED -> ClientAuth.REQUIRE;
          });
      if (trust != null) {
        b.trustManager(trust);
      }
      ctx = b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the BoringSSL server context: " + e.getMessage(), e);
    }
    SslContextFactory.Server factory = new SslContextFactory.Server() {
      @Override
      public SSLEngine newSSLEngine() {
        return ctx.newEngine(PooledByteBufAllocator.DEFAULT);
      }

      @Override
      public SSLEngine newSSLEngine(String host, int port) {
        return ctx.newEngine(PooledByteBufAllocator.DEFAULT, host, port);
      }

      @Override
      public void customize(SSLEngine engine) {
        // Protocols, ciphers and client authentication come from the BoringSSL context; Jetty's JDK-derived
        // lists do not apply to it.
        engine.setUseClientMode(false);
      }
    };
    // Jetty still builds its own state from a JDK context at start; the engines come from BoringSSL.
    factory.setSslContext(jdkContext);
    factory.setSniRequired(false);
    return factory;
  }
}
