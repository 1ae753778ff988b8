package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.PhcProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.StreamReaderDelegate;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Hardened XML parsing for every XML phc reads (bootstrap data, notifications, NETCONF replies): no DOCTYPE at
 * all (which rules out external entities, external DTDs and entity expansion such as "billion laughs"), no
 * XInclude, secure processing on; plus a bounded {@link InputStream} that fails as soon as a body passes its
 * limit, so an oversize body is never buffered whole.
 *
 * <p>Errors: a bad document is a {@link PhcProtocolException}; a failure of the underlying stream (the peer went
 * away) is an {@link UncheckedIOException} so callers can treat it as a transport problem.
 *
 * <p>Thread-safe: the factory methods return new factories and builders; {@link #parse} and
 * {@link #newStreamReader} take a hardened parser from a small pool and put it back when done (building a JAXP
 * factory and parser costs far more than parsing a notification: it was half of a phone-home server's CPU
 * under a fleet's load).
 */
public final class SafeXml {
  private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";
  private static final String EXTERNAL_GENERAL = "http://xml.org/sax/features/external-general-entities";
  private static final String EXTERNAL_PARAMETER = "http://xml.org/sax/features/external-parameter-entities";
  private static final String LOAD_EXTERNAL_DTD = "http://apache.org/xml/features/nonvalidating/load-external-dtd";

  /** The deepest element nesting accepted (Junos replies and configurations stay far below). */
  public static final int MAX_ELEMENT_DEPTH = 500;

  private static final String MAX_DEPTH_PROPERTY = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";

  /** Idle parsers kept for reuse; more than this many are dropped (the pool only saves set-up work). */
  private static final int POOL = 32;
  private static final ConcurrentLinkedQueue<DocumentBuilder> BUILDERS = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger IDLE_BUILDERS = new AtomicInteger();
  private static final ConcurrentLinkedQueue<XMLInputFactory> INPUT_FACTORIES = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger IDLE_INPUT_FACTORIES = new AtomicInteger();

  private SafeXml() {}

  private static <T> T take(ConcurrentLinkedQueue<T> pool, AtomicInteger idle, Supplier<T> create) {
    T t = pool.poll();
    if (t == null) {
      return create.get();
    }
    idle.decrementAndGet();
    return t;
  }

  private static <T> void give(ConcurrentLinkedQueue<T> pool, AtomicInteger idle, T t) {
    if (idle.incrementAndGet() <= POOL) {
      pool.offer(t);
    } else {
      idle.decrementAndGet();
    }
  }

  /**
   * A namespace-aware {@link DocumentBuilderFactory} that rejects any DOCTYPE, resolves no external entity or
   * DTD, does no XInclude and has secure processing on.
   */
  public static DocumentBuilderFactory documentBuilderFactory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature(DISALLOW_DOCTYPE, true);
      f.setFeature(EXTERNAL_GENERAL, false);
      f.setFeature(EXTERNAL_PARAMETER, false);
      f.setFeature(LOAD_EXTERNAL_DTD, false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be hardened", e);
    }
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    try {
      f.setAttribute(MAX_DEPTH_PROPERTY, Integer.toString(MAX_ELEMENT_DEPTH));
    } catch (IllegalArgumentException ignored) {
      // not the JDK's parser; the stream limits still bound the document
    }
    f.setNamespaceAware(true);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setValidating(false);
    return f;
  }

  /** A {@link DocumentBuilder} from {@link #documentBuilderFactory()} that throws on errors instead of printing. */
  public static DocumentBuilder newDocumentBuilder() {
    try {
      return harden(documentBuilderFactory().newDocumentBuilder());
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the XML parser cannot be hardened", e);
    }
  }

  /** The error handler and entity resolver of a hardened builder (set again after every {@code reset()}). */
  private static DocumentBuilder harden(DocumentBuilder b) {
    b.setErrorHandler(STRICT_ERRORS);
    b.setEntityResolver((publicId, systemId) -> {
      throw new SAXParseException("external entity refused: " + systemId, null);
    });
    return b;
  }

  /**
   * A namespace-aware StAX {@link XMLInputFactory} without DTD support or external entities. Prefer
   * {@link #newStreamReader(InputStream)}, which additionally rejects a DOCTYPE outright.
   */
  public static XMLInputFactory inputFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
      throw new XMLStreamException("external entity refused: " + systemId);
    });
    try {
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setProperty(MAX_DEPTH_PROPERTY, Integer.toString(MAX_ELEMENT_DEPTH));
    } catch (IllegalArgumentException ignored) {
      // not every StAX implementation knows JAXP 1.5 properties; SUPPORT_DTD=false already covers it
    }
    return f;
  }

  /**
   * A StAX reader over {@code in} that throws {@link PhcProtocolException} when the document has a DOCTYPE
   * (no DTD, internal or external, is ever accepted on the wire).
   */
  public static XMLStreamReader newStreamReader(InputStream in) {
    try {
      InputStream marked = in instanceof BoundedInputStream ? in : bounded(in, Long.MAX_VALUE);
      // The reader does not use its factory once created: the factory goes back to the pool at once.
      XMLInputFactory factory = take(INPUT_FACTORIES, IDLE_INPUT_FACTORIES, SafeXml::inputFactory);
      XMLStreamReader r;
      try {
        r = factory.createXMLStreamReader(marked);
      } finally {
        give(INPUT_FACTORIES, IDLE_INPUT_FACTORIES, factory);
      }
      return new StreamReaderDelegate(r) {
        @Override
        public int next() throws XMLStreamException {
          int e = super.next();
          if (e == XMLStreamConstants.DTD) {
            throw new PhcProtocolException("DOCTYPE is not allowed in XML from a peer");
          }
          if (e == XMLStreamConstants.ENTITY_REFERENCE) {
            throw new PhcProtocolException("undefined entity reference &" + getLocalName() + ";");
          }
          return e;
        }
      };
    } catch (XMLStreamException e) {
      throw malformed(e);
    }
  }

  /**
   * Parses a whole document into DOM, reading at most {@code maxBytes}.
   *
   * @throws PhcProtocolException when the XML is malformed, has a DOCTYPE, or exceeds {@code maxBytes}
   */
  public static Document parse(InputStream in, long maxBytes) {
    DocumentBuilder builder = take(BUILDERS, IDLE_BUILDERS, SafeXml::newDocumentBuilder);
    boolean reusable = false;
    try {
      Document d = builder.parse(bounded(in, maxBytes));
      reusable = true;
      return d;
    } catch (Exception e) {
      PhcProtocolException p = protocolCause(e);
      if (p != null) {
        throw p;
      }
      IOException io = ioCause(e);
      if (io != null) {
        throw new UncheckedIOException("reading the body failed: " + io.getMessage(), io);
      }
      if (e instanceof SAXParseException s) {
        throw new PhcProtocolException("malformed XML (line " + s.getLineNumber() + ", column " + s.getColumnNumber()
            + "): " + s.getMessage(), null, -1, e);
      }
      throw new PhcProtocolException("malformed XML: " + e.getMessage(), null, -1, e);
    } finally {
      // A builder is reused only after a clean parse: a failure may leave it mid-document.
      if (reusable) {
        builder.reset();
        give(BUILDERS, IDLE_BUILDERS, harden(builder));
      }
    }
  }

  /**
   * Wraps {@code in} so that reading byte number {@code maxBytes + 1} throws
   * {@code PhcProtocolException("body exceeds N bytes")}. Nothing is buffered.
   */
  public static BoundedInputStream bounded(InputStream in, long maxBytes) {
    return new BoundedInputStream(in, maxBytes);
  }

  /**
   * Reads all of {@code in}, failing as soon as it passes {@code maxBytes} (the partial body is dropped).
   *
   * @throws PhcProtocolException when the body exceeds {@code maxBytes}
   * @throws UncheckedIOException when reading fails
   */
  public static byte[] readBounded(InputStream in, long maxBytes) {
    try (BoundedInputStream b = bounded(in, maxBytes)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      b.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Finds a {@link PhcProtocolException} in a cause chain (parsers wrap what a stream throws). */
  static @org.jspecify.annotations.Nullable PhcProtocolException protocolCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PhcProtocolException p) {
        return p;
      }
      if (c instanceof XMLStreamException x && x.getNestedException() instanceof PhcProtocolException p) {
        return p;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /**
   * The failure of the underlying stream in a cause chain (a transport problem, not a bad document). Only what the
   * stream itself threw counts, as marked by {@link BoundedInputStream}; a parser's own IOExceptions (bytes invalid
   * in the declared encoding, an unknown encoding name) are bad documents.
   */
  static @org.jspecify.annotations.Nullable IOException ioCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StreamFailure f) {
        return (IOException) f.getCause();
      }
      if (c instanceof XMLStreamException x && x.getNestedException() instanceof StreamFailure f) {
        return (IOException) f.getCause();
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** Marks an IOException thrown by the stream under a {@link BoundedInputStream}. */
  static final class StreamFailure extends IOException {
    StreamFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  static PhcProtocolException malformed(Exception e) {
    PhcProtocolException p = protocolCause(e);
    if (p != null) {
      return p;
    }
    IOException io = ioCause(e);
    if (io != null) {
      throw new UncheckedIOException("reading the body failed: " + io.getMessage(), io);
    }
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof XMLStreamException x && x.getLocation() != null) {
      msg = msg.replaceFirst("^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", "");
      return new PhcProtocolException("malformed XML (line " + x.getLocation().getLineNumber() + ", column "
          + x.getLocation().getColumnNumber() + "): " + msg, null, -1, e);
    }
    return new PhcProtocolException("malformed XML: " + msg, null, -1, e);
  }

  private static final ErrorHandler STRICT_ERRORS = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXParseException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXParseException {
      throw e;
    }
  };

  /**
   * An {@link InputStream} that counts what passes through it and throws {@link PhcProtocolException} the moment
   * the count passes its limit. {@link #count()} lets a codec measure a part of the document.
   */
  public static final class BoundedInputStream extends FilterInputStream {
    private final long maxBytes;
    private long count;

    BoundedInputStream(InputStream in, long maxBytes) {
      super(in);
      if (maxBytes < 0) {
        throw new IllegalArgumentException("maxBytes < 0");
      }
      this.maxBytes = maxBytes;
    }

    /** Bytes read so far. */
    public long count() {
      return count;
    }

    public long maxBytes() {
      return maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b;
      try {
        b = super.read();
      } catch (IOException e) {
        throw mark(e);
      }
      if (b >= 0) {
        advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      // Never ask for more than one byte past the limit: the overflow is detected without over-reading.
      long room = maxBytes - count;
      int n;
      try {
        n = super.read(b, off, room >= len ? len : (int) room + 1);
      } catch (IOException e) {
        throw mark(e);
      }
      if (n > 0) {
        advance(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s;
      try {
        long room = maxBytes - count;
        s = super.skip(n <= room ? n : room + 1);
      } catch (IOException e) {
        throw mark(e);
      }
      if (s > 0) {
        advance(s);
      }
      return s;
    }

    private static IOException mark(IOException e) {
      return e instanceof StreamFailure ? e : new StreamFailure(e);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void advance(long n) {
      count += n;
      if (count > maxBytes) {
        throw new PhcProtocolException("body exceeds " + maxBytes + " bytes");
      }
    }
  }
}
