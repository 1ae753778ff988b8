package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code phc simulate}: runs until stopped and prints everything needed to connect (and it is right). */
@Timeout(60)
class SimulateCommandTest {

  @Test
  void printsHowToConnectAndTheVcAnswersWithThoseCredentialsAndThatHostKey(@TempDir Path dir) throws Exception {
    PipedReader pipe = new PipedReader(1 << 16);
    PrintWriter out = new PrintWriter(new PipedWriter(pipe), true);
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread command = new Thread(() -> exit.set(Main.commandLine(out, new PrintWriter(err, true))
        .execute("simulate", "--members", "3", "--port", "0", "--user", "lab", "--password", "lab-secret",
            "--reboot-seconds", "2")), "phc-simulate");
    command.start();
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);
    Thread reader = new Thread(() -> {
      StringBuilder line = new StringBuilder();
      try {
        int c;
        while ((c = pipe.read()) >= 0) {
          if (c == '\n') {
            lines.add(line.toString());
            line.setLength(0);
          } else {
            line.append((char) c);
          }
        }
      } catch (IOException e) {
        // the writer went away
      }
    });
    reader.setDaemon(true);
    reader.start();
    StringBuilder printed = new StringBuilder();
    String line;
    do {
      line = lines.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("the command prints how to connect; so far:\n" + printed + err).isNotNull();
      printed.append(line).append('\n');
    } while (!line.startsWith("Press Ctrl-C"));

    String text = printed.toString();
    assertThat(text).contains("3 x ex4300-48p", "  user      lab", "  password  lab-secret", "host key  SHA256:",
        "ssh -p ", "-s netconf", "Device(host='localhost'");
    Matcher port = Pattern.compile("on 127\\.0\\.0\\.1:(\\d+)").matcher(text);
    assertThat(port.find()).isTrue();
    Matcher known = Pattern.compile("known_hosts line:\\n +(\\[127\\.0\\.0\\.1]:\\d+ .+)\\n").matcher(text);
    assertThat(known.find()).as(text).isTrue();
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), known.group(1) + "\n");

    try (JunosDeviceOperations ops = JunosDeviceOperations.builder().host("127.0.0.1")
        .port(Integer.parseInt(port.group(1))).password("lab", "lab-secret")
        .hostKeyVerification(HostKeyVerification.knownHosts(knownHosts))
        .connectTimeout(Duration.ofSeconds(10)).rpcTimeout(Duration.ofSeconds(10)).build()) {
      List<VcMember> members = ops.members();
      assertThat(members).hasSize(3).extracting(VcMember::role)
          .containsExactly(MemberRole.PRIMARY, MemberRole.BACKUP, MemberRole.LINECARD);
      assertThat(ops.deviceInfo().serialNumber()).isEqualTo("PE3714100200");
    }

    command.interrupt();
    command.join(20_000);
    assertThat(command.isAlive()).isFalse();
    assertThat(exit.get()).as(err.toString()).isZero();
  }

  @Test
  void aPortInUseIsBadInputNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun r = CliRun.of("simulate", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("--port " + taken.getLocalPort(), "choose another --port");
    }
  }

  @Test
  void membersOutOfRangeIsAUsageError() {
    CliRun r = CliRun.of("simulate", "--members", "11");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--members must be 1 to 10");
  }
}
