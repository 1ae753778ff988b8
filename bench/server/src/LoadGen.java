import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small HTTPS load generator for the server benchmark: N threads, each sending GET requests for a bounded
 * time, either over one kept-alive connection per thread or over a new TLS connection (full handshake, no
 * session resumption) per request. Loopback only. Prints one line: requests/s, p50 and p99 latency.
 *
 * usage: LoadGen host port path serial certPem mode(keepalive|newconn) threads seconds warmupSeconds
 */
public final class LoadGen {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      throw new IllegalArgumentException("loopback only");
    }
    int port = Integer.parseInt(args[1]);
    String path = args[2];
    String serial = args[3];
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.FileInputStream(args[4]));
    boolean keepAlive = args[5].equals("keepalive");
    int threads = Integer.parseInt(args[6]);
    long seconds = Long.parseLong(args[7]);
    long warmup = Long.parseLong(args[8]);

    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("server", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocketFactory sf = ctx.getSocketFactory();
    String auth = Base64.getEncoder().encodeToString((serial + ":").getBytes(StandardCharsets.UTF_8));
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAccept: application/yang-data+xml\r\n"
        + "Authorization: Basic " + auth + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);

    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<long[]> perThread = new ArrayList<>();
    List<Thread> ts2 = new ArrayList<>();
    int[] counts = new int[threads];
    for (int t = 0; t < threads; t++) {
      long[] lat = new long[4_000_000 / threads + 1000];
      perThread.add(lat);
      final int idx = t;
      Thread th = new Thread(() -> {
        int n = 0;
        SSLSocket s = null;
        InputStream in = null;
        OutputStream out = null;
        while (true) {
          long t0 = System.nanoTime();
          if (t0 >= end) {
            break;
          }
          try {
            if (s == null) {
              s = open(sf, host, port);
              in = new BufferedInputStream(s.getInputStream(), 16384);
              out = s.getOutputStream();
            }
            out.write(request);
            out.flush();
            int status = readResponse(in);
            if (status != 200) {
              errors.incrementAndGet();
            }
            if (!keepAlive) {
              s.getSession().invalidate(); // no resumption: every connection is a full handshake
              s.close();
              s = null;
            }
            long t1 = System.nanoTime();
            if (t0 >= measureFrom && n < lat.length) {
              lat[n++] = t1 - t0;
            }
          } catch (IOException e) {
            errors.incrementAndGet();
            if (s != null) {
              try {
                s.close();
              } catch (IOException ignored) {
                // closing a broken socket
              }
            }
            s = null;
          }
        }
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // done
          }
        }
        counts[idx] = n;
      });
      ts2.add(th);
      th.start();
    }
    for (Thread th : ts2) {
      th.join();
    }
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int k = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(perThread.get(t), 0, all, k, counts[t]);
      k += counts[t];
    }
    Arrays.sort(all);
    double rps = total / (double) seconds;
    double p50 = all.length == 0 ? 0 : all[(int) (all.length * 0.50)] / 1e6;
    double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
    System.out.printf("rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d%n", rps, p50, p99, total, errors.get());
  }

  private static SSLSocket open(SSLSocketFactory sf, String host, int port) throws IOException {
    SSLSocket s = (SSLSocket) sf.createSocket(host, port);
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.setEnabledCipherSuites(new String[] {"TLS_AES_256_GCM_SHA384"});
    s.startHandshake();
    return s;
  }

  /** Reads one response (status line, headers, Content-Length body); returns the status. */
  private static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.substring(9, 12));
    int length = 0;
    while (true) {
      String h = line(in);
      if (h.isEmpty()) {
        break;
      }
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(h.substring(colon + 1).strip());
      }
    }
    long skipped = in.readNBytes(length).length;
    if (skipped != length) {
      throw new IOException("short body");
    }
    return status;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("connection closed");
  }
}
