package dev.phonehome.phc.junos.internal;

import dev.phonehome.phc.api.PhcDeviceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * A parsed {@code <rpc-reply>}: its root element, the errors (severity error) and the warnings it carries.
 * Errors and warnings are collected from every {@code rpc-error} in the reply (also those nested in
 * {@code load-configuration-results}) and from Junos {@code xnm:error}/{@code xnm:warning} elements.
 */
public final class RpcReply {
  private static final String XNM_NS_PREFIX = "http://xml.juniper.net/xnm/";

  /**
   * One {@code rpc-error} or {@code xnm:warning}/{@code xnm:error}.
   *
   * @param severity {@code error} or {@code warning}
   * @param message the error-message (or the error-tag when there is none)
   * @param badElement {@code error-info/bad-element}, or null
   * @param tag the {@code error-tag} (RFC 6241 section 4.3: {@code operation-failed}, {@code lock-denied},
   *     {@code data-missing}, ...), or null when the device sent none (Junos' {@code xnm:error})
   * @param type the {@code error-type} ({@code protocol}, {@code application}, ...), or null
   * @param path the {@code error-path} (Junos: the {@code [edit ...]} hierarchy), or null
   */
  public record Problem(String severity, String message, @Nullable String badElement, @Nullable String tag,
      @Nullable String type, @Nullable String path) {
    /** A problem without tag, type or path. */
    public Problem(String severity, String message, @Nullable String badElement) {
      this(severity, message, badElement, null, null, null);
    }

    @Override
    public String toString() {
      return badElement == null ? message : message + " (at " + badElement + ")";
    }
  }

  private final Element root;
  private final @Nullable String messageId;
  private final List<Problem> errors;
  private final List<Problem> warnings;

  private RpcReply(Element root, @Nullable String messageId, List<Problem> errors, List<Problem> warnings) {
    this.root = root;
    this.messageId = messageId;
    this.errors = List.copyOf(errors);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Parses a reply document.
   *
   * @throws SAXException when it is not XML or is not an {@code rpc-reply}
   */
  public static RpcReply parse(String xml) throws SAXException {
    Element root = JunosXml.parse(xml);
    if (!JunosXml.localName(root).equals("rpc-reply")) {
      throw new SAXException("expected <rpc-reply>, got <" + JunosXml.localName(root) + ">");
    }
    String id = root.hasAttribute("message-id") ? root.getAttribute("message-id") : null;
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    for (Element e : JunosXml.descendants(root, "rpc-error")) {
      String severity = JunosXml.childText(e, "error-severity");
      String sev = severity == null ? "error" : severity.toLowerCase(Locale.ROOT);
      String message = JunosXml.childText(e, "error-message");
      if (message == null) {
        String tag = JunosXml.childText(e, "error-tag");
        message = tag == null ? "(no error-message)" : tag;
      }
      String bad = JunosXml.child(e, "error-info").map(info -> JunosXml.childText(info, "bad-element")).orElse(null);
      (sev.equals("warning") ? warnings : errors).add(new Problem(sev, message, bad,
          JunosXml.childText(e, "error-tag"), JunosXml.childText(e, "error-type"), JunosXml.childText(e, "error-path")));
    }
    for (Element e : JunosXml.descendants(root, "warning")) {
      if (isXnm(e)) {
        warnings.add(new Problem("warning", xnmMessage(e), null));
      }
    }
    for (Element e : JunosXml.descendants(root, "error")) {
      if (isXnm(e)) {
        errors.add(new Problem("error", xnmMessage(e), null));
      }
    }
    return new RpcReply(root, id, errors, warnings);
  }

  private static boolean isXnm(Element e) {
    String ns = e.getNamespaceURI();
    return ns != null && ns.startsWith(XNM_NS_PREFIX);
  }

  private static String xnmMessage(Element e) {
    String m = JunosXml.childText(e, "message");
    return m == null ? JunosXml.text(e) : m;
  }

  public Element root() {
    return root;
  }

  public @Nullable String messageId() {
    return messageId;
  }

  public List<Problem> errors() {
    return errors;
  }

  public List<Problem> warnings() {
    return warnings;
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Whether the reply is a bare {@code <ok/>}. */
  public boolean isOk() {
    return JunosXml.child(root, "ok").isPresent();
  }

  /**
   * Throws when the reply carries an error.
   *
   * @throws PhcDeviceException naming the operation, the member and every error message
   */
  public RpcReply requireNoErrors(String operation, @Nullable Integer memberId) {
    if (!errors.isEmpty()) {
      throw new PhcDeviceException(operation, memberId, describe(errors));
    }
    return this;
  }

  /** Joins problems as {@code "a; b"}. */
  public static String describe(List<Problem> problems) {
    StringBuilder b = new StringBuilder();
    for (Problem p : problems) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(p);
    }
    return b.toString();
  }
}
