package dev.phonehome.phc.core.internal.engine;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
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
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.TopologyKind;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The persisted form of {@link EngineState}: a JSON object with {@code "format": 1}. Unknown fields are
 * skipped, so a newer engine can add fields; a different format number is refused.
 */
public final class StateCodec {
  public static final int FORMAT = 1;

  private StateCodec() {}

  public static Bytes encode(EngineState s) {
    Buffer buffer = new Buffer();
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
      outbound(w.name("outbox"), s.outbox);
      outbound(w.name("delivered"), s.delivered);
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Bytes.of(buffer.readByteArray());
  }

  /** @throws PhcProtocolException naming the path of what is wrong */
  public static EngineState decode(Bytes bytes) {
    EngineState s = new EngineState();
    Buffer buffer = new Buffer().write(bytes.toByteArray());
    JsonReader r = JsonReader.of(buffer);
    try {
      r.beginObject();
      boolean sawFormat = false;
      while (r.hasNext()) {
        String name = r.nextName();
        switch (name) {
          case "format" -> {
            int f = r.nextInt();
            if (f != FORMAT) {
              throw new PhcProtocolException("unsupported engine state format " + f + " (this engine reads " + FORMAT + ")", "$.format");
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
              r.beginObject();
              while (r.hasNext()) {
                switch (r.nextName()) {
                  case "id" -> id = r.nextInt();
                  case "serial" -> serial = r.nextString();
                  case "role" -> role = MemberRole.valueOf(r.nextString());
                  case "progress" -> progress = EngineState.MemberProgress.valueOf(r.nextString());
                  default -> r.skipValue();
                }
              }
              r.endObject();
              if (serial == null || role == null || progress == null || id < 0) {
                throw new PhcProtocolException("incomplete member in engine state", r.getPath());
              }
              s.members.add(new EngineState.PlannedMember(id, serial, role, progress));
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
          case "outbox" -> s.outbox.addAll(readOutbound(r));
          case "delivered" -> s.delivered.addAll(readOutbound(r));
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
      w.name("server").value(o.server());
      w.name("type").value(o.report().type().name());
      if (o.report().message() != null) {
        w.name("message").value(o.report().message());
      }
      MemberRef m = o.report().member();
      if (m != null) {
        w.name("memberId").value(m.memberId());
        w.name("serial").value(m.serialNumber());
        w.name("role").value(m.role().name());
      }
      w.endObject();
    }
    w.endArray();
  }

  private static List<EngineState.Outbound> readOutbound(JsonReader r) throws IOException {
    List<EngineState.Outbound> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      String server = null;
      String type = null;
      String message = null;
      Integer memberId = null;
      String serial = null;
      MemberRole role = null;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.nextName()) {
          case "server" -> server = r.nextString();
          case "type" -> type = r.nextString();
          case "message" -> message = r.nextString();
          case "memberId" -> memberId = r.nextInt();
          case "serial" -> serial = r.nextString();
          case "role" -> role = MemberRole.valueOf(r.nextString());
          default -> r.skipValue();
        }
      }
      r.endObject();
      if (server == null || type == null) {
        throw new PhcProtocolException("notification without server or type in engine state", r.getPath());
      }
      ProgressReport.Builder b = ProgressReport.builder(ProgressType.of(type)).message(message);
      if (memberId != null && serial != null && role != null) {
        b.member(new MemberRef(memberId, serial, role));
      }
      out.add(new EngineState.Outbound(server, b.build()));
    }
    r.endArray();
    return out;
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
