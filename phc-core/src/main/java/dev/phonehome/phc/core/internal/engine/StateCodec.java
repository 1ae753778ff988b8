package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.TopologyKind;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.internal.json.JsonReader;
import dev.phonehome.phc.core.internal.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The document of a persisted {@link EngineState}: a JSON object with {@code "format": 2} (format 1, from
 * before notification ids, is read too). Unknown fields are skipped, so a newer engine can add fields; another
 * format number is refused. {@link StateEnvelope} wraps it with a generation counter and a checksum.
 */
public final class StateCodec {
  public static final int FORMAT = 2;

  private StateCodec() {}

  public static Bytes encode(EngineState s) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject();
      w.name("format").value(FORMAT);
      w.name("step").value(s.step.name());
      servers(w.name("configuredServers"), s.configuredServers);
      servers(w.name("servers"), s.servers);
      w.name("serverIndex").value(s.serverIndex);
      w.name("redirectDepth").value(s.redirectDepth);
      w.name("round").value(s.round);
      w.name("notClaimedPolls").value(s.notClaimedPolls);
      w.name("attempt").value(s.attempt);
      if (s.startedAt != null) {
        w.name("startedAt").value(s.startedAt.toString());
      }
      w.name("lastErrors").beginObject();
      for (var e : s.lastErrors.entrySet()) {
        w.name(e.getKey()).value(e.getValue());
      }
      w.endObject();
      w.name("serversTried").beginArray();
      for (String t : s.serversTried) {
        w.value(t);
      }
      w.endArray();
      if (s.provisioningServer != null) {
        w.name("provisioningServer").value(s.provisioningServer);
      }
      w.name("serverTrusted").value(s.serverTrusted);
      if (s.onboarding != null) {
        onboarding(w.name("onboarding"), s.onboarding);
      }
      w.name("members").beginArray();
      for (EngineState.PlannedMember m : s.members) {
        w.beginObject();
        w.name("id").value(m.memberId);
        w.name("serial").value(m.serialNumber);
        w.name("role").value(m.initialRole.name());
        w.name("progress").value(m.progress.name());
        if (m.attempts > 0) {
          w.name("attempts").value(m.attempts);
        }
        w.endObject();
      }
      w.endArray();
      if (s.pinnedPrimary != null) {
        w.name("pinnedPrimary").value(s.pinnedPrimary);
      }
      if (s.pinnedBackup != null) {
        w.name("pinnedBackup").value(s.pinnedBackup);
      }
      if (s.targetVersion != null) {
        w.name("targetVersion").value(s.targetVersion);
      }
      if (s.stagedPath != null) {
        w.name("stagedPath").value(s.stagedPath);
        w.name("stagedSize").value(s.stagedSize);
      }
      if (s.detectDeadline != null) {
        w.name("detectDeadline").value(s.detectDeadline.toString());
      }
      w.name("scriptsDone").value(s.scriptsDone);
      if (s.runId != null) {
        w.name("runId").value(s.runId);
      }
      w.name("nextSequence").value(s.nextSequence);
      if (s.reportingLevel != null) {
        w.name("reportingLevel").value(s.reportingLevel.name());
      }
      w.name("notClaimedReportPolls").value(s.notClaimedReportPolls);
      if (s.abandonReason != null) {
        w.name("abandonReason").value(s.abandonReason);
      }
      if (!s.pendingWarnings.isEmpty()) {
        w.name("pendingWarnings").beginArray();
        for (String x : s.pendingWarnings) {
          w.value(x);
        }
        w.endArray();
      }
      outbound(w.name("outbox"), s.outbox);
      outbound(w.name("delivered"), s.delivered);
      w.name("refused").beginArray();
      for (EngineState.Refused x : s.refused) {
        w.beginObject();
        w.name("status").value(x.httpStatus());
        if (x.reason() != null) {
          w.name("reason").value(x.reason());
        }
        outboundFields(w, x.notification());
        w.endObject();
      }
      w.endArray();
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Bytes.of(buffer.toByteArray());
  }

  /** @throws PhcProtocolException naming the path of what is wrong */
  public static EngineState decode(Bytes bytes) {
    EngineState s = new EngineState();
    JsonReader r = JsonReader.of(bytes.toByteArray());
    try {
      r.beginObject();
      boolean sawFormat = false;
      while (r.hasNext()) {
        String name = r.nextName();
        switch (name) {
          case "format" -> {
            int f = r.nextInt();
            if (f != 1 && f != FORMAT) {
              throw new PhcProtocolException("unsupported engine state format " + f + " (this engine reads 1 and "
                  + FORMAT + ")", "$.format");
            }
            sawFormat = true;
          }
          case "step" -> s.step = EngineState.Step.valueOf(r.nextString());
          case "configuredServers" -> s.configuredServers = readServers(r);
          case "servers" -> s.servers = readServers(r);
          case "serverIndex" -> s.serverIndex = r.nextInt();
          case "redirectDepth" -> s.redirectDepth = r.nextInt();
          case "round" -> s.round = r.nextInt();
          case "notClaimedPolls" -> s.notClaimedPolls = r.nextInt();
          case "attempt" -> s.attempt = r.nextInt();
          case "startedAt" -> s.startedAt = Instant.parse(r.nextString());
          case "lastErrors" -> {
            r.beginObject();
            while (r.hasNext()) {
              s.lastErrors.put(r.nextName(), r.nextString());
            }
            r.endObject();
          }
          case "serversTried" -> {
            r.beginArray();
            while (r.hasNext()) {
              s.serversTried.add(r.nextString());
            }
            r.endArray();
          }
          case "provisioningServer" -> s.provisioningServer = r.nextString();
          case "serverTrusted" -> s.serverTrusted = r.nextBoolean();
          case "onboarding" -> s.onboarding = readOnboarding(r);
          case "members" -> {
            r.beginArray();
            while (r.hasNext()) {
              int id = -1;
              String serial = null;
              MemberRole role = null;
              EngineState.MemberProgress progress = null;
              int attempts = 0;
              r.beginObject();
              while (r.hasNext()) {
                switch (r.nextName()) {
                  case "id" -> id = r.nextInt();
                  case "serial" -> serial = r.nextString();
                  case "role" -> role = MemberRole.valueOf(r.nextString());
                  case "progress" -> progress = EngineState.MemberProgress.valueOf(r.nextString());
                  case "attempts" -> attempts = r.nextInt();
                  default -> r.skipValue();
                }
              }
              r.endObject();
              if (serial == null || role == null || progress == null || id < 0) {
                throw new PhcProtocolException("incomplete member in engine state", r.getPath());
              }
              EngineState.PlannedMember pm = new EngineState.PlannedMember(id, serial, role, progress);
              pm.attempts = attempts;
              s.members.add(pm);
            }
            r.endArray();
          }
          case "pinnedPrimary" -> s.pinnedPrimary = r.nextInt();
          case "pinnedBackup" -> s.pinnedBackup = r.nextInt();
          case "targetVersion" -> s.targetVersion = r.nextString();
          case "stagedPath" -> s.stagedPath = r.nextString();
          case "stagedSize" -> s.stagedSize = r.nextLong();
          case "detectDeadline" -> s.detectDeadline = Instant.parse(r.nextString());
          case "scriptsDone" -> s.scriptsDone = r.nextInt();
          case "runId" -> s.runId = r.nextString();
          case "nextSequence" -> s.nextSequence = r.nextLong();
          case "reportingLevel" -> s.reportingLevel = ReportingLevel.valueOf(r.nextString());
          case "notClaimedReportPolls" -> s.notClaimedReportPolls = r.nextInt();
          case "abandonReason" -> s.abandonReason = r.nextString();
          case "pendingWarnings" -> {
            r.beginArray();
            while (r.hasNext()) {
              s.pendingWarnings.add(r.nextString());
            }
            r.endArray();
          }
          case "outbox" -> s.outbox.addAll(readOutbound(r));
          case "delivered" -> s.delivered.addAll(readOutbound(r));
          case "refused" -> {
            r.beginArray();
            while (r.hasNext()) {
              s.refused.add(readRefused(r));
            }
            r.endArray();
          }
          default -> r.skipValue();
        }
      }
      r.endObject();
      if (!sawFormat) {
        throw new PhcProtocolException("engine state has no format number", "$.format");
      }
      return s;
    } catch (IOException | RuntimeException e) {
      if (e instanceof PhcProtocolException p) {
        throw p;
      }
      throw new PhcProtocolException("unreadable engine state: " + e.getMessage(), r.getPath(), -1, e);
    }
  }

  private static void servers(JsonWriter w, List<EngineState.Server> servers) throws IOException {
    w.beginArray();
    for (EngineState.Server s : servers) {
      w.beginObject();
      w.name("url").value(s.url());
      if (s.trustAnchor() != null) {
        w.name("trustAnchor").value(s.trustAnchor().base64());
      }
      w.endObject();
    }
    w.endArray();
  }

  private static List<EngineState.Server> readServers(JsonReader r) throws IOException {
    List<EngineState.Server> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      String url = null;
      Bytes anchor = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.nextName()) {
          case "url" -> url = r.nextString();
          case "trustAnchor" -> anchor = Bytes.fromBase64(r.nextString());
          default -> r.skipValue();
        }
      }
      r.endObject();
      if (url == null) {
        throw new PhcProtocolException("server without url in engine state", r.getPath());
      }
      out.add(new EngineState.Server(url, anchor));
    }
    r.endArray();
    return out;
  }

  private static void outbound(JsonWriter w, List<EngineState.Outbound> list) throws IOException {
    w.beginArray();
    for (EngineState.Outbound o : list) {
      w.beginObject();
      outboundFields(w, o);
      w.endObject();
    }
    w.endArray();
  }

  private static void outboundFields(JsonWriter w, EngineState.Outbound o) throws IOException {
    w.name("server").value(o.server());
    ProgressReport report = o.report();
    if (report.notificationId() != null) {
      w.name("id").value(report.notificationId().toString());
    }
    w.name("type").value(report.type().name());
    if (report.message() != null) {
      w.name("message").value(report.message());
    }
    MemberRef m = report.member();
    if (m != null) {
      w.name("memberId").value(m.memberId());
      w.name("serial").value(m.serialNumber());
      w.name("role").value(m.role().name());
    }
    if (!report.sshHostKeys().isEmpty()) {
      w.name("sshHostKeys").beginArray();
      for (SshHostKey k : report.sshHostKeys()) {
        w.beginObject().name("algorithm").value(k.algorithm()).name("keyData").value(k.keyData().base64()).endObject();
      }
      w.endArray();
    }
    if (!report.trustAnchorCerts().isEmpty()) {
      bytesList(w.name("trustAnchorCerts"), report.trustAnchorCerts());
    }
  }

  private static List<EngineState.Outbound> readOutbound(JsonReader r) throws IOException {
    List<EngineState.Outbound> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      r.beginObject();
      OutboundReader o = new OutboundReader();
      while (r.hasNext()) {
        o.read(r, r.nextName());
      }
      r.endObject();
      out.add(o.build(r));
    }
    r.endArray();
    return out;
  }

  private static EngineState.Refused readRefused(JsonReader r) throws IOException {
    r.beginObject();
    OutboundReader o = new OutboundReader();
    int status = -1;
    String reason = null;
    while (r.hasNext()) {
      String name = r.nextName();
      switch (name) {
        case "status" -> status = r.nextInt();
        case "reason" -> reason = r.nextString();
        default -> o.read(r, name);
      }
    }
    r.endObject();
    return new EngineState.Refused(o.build(r), status, reason);
  }

  /** The fields of one persisted notification. */
  private static final class OutboundReader {
    @Nullable String server;
    @Nullable String id;
    @Nullable String type;
    @Nullable String message;
    @Nullable Integer memberId;
    @Nullable String serial;
    @Nullable MemberRole role;
    final List<SshHostKey> keys = new ArrayList<>();
    List<Bytes> anchors = List.of();

    void read(JsonReader r, String name) throws IOException {
      switch (name) {
        case "server" -> server = r.nextString();
        case "id" -> id = r.nextString();
        case "type" -> type = r.nextString();
        case "message" -> message = r.nextString();
        case "memberId" -> memberId = r.nextInt();
        case "serial" -> serial = r.nextString();
        case "role" -> role = MemberRole.valueOf(r.nextString());
        case "sshHostKeys" -> {
          r.beginArray();
          while (r.hasNext()) {
            String algorithm = null;
            Bytes data = null;
            r.beginObject();
            while (r.hasNext()) {
              switch (r.nextName()) {
                case "algorithm" -> algorithm = r.nextString();
                case "keyData" -> data = Bytes.fromBase64(r.nextString());
                default -> r.skipValue();
              }
            }
            r.endObject();
            if (algorithm == null || data == null) {
              throw new PhcProtocolException("incomplete ssh host key in engine state", r.getPath());
            }
            keys.add(new SshHostKey(algorithm, data));
          }
          r.endArray();
        }
        case "trustAnchorCerts" -> anchors = readBytesList(r);
        default -> r.skipValue();
      }
    }

    EngineState.Outbound build(JsonReader r) {
      if (server == null || type == null) {
        throw new PhcProtocolException("notification without server or type in engine state", r.getPath());
      }
      ProgressReport.Builder b = ProgressReport.builder(ProgressType.of(type)).message(message);
      if (id != null) {
        try {
          b.notificationId(NotificationId.parse(id));
        } catch (IllegalArgumentException e) {
          throw new PhcProtocolException(e.getMessage(), r.getPath());
        }
      }
      if (memberId != null && serial != null && role != null) {
        b.member(new MemberRef(memberId, serial, role));
      }
      keys.forEach(b::addSshHostKey);
      anchors.forEach(b::addTrustAnchorCert);
      return new EngineState.Outbound(server, b.build());
    }
  }

  private static void onboarding(JsonWriter w, OnboardingInformation o) throws IOException {
    w.beginObject();
    BootImage img = o.bootImage();
    if (img != null) {
      w.name("bootImage").beginObject();
      optional(w, "name", img.name());
      optional(w, "osName", img.osName());
      optional(w, "osVersion", img.osVersion());
      w.name("downloadUris").beginArray();
      for (String u : img.downloadUris()) {
        w.value(u);
      }
      w.endArray();
      w.name("verifications").beginArray();
      for (ImageVerification v : img.verifications()) {
        w.beginObject();
        w.name("algorithm").value(v.algorithm().name());
        w.name("value").value(v.value().hex());
        w.endObject();
      }
      w.endArray();
      w.endObject();
    }
    w.name("configurationHandling").value(o.configurationHandling().name());
    if (o.configuration() != null) {
      w.name("configuration").value(o.configuration().base64());
    }
    bytesList(w.name("preConfigurationScripts"), o.preConfigurationScripts());
    bytesList(w.name("postConfigurationScripts"), o.postConfigurationScripts());
    VirtualChassisTopology t = o.topology();
    w.name("topology").beginObject();
    w.name("kind").value(t.kind().name());
    w.name("mode").value(t.mode().name());
    w.name("members").beginArray();
    for (IntendedMember m : t.members()) {
      w.beginObject();
      w.name("serial").value(m.serialNumber());
      if (m.memberId() != null) {
        w.name("memberId").value(m.memberId());
      }
      if (m.role() != null) {
        w.name("role").value(m.role().name());
      }
      optional(w, "model", m.model());
      w.endObject();
    }
    w.endArray();
    w.endObject();
    w.endObject();
  }

  private static OnboardingInformation readOnboarding(JsonReader r) throws IOException {
    OnboardingInformation.Builder b = OnboardingInformation.builder();
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "bootImage" -> {
          BootImage.Builder ib = BootImage.builder();
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "name" -> ib.name(r.nextString());
              case "osName" -> ib.osName(r.nextString());
              case "osVersion" -> ib.osVersion(r.nextString());
              case "downloadUris" -> {
                r.beginArray();
                while (r.hasNext()) {
                  ib.addDownloadUri(r.nextString());
                }
                r.endArray();
              }
              case "verifications" -> {
                r.beginArray();
                while (r.hasNext()) {
                  HashAlgorithm a = null;
                  String hex = null;
                  r.beginObject();
                  while (r.hasNext()) {
                    switch (r.nextName()) {
                      case "algorithm" -> a = HashAlgorithm.valueOf(r.nextString());
                      case "value" -> hex = r.nextString();
                      default -> r.skipValue();
                    }
                  }
                  r.endObject();
                  if (a == null || hex == null) {
                    throw new PhcProtocolException("incomplete image verification in engine state", r.getPath());
                  }
                  ib.addVerification(ImageVerification.ofHex(a, hex));
                }
                r.endArray();
              }
              default -> r.skipValue();
            }
          }
          r.endObject();
          b.bootImage(ib.build());
        }
        case "configurationHandling" -> b.configurationHandling(ConfigurationHandling.valueOf(r.nextString()));
        case "configuration" -> b.configuration(Bytes.fromBase64(r.nextString()));
        case "preConfigurationScripts" -> b.preConfigurationScripts(readBytesList(r));
        case "postConfigurationScripts" -> b.postConfigurationScripts(readBytesList(r));
        case "topology" -> {
          TopologyKind kind = TopologyKind.NONE;
          ProvisioningMode mode = ProvisioningMode.DEFAULT;
          List<IntendedMember> members = new ArrayList<>();
          r.beginObject();
          while (r.hasNext()) {
            switch (r.nextName()) {
              case "kind" -> kind = TopologyKind.valueOf(r.nextString());
              case "mode" -> mode = ProvisioningMode.valueOf(r.nextString());
              case "members" -> {
                r.beginArray();
                while (r.hasNext()) {
                  String serial = null;
                  Integer id = null;
                  IntendedRole role = null;
                  String model = null;
                  r.beginObject();
                  while (r.hasNext()) {
                    switch (r.nextName()) {
                      case "serial" -> serial = r.nextString();
                      case "memberId" -> id = r.nextInt();
                      case "role" -> role = IntendedRole.valueOf(r.nextString());
                      case "model" -> model = r.nextString();
                      default -> r.skipValue();
                    }
                  }
                  r.endObject();
                  if (serial == null) {
                    throw new PhcProtocolException("intended member without serial in engine state", r.getPath());
                  }
                  members.add(new IntendedMember(serial, id, role, model));
                }
                r.endArray();
              }
              default -> r.skipValue();
            }
          }
          r.endObject();
          b.topology(switch (kind) {
            case NONE -> VirtualChassisTopology.none();
            case MINIMUM -> VirtualChassisTopology.minimum(mode);
            case FULL -> VirtualChassisTopology.full(mode, members);
          });
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    return b.build();
  }

  private static void optional(JsonWriter w, String name, @Nullable String value) throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  private static void bytesList(JsonWriter w, List<Bytes> list) throws IOException {
    w.beginArray();
    for (Bytes b : list) {
      w.value(b.base64());
    }
    w.endArray();
  }

  private static List<Bytes> readBytesList(JsonReader r) throws IOException {
    List<Bytes> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      out.add(Bytes.fromBase64(r.nextString()));
    }
    r.endArray();
    return out;
  }
}
