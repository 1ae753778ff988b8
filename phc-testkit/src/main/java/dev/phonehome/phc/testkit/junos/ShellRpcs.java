package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.SyslogSeverity;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code request-shell-execute}: the simulated shell understands {@code logger} (to the model's syslog) and
 * running a script file that was written to the member ({@code /bin/sh path 2>&1; echo ...=$?}); anything else
 * is "command not found", as {@code sh} says.
 */
final class ShellRpcs {
  private static final Pattern LOGGER = Pattern.compile("logger -p user\\.(\\w+) -t phc -- '(.*)'", Pattern.DOTALL);
  private static final Pattern SCRIPT = Pattern.compile("(?:/bin/sh )?(/\\S+) 2>&1; echo PHC-EXIT-STATUS=\\$\\?");

  private ShellRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("request-shell-execute", ShellRpcs::shell);
  }

  private static Reply shell(RpcCall c) {
    c.allowOnly("command", "routing-engine", "member");
    String command = c.requireArg("command");
    SimState d = c.device();
    Matcher logger = LOGGER.matcher(command);
    if (logger.matches()) {
      SyslogSeverity sev = switch (logger.group(1)) {
        case "err", "error", "crit", "alert", "emerg" -> SyslogSeverity.ERROR;
        case "warning", "warn" -> SyslogSeverity.WARNING;
        case "notice" -> SyslogSeverity.NOTICE;
        default -> SyslogSeverity.INFO;
      };
      d.model.syslog(sev, logger.group(2).replace("'\\''", "'"));
      return Reply.of("<output></output>");
    }
    Matcher script = SCRIPT.matcher(command);
    if (script.matches()) {
      String path = script.group(1);
      Optional<Bytes> content = d.model.memberFile(c.member(), path);
      if (content.isEmpty()) {
        return Reply.of("<output>sh: " + SimXml.esc(path) + ": No such file or directory\nPHC-EXIT-STATUS=127</output>");
      }
      ScriptPhase phase = path.contains("post-") ? ScriptPhase.POST_CONFIGURATION : ScriptPhase.PRE_CONFIGURATION;
      ScriptResult r = d.model.runScript(phase, content.get());
      return Reply.of("<output>" + SimXml.esc(r.output()) + (r.output().isEmpty() ? "" : "\n") + "PHC-EXIT-STATUS="
          + r.exitStatus() + "\n</output>");
    }
    String word = command.strip().split("\\s+", 2)[0];
    return Reply.of("<output>sh: " + SimXml.esc(word) + ": not found\n</output>");
  }
}
