package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * File RPCs, each member with its own file system (small files with their bytes, in the model) plus the VC's
 * image store (big files, digests only). Paths may name another member as {@code fpcN:/path}; {@code ~} and
 * relative paths are under the user's home {@code /var/home/<user>}.
 *
 * <p>Writes are not atomic, as on Junos: {@code file-put} with {@code <delete-if-exist/>} deletes the old file
 * and then writes the new one, {@code file-copy} rewrites its destination in place; a
 * {@link JunosSimulationFault.PowerLossDuringWrite} cuts power between those steps or mid-write. {@code
 * file-rename} is atomic (one {@code rename(2)}).
 */
final class FileRpcs {
  private static final Pattern REMOTE = Pattern.compile("fpc(\\d):(.*)");
  private static final Set<String> DIRECTORIES = Set.of("/", "/var", "/var/tmp", "/var/home", "/var/log", "/etc",
      "/config", "/var/db", "/var/db/config", "/var/sw", "/var/sw/pkg");

  private FileRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("file-put", FileRpcs::filePut);
    r.register("file-show", FileRpcs::fileShow);
    r.register("file-list", FileRpcs::fileList);
    r.register("file-copy", FileRpcs::fileCopy);
    r.register("file-delete", FileRpcs::fileDelete);
    r.register("file-rename", FileRpcs::fileRename);
    r.register("get-checksum-information", c -> checksum(c, HashAlgorithm.MD5, "md5"));
    r.register("get-sha1-checksum-information", c -> checksum(c, HashAlgorithm.SHA_1, "sha1"));
    r.register("get-sha256-checksum-information", c -> checksum(c, HashAlgorithm.SHA_256, "sha256"));
  }

  /** A path resolved to a member and an absolute local path. */
  record Where(int member, String path, boolean remote) {
    String shown() {
      return remote ? "fpc" + member + ":" + path : path;
    }
  }

  static Where resolve(RpcCall c, String raw) {
    String p = raw.strip();
    int member = c.member();
    boolean remote = false;
    Matcher m = REMOTE.matcher(p);
    if (m.matches()) {
      member = Integer.parseInt(m.group(1));
      p = m.group(2);
      remote = true;
      if (c.device().model.member(member).isEmpty()) {
        throw RpcFailure.failed("error: fpc" + member + ": no such member in the Virtual Chassis");
      }
    }
    String home = home(c);
    if (p.equals("~")) {
      p = home;
    } else if (p.startsWith("~/")) {
      p = home + p.substring(1);
    } else if (!p.startsWith("/")) {
      p = home + "/" + p;
    }
    p = p.replaceAll("/+", "/");
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.contains("/../") || p.endsWith("/..")) {
      throw RpcFailure.failed("error: invalid path: " + raw);
    }
    return new Where(member, p, remote);
  }

  static String home(RpcCall c) {
    return "/var/home/" + c.session().user();
  }

  // ---------------------------------------------------------------- file-put

  private static Reply filePut(RpcCall c) {
    c.allowOnly("filename", "permission", "encoding", "delete-if-exist", "file-contents");
    String name = c.requireArg("filename");
    Where w = resolve(c, name);
    if (w.remote()) {
      throw RpcFailure.failed("error: file-put writes on the local routing engine only: " + name);
    }
    String encoding = Optional.ofNullable(c.arg("encoding")).orElse("ascii").toLowerCase(Locale.ROOT);
    Element contents = SimXml.firstChild(c.op(), "file-contents");
    if (contents == null) {
      throw RpcFailure.missing("file-contents");
    }
    String text = contents.getTextContent();
    byte[] bytes;
    switch (encoding) {
      case "base64" -> {
        try {
          bytes = Base64.getMimeDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
          throw RpcFailure.failed("error: file-put: contents are not valid base64");
        }
      }
      case "ascii" -> bytes = text.getBytes(StandardCharsets.UTF_8);
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + encoding
          + " (expecting ascii or base64)", "encoding", null, null);
    }
    if (DIRECTORIES.contains(w.path()) || isDirectory(c, w)) {
      throw RpcFailure.failed("error: " + w.path() + ": Is a directory");
    }
    boolean exists = exists(c, w);
    if (exists && !c.flag("delete-if-exist")) {
      throw RpcFailure.failed("error: destination file exists: " + w.path());
    }
    return write(c, w, bytes, exists);
  }

  /** Deletes (if present) then writes, with the power-loss points of a non-atomic write. */
  private static Reply write(RpcCall c, Where w, byte[] bytes, boolean exists) {
    SimState d = c.device();
    JunosSimulationFault.PowerLossDuringWrite cut = d.fire(JunosSimulationFault.PowerLossDuringWrite.class,
        f -> f.path().equals(w.path()), JunosSimulationFault.PowerLossDuringWrite::occurrence);
    if (exists) {
      deleteAny(c, w);
    }
    if (cut != null && cut.bytesWritten() == JunosSimulationFault.PowerLossDuringWrite.AFTER_DELETE) {
      d.powerLoss();
      return Reply.dropped();
    }
    if (cut != null) {
      int n = (int) Math.min(bytes.length, cut.bytesWritten());
      d.model.writeMemberFile(w.member(), w.path(), Bytes.of(java.util.Arrays.copyOf(bytes, n)));
      d.powerLoss();
      return Reply.dropped();
    }
    d.model.writeMemberFile(w.member(), w.path(), Bytes.of(bytes));
    return Reply.ok();
  }

  // ---------------------------------------------------------------- file-show

  private static Reply fileShow(RpcCall c) {
    c.allowOnly("filename", "encoding");
    String name = c.requireArg("filename");
    Where w = resolve(c, name);
    String encoding = Optional.ofNullable(c.arg("encoding")).orElse("text").toLowerCase(Locale.ROOT);
    if (!encoding.equals("text") && !encoding.equals("base64")) {
      throw new RpcFailure("protocol", "operation-failed", "invalid value: " + encoding
          + " (expecting text or base64)", "encoding", null, null);
    }
    if (w.remote()) {
      checkPresent(c, w);
    }
    byte[] content = builtIn(c, w.path());
    if (content == null) {
      Optional<Bytes> small = smallFile(c, w);
      if (small.isPresent()) {
        content = small.get().toByteArray();
      } else if (c.device().model.file(w.path()).isPresent()) {
        throw RpcFailure.failed("error: could not show file: " + w.shown() + ": binary file (use file checksum)");
      } else if (isDirectory(c, w)) {
        throw RpcFailure.failed("error: could not show file: " + w.shown() + ": Is a directory");
      } else {
        throw RpcFailure.failed("error: could not resolve file: " + w.shown());
      }
    }
    boolean b64 = encoding.equals("base64");
    String body = b64 ? Base64.getMimeEncoder().encodeToString(content)
        : SimXml.esc(new String(content, StandardCharsets.UTF_8));
    return Reply.of("<file-content filename=\"" + SimXml.esc(w.shown()) + "\" junos:seconds=\""
        + c.device().model.clock().instant().getEpochSecond() + "\" filesize=\"" + content.length
        + "\" encoding=\"" + (b64 ? "base64" : "text") + "\">\n" + body + "\n</file-content>");
  }

  /** Read-only files Junos generates. */
  private static byte @Nullable [] builtIn(RpcCall c, String path) {
    if (path.equals("/etc/hosts.junos")) {
      return hostsJunos().getBytes(StandardCharsets.UTF_8);
    }
    return null;
  }

  /**
   * The internal routing instance's host table: names of the RE roles and of every possible VC member slot,
   * which PyEZ matches against the addresses of the private routing instance to tell the current RE.
   */
  static String hostsJunos() {
    StringBuilder b = new StringBuilder()
        .append("#\n# Internal routing instance host names (generated; do not edit)\n#\n\n");
    for (String n : new String[] {"master", "node", "fwdd", "member", "pfem"}) {
      b.append(String.format("%-16s %s%n", "128.0.0.1", n));
    }
    b.append(String.format("%-16s %s%n", "128.0.0.4", "re0"));
    b.append(String.format("%-16s %s%n", "128.0.0.5", "re1"));
    b.append(String.format("%-16s %s%n", "128.0.0.6", "backup"));
    for (int i = 0; i < 10; i++) {
      b.append(String.format("%-16s %s%n", "128.0.0." + (16 + i), "fpc" + i));
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- file-list

  private static Reply fileList(RpcCall c) {
    c.allowOnly("path", "detail", "brief", "recursive");
    String raw = Optional.ofNullable(c.arg("path")).orElse("~");
    Where w = resolve(c, raw);
    boolean detail = c.flag("detail");
    TreeMap<String, Long> files = new TreeMap<>();
    TreeMap<String, Boolean> dirs = new TreeMap<>();
    String dir;
    if (isDirectory(c, w)) {
      dir = w.path().equals("/") ? "/" : w.path() + "/";
      for (var e : allFiles(c, w.member()).entrySet()) {
        String p = e.getKey();
        if (!p.startsWith(dir)) {
          continue;
        }
        String rest = p.substring(dir.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
          files.put(rest, e.getValue());
        } else {
          dirs.put(rest.substring(0, slash), true);
        }
      }
      for (String d : DIRECTORIES) {
        if (d.startsWith(dir) && d.length() > dir.length() && d.indexOf('/', dir.length()) < 0) {
          dirs.put(d.substring(dir.length()), true);
        }
      }
    } else if (exists(c, w)) {
      int slash = w.path().lastIndexOf('/');
      dir = w.path().substring(0, slash + 1);
      files.put(w.path().substring(slash + 1), allFiles(c, w.member()).get(w.path()));
    } else {
      throw RpcFailure.failed("ls: " + w.shown() + ": No such file or directory");
    }
    String shownDir = (w.remote() ? "fpc" + w.member() + ":" : "") + dir;
    StringBuilder b = new StringBuilder("<directory-list root-path=\"").append(SimXml.esc(shownDir))
        .append("\" junos:seconds=\"").append(c.device().model.clock().instant().getEpochSecond())
        .append("\" junos:style=\"").append(detail ? "detail" : "brief").append("\">\n")
        .append("<directory name=\"").append(SimXml.esc(shownDir)).append("\">\n")
        .append("<directory-name>").append(SimXml.esc(shownDir)).append("</directory-name>\n");
    long blocks = 0;
    for (long size : files.values()) {
      blocks += (size + 1023) / 1024;
    }
    b.append("<total-file-blocks>").append(blocks).append("</total-file-blocks>\n");
    for (String d : dirs.keySet()) {
      b.append("<file-information>\n<file-name>").append(SimXml.esc(d))
          .append("</file-name>\n<file-directory junos:format=\"/\"/>\n</file-information>\n");
    }
    for (var f : files.entrySet()) {
      b.append("<file-information>\n<file-name>").append(SimXml.esc(f.getKey())).append("</file-name>\n");
      if (detail) {
        b.append("<file-permissions junos:format=\"-rw-r--r--\">644</file-permissions>\n")
            .append("<file-links>1</file-links>\n<file-owner>").append(SimXml.esc(c.session().user()))
            .append("</file-owner>\n<file-group>staff</file-group>\n<file-size>").append(f.getValue())
            .append("</file-size>\n<file-date junos:format=\"")
            .append(java.time.format.DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT)
                .format(c.device().model.clock().instant().atZone(java.time.ZoneOffset.UTC)))
            .append("\">").append(c.device().model.clock().instant().getEpochSecond()).append("</file-date>\n");
      }
      b.append("</file-information>\n");
    }
    b.append("<total-files>").append(files.size()).append("</total-files>\n</directory>\n</directory-list>");
    return Reply.of(b.toString());
  }

  // ---------------------------------------------------------------- file-copy

  private static Reply fileCopy(RpcCall c) {
    c.allowOnly("source", "destination", "staging-directory", "routing-instance", "source-address");
    String source = c.requireArg("source");
    String destination = c.requireArg("destination");
    SimState d = c.device();
    if (source.contains("://")) {
      Where to = resolve(c, destination);
      if (isDirectory(c, to)) {
        to = new Where(to.member(), to.path() + "/" + source.substring(source.lastIndexOf('/') + 1), to.remote());
      }
      try {
        d.model.fetchFile(source, to.path());
      } catch (PhcDeviceException e) {
        throw RpcFailure.failed("error: file-fetch failed\n" + e.getMessage());
      }
      return Reply.of("<output>\n" + SimXml.esc(to.shown()) + "                100% of "
          + d.model.file(to.path()).map(VirtualChassisModel.StoredFile::size).orElse(0L) + " B\n</output>");
    }
    Where from = resolve(c, source);
    Where to = resolve(c, destination);
    if (isDirectory(c, to)) {
      to = new Where(to.member(), to.path() + "/" + from.path().substring(from.path().lastIndexOf('/') + 1),
          to.remote());
    }
    if (!to.remote() && to.member() == from.member() && to.path().equals(from.path())) {
      throw RpcFailure.failed("error: cp: " + from.shown() + " and " + to.shown() + " are identical");
    }
    Optional<Bytes> small = smallFile(c, from);
    if (small.isPresent()) {
      checkPresent(c, to);
      return write(c, to, small.get().toByteArray(), exists(c, to));
    }
    if (d.model.file(from.path()).isPresent()) {
      d.model.copyFile(from.path(), to.path());
      return Reply.ok();
    }
    throw RpcFailure.failed("error: cp: " + from.shown() + ": No such file or directory");
  }

  private static void checkPresent(RpcCall c, Where w) {
    Optional<VcMember> m = c.device().model.member(w.member());
    if (m.isEmpty() || !m.get().isPresent()) {
      throw RpcFailure.failed("error: fpc" + w.member() + ": member is not present (rcp: connection refused)");
    }
  }

  // ---------------------------------------------------------------- file-delete and file-rename

  private static Reply fileDelete(RpcCall c) {
    c.allowOnly("path", "purge");
    Where w = resolve(c, c.requireArg("path"));
    checkPresent(c, w);
    if (!deleteAny(c, w)) {
      throw RpcFailure.failed("rm: " + w.shown() + ": No such file or directory");
    }
    return Reply.ok();
  }

  private static boolean deleteAny(RpcCall c, Where w) {
    SimState d = c.device();
    boolean deleted = d.model.deleteMemberFile(w.member(), w.path());
    if (d.model.file(w.path()).isPresent()) {
      d.model.deleteFile(w.path());
      deleted = true;
    }
    return deleted;
  }

  private static Reply fileRename(RpcCall c) {
    c.allowOnly("source", "destination");
    Where from = resolve(c, c.requireArg("source"));
    Where to = resolve(c, c.requireArg("destination"));
    if (from.member() != to.member()) {
      throw RpcFailure.failed("error: mv: cannot rename across members: " + from.shown() + " to " + to.shown());
    }
    checkPresent(c, from);
    if (isDirectory(c, to)) {
      to = new Where(to.member(), to.path() + "/" + from.path().substring(from.path().lastIndexOf('/') + 1),
          to.remote());
    }
    SimState d = c.device();
    if (d.model.memberFile(from.member(), from.path()).isPresent()) {
      d.model.renameMemberFile(from.member(), from.path(), to.path());
      return Reply.ok();
    }
    if (d.model.file(from.path()).isPresent()) {
      d.model.renameFile(from.path(), to.path());
      return Reply.ok();
    }
    throw RpcFailure.failed("mv: rename " + from.shown() + " to " + to.shown() + ": No such file or directory");
  }

  // ---------------------------------------------------------------- checksums

  private static Reply checksum(RpcCall c, HashAlgorithm algorithm, String command) {
    c.allowOnly("path");
    Where w = resolve(c, c.requireArg("path"));
    Bytes digest;
    Optional<Bytes> small = smallFile(c, w);
    byte[] builtIn = builtIn(c, w.path());
    if (small.isPresent() || builtIn != null) {
      digest = digest(algorithm, builtIn != null ? builtIn : small.get().toByteArray());
    } else {
      Optional<VirtualChassisModel.StoredFile> big = c.device().model.file(w.path());
      if (big.isEmpty()) {
        throw RpcFailure.failed(command + ": " + w.shown() + ": No such file or directory");
      }
      digest = big.get().digest(algorithm);
    }
    String method = switch (algorithm) {
      case MD5 -> "MD5";
      case SHA_1 -> "SHA1";
      default -> "SHA256";
    };
    return Reply.of("<checksum-information>\n<file-checksum>\n<computation-method>" + method
        + "</computation-method>\n<input-file>" + SimXml.esc(w.shown()) + "</input-file>\n<checksum>"
        + digest.hex() + "</checksum>\n</file-checksum>\n</checksum-information>");
  }

  private static Bytes digest(HashAlgorithm a, byte[] data) {
    try {
      return Bytes.of(MessageDigest.getInstance(a.jcaName()).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- the file-system view

  private static Optional<Bytes> smallFile(RpcCall c, Where w) {
    return c.device().model.memberFile(w.member(), w.path());
  }

  private static boolean exists(RpcCall c, Where w) {
    return smallFile(c, w).isPresent() || c.device().model.file(w.path()).isPresent()
        || builtIn(c, w.path()) != null;
  }

  /** Every file a member sees, with sizes: its own small files and the VC's image store. */
  private static SortedMap<String, Long> allFiles(RpcCall c, int member) {
    TreeMap<String, Long> out = new TreeMap<>();
    c.device().model.memberFiles(member).forEach((p, b) -> out.put(p, (long) b.size()));
    for (VirtualChassisModel.StoredFile f : c.device().model.files()) {
      out.put(f.path(), f.size());
    }
    out.put("/etc/hosts.junos", (long) hostsJunos().length());
    return out;
  }

  private static boolean isDirectory(RpcCall c, Where w) {
    if (DIRECTORIES.contains(w.path()) || w.path().equals(home(c))) {
      return true;
    }
    String prefix = w.path() + "/";
    return allFiles(c, w.member()).keySet().stream().anyMatch(p -> p.startsWith(prefix));
  }
}
