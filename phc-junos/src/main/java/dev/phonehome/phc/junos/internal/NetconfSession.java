package dev.phonehome.phc.junos.internal;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.junos.internal.NetconfFraming.Mode;
import java.io.IOException;
import java.io.OutputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * One NETCONF session over the SSH subsystem {@code netconf}: hello exchange, framing (chunked when both
 * sides say base:1.1), message ids, one RPC at a time with a per-RPC timeout. Once the transport closes, the
 * session is dead; the owner opens a new one.
 */
public final class NetconfSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetconfSession.class);

  /** The NETCONF base namespace. */
  public static final String NETCONF_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";
  public static final String BASE_1_0 = "urn:ietf:params:netconf:base:1.0";
  public static final String BASE_1_1 = "urn:ietf:params:netconf:base:1.1";

  /** Where to connect and how to authenticate. */
  public record Target(
      String host, int port, String username, @Nullable String password, @Nullable KeyPair keyPair,
      Duration connectTimeout, int maxMessageBytes, boolean offerBase11) {}

  private static final Object CLOSED = new Object();

  private final ClientSession ssh;
  private final ChannelSubsystem channel;
  private final OutputStream toDevice;
  private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
  private final NetconfFraming.Decoder decoder;
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Mode mode = Mode.END_OF_MESSAGE;
  private volatile @Nullable String closeReason;
  private List<String> serverCapabilities = List.of();
  private @Nullable String sessionId;

  private NetconfSession(ClientSession ssh, ChannelSubsystem channel, int maxMessageBytes) throws IOException {
    this.ssh = ssh;
    this.channel = channel;
    this.decoder = new NetconfFraming.Decoder(Mode.END_OF_MESSAGE, maxMessageBytes);
    channel.setOut(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        deliver(b, off, len);
      }
    });
    channel.setErr(OutputStream.nullOutputStream());
    channel.addChannelListener(new ChannelListener() {
      @Override
      public void channelClosed(Channel c, Throwable reason) {
        markClosed(reason == null ? "the device closed the NETCONF channel" : "channel closed: " + reason);
      }
    });
    ssh.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
      @Override
      public void sessionClosed(org.apache.sshd.common.session.Session s) {
        markClosed("the SSH session closed");
      }
    });
    channel.open().verify(Duration.ofSeconds(30));
    this.toDevice = channel.getInvertedIn();
  }

  private void deliver(byte[] b, int off, int len) {
    try {
      synchronized (decoder) {
        for (String m : decoder.feed(b, off, len)) {
          inbound.add(m);
        }
      }
    } catch (NetconfFraming.FramingException e) {
      markClosed("framing error from the device: " + e.getMessage());
      channel.close(true);
    }
  }

  private void markClosed(String reason) {
    if (closed.compareAndSet(false, true)) {
      closeReason = reason;
      inbound.add(CLOSED);
    }
  }

  /**
   * Connects, authenticates, opens the {@code netconf} subsystem and exchanges hellos.
   *
   * @throws PhcDeviceException with {@code sessionLost} true when the device cannot be reached or drops the
   *     session during the hello (a reboot, no primary yet)
   */
  public static NetconfSession open(SshClient client, Target target) {
    ClientSession ssh = null;
    try {
      ssh = client.connect(target.username(), target.host(), target.port())
          .verify(target.connectTimeout()).getClientSession();
      if (target.password() != null) {
        ssh.addPasswordIdentity(target.password());
      }
      if (target.keyPair() != null) {
        ssh.addPublicKeyIdentity(target.keyPair());
      }
      try {
        ssh.auth().verify(target.connectTimeout());
      } catch (IOException | RuntimeException e) {
        if (timedOut(e)) {
          // No answer in time (a device busy booting, a loaded host): not a refusal, so worth trying again.
          throw new PhcDeviceException("connect", null, "SSH authentication with " + target.host() + ":"
              + target.port() + " got no answer within " + target.connectTimeout() + ": " + e.getMessage(), true, e);
        }
        // a rejected host key or rejected credentials: retrying will not help
        throw new PhcDeviceException("connect", null, "SSH authentication with " + target.host() + ":" + target.port()
            + " failed (host key not accepted or credentials refused): " + e.getMessage(), false, e);
      }
      ChannelSubsystem channel = ssh.createSubsystemChannel("netconf");
      NetconfSession s = new NetconfSession(ssh, channel, target.maxMessageBytes());
      s.hello(target.offerBase11(), target.connectTimeout());
      return s;
    } catch (IOException | RuntimeException e) {
      if (ssh != null) {
        ssh.close(true);
      }
      if (e instanceof PhcDeviceException pde) {
        throw pde;
      }
      throw new PhcDeviceException("connect", null,
          "cannot open a NETCONF session to " + target.host() + ":" + target.port() + ": " + e.getMessage(),
          true, e);
    }
  }

  /** Whether {@code e} (or a cause) is a timeout rather than an answer. */
  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
          || t instanceof java.nio.channels.InterruptedByTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private void hello(boolean offerBase11, Duration timeout) throws IOException {
    StringBuilder hello = new StringBuilder()
        .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<hello xmlns=\"").append(NETCONF_NS).append("\"><capabilities>")
        .append("<capability>").append(BASE_1_0).append("</capability>");
    if (offerBase11) {
      hello.append("<capability>").append(BASE_1_1).append("</capability>");
    }
    hello.append("</capabilities></hello>");
    send(hello.toString(), Mode.END_OF_MESSAGE);
    String reply = await("hello", timeout);
    Element root;
    try {
      root = JunosXml.parse(reply);
    } catch (SAXException e) {
      throw new PhcDeviceException("hello", null, "the device's hello is not XML: " + e.getMessage());
    }
    if (!JunosXml.localName(root).equals("hello")) {
      throw new PhcDeviceException("hello", null, "expected <hello> from the device, got <" + JunosXml.localName(root) + ">");
    }
    List<String> caps = new ArrayList<>();
    JunosXml.child(root, "capabilities").ifPresent(c -> {
      for (Element cap : JunosXml.children(c, "capability")) {
        caps.add(JunosXml.text(cap));
      }
    });
    serverCapabilities = List.copyOf(caps);
    sessionId = JunosXml.childText(root, "session-id");
    if (!caps.contains(BASE_1_0) && !caps.contains(BASE_1_1)) {
      throw new PhcDeviceException("hello", null, "the device advertises neither base:1.0 nor base:1.1: " + caps);
    }
    if (offerBase11 && caps.contains(BASE_1_1)) {
      synchronized (decoder) {
        decoder.switchTo(Mode.CHUNKED);
      }
      mode = Mode.CHUNKED;
    }
    log.debug("NETCONF session {} open, framing {}, capabilities {}", sessionId, mode, caps);
  }

  /** The framing in use after the hello exchange. */
  public Mode framing() {
    return mode;
  }

  public List<String> serverCapabilities() {
    return serverCapabilities;
  }

  public @Nullable String sessionId() {
    return sessionId;
  }

  /** The SSH session this NETCONF session runs on. */
  public ClientSession ssh() {
    return ssh;
  }

  public boolean isOpen() {
    return !closed.get() && ssh.isOpen();
  }

  /**
   * Sends {@code <rpc>} with the given body and waits for its reply.
   *
   * @param operation named in errors, for example {@code install-image}
   * @throws PhcDeviceException with {@code sessionLost} when the session drops before the reply, or on timeout
   *     (the session is then closed, as a late reply could not be told apart)
   */
  public synchronized RpcReply rpc(String operation, @Nullable Integer memberId, String body, Duration timeout) {
    if (!isOpen()) {
      throw new PhcDeviceException(operation, memberId, "NETCONF session is closed: " + closeReason, true, null);
    }
    String id = Long.toString(nextId.getAndIncrement());
    String rpc = envelope(id, body);
    try {
      send(rpc, mode);
    } catch (IOException e) {
      markClosed("write failed: " + e.getMessage());
      throw new PhcDeviceException(operation, memberId, "sending the RPC failed: " + e.getMessage(), true, e);
    }
    String text = await(operation, memberId, timeout);
    RpcReply reply;
    try {
      reply = RpcReply.parse(text);
    } catch (SAXException e) {
      throw new PhcDeviceException(operation, memberId, "the reply is not a valid rpc-reply: " + e.getMessage());
    }
    if (reply.messageId() != null && !reply.messageId().equals(id)) {
      close();
      throw new PhcDeviceException(operation, memberId,
          "reply message-id " + reply.messageId() + " does not match request message-id " + id, true, null);
    }
    for (RpcReply.Problem w : reply.warnings()) {
      log.warn("{}{}: device warning: {}", operation, memberId == null ? "" : " on member " + memberId, w);
    }
    return reply;
  }

  /**
   * The {@code <rpc>} element around an operation: the NETCONF namespace is bound to the prefix {@code nc}, so the
   * Junos operation inside stays unqualified, as ncclient and PyEZ send it; base NETCONF operations in
   * {@code body} are written {@code <nc:close-session/>} and so on.
   */
  public static String envelope(String messageId, String body) {
    return "<nc:rpc xmlns:nc=\"" + NETCONF_NS + "\" message-id=\"" + messageId + "\">" + body + "</nc:rpc>";
  }

  private void send(String message, Mode framing) throws IOException {
    toDevice.write(NetconfFraming.encode(message, framing));
    toDevice.flush();
  }

  private String await(String operation, Duration timeout) {
    return await(operation, null, timeout);
  }

  private String await(String operation, @Nullable Integer memberId, Duration timeout) {
    Object m;
    try {
      m = inbound.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new PhcDeviceException(operation, memberId, "interrupted while waiting for the reply", true, e);
    }
    if (m == null) {
      close();
      throw new PhcDeviceException(operation, memberId, "no reply within " + timeout + "; session closed", true, null);
    }
    if (m == CLOSED) {
      inbound.add(CLOSED);
      throw new PhcDeviceException(operation, memberId, "session lost: " + closeReason, true, null);
    }
    return (String) m;
  }

  /** Sends {@code close-session} politely when possible, then closes the transport. */
  public void closeGracefully(Duration timeout) {
    if (isOpen()) {
      try {
        rpc("close-session", null, "<nc:close-session/>", timeout);
      } catch (RuntimeException e) {
        log.debug("close-session failed: {}", e.getMessage());
      }
    }
    close();
  }

  @Override
  public void close() {
    markClosed("closed by phc");
    channel.close(true);
    ssh.close(true);
  }
}
