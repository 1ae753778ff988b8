import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * For the engine comparison only (not shipped): the same transport-neutral {@link PhoneHomeHandler} behind
 * Netty's HTTP/1.1 codec and SslHandler with BoringSSL, one event loop per core, the handler on the event loop
 * (as the Jetty engine runs it on its selector thread). What the measurement needs and no more: no idle timeout,
 * no concurrency limit besides the handler's own, no graceful close.
 */
final class NettyBenchServer implements AutoCloseable {
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers =
      new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
  private final Channel channel;

  NettyBenchServer(PhoneHomeHandler handler, KeyManagerFactory keys, int maxBody) throws Exception {
    SslContext ssl = SslContextBuilder.forServer(keys).sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3").build();
    channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(maxBody),
                new Adapter(handler));
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close();
    boss.shutdownGracefully();
    workers.shutdownGracefully();
  }

  private static final class Adapter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private final PhoneHomeHandler handler;
    private long dateSecond = -1;
    private String date = "";

    Adapter(PhoneHomeHandler handler) {
      this.handler = handler;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String uri = req.uri();
      int q = uri.indexOf('?');
      ServerRequest.Builder b = ServerRequest.builder(req.method().name(), q < 0 ? uri : uri.substring(0, q));
      for (Map.Entry<String, String> h : req.headers()) {
        b.addHeader(h.getKey(), h.getValue());
      }
      b.body(new ByteBufInputStream(req.content()), req.content().readableBytes());
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      try {
        b.peerCertificates(java.util.Arrays.stream(ssl.engine().getSession().getPeerCertificates())
            .map(c -> (X509Certificate) c).toList());
      } catch (SSLPeerUnverifiedException none) {
        // no client certificate
      }
      b.remoteAddress(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress());
      ServerResponse r = handler.handle(b.build());
      FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
          r.bodyLength() == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.bodyBuffer()));
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        resp.headers().set(h.getKey(), h.getValue());
      }
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.bodyLength());
      resp.headers().set(HttpHeaderNames.DATE, date());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (!keepAlive) {
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(resp);
      }
    }

    private String date() {
      long now = System.currentTimeMillis() / 1000;
      if (now != dateSecond) {
        dateSecond = now;
        date = HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
      }
      return date;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
