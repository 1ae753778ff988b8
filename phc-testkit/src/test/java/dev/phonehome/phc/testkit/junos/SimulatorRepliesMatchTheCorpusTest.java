package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

/**
 * The simulator's replies have the shapes of real Junos replies: for each RPC with a captured reply in the shared
 * corpus ({@code ../shared/corpus}, real replies published with Juniper's PyEZ; read, never copied), every element
 * and attribute path of the simulator's reply also occurs in the real one (we invent no elements), and for
 * errors every path of the real error occurs in ours. Skipped when the corpus is not on this machine (it is not
 * part of the repository).
 */
@Timeout(30)
class SimulatorRepliesMatchTheCorpusTest {
  private static final Path CORPUS = Path.of("..", "..", "shared", "corpus").toAbsolutePath().normalize();
  private final VirtualClock clock = new VirtualClock();
  private VirtualChassisModel vc;
  private SimulatedJunosDevice device;

  @BeforeEach
  void start() {
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock);
    for (int i = 0; i < 4; i++) {
      b.member(i, "PE371410020" + i, "ex4300-48p", "20.4R3.8");
    }
    vc = b.primary(2).backup(3).build();
    device = SimulatedJunosDevice.builder(vc).start();
  }

  @AfterEach
  void stop() {
    device.close();
  }

  private static Path corpus(String file) {
    Path base = Files.isDirectory(CORPUS) ? CORPUS : Path.of("/work/shared/corpus");
    Path p = base.resolve(file);
    assumeTrue(Files.exists(p), "the shared corpus is not on this machine: " + p);
    return p;
  }

  /** Element paths ({@code a/b}) and attribute paths ({@code a/b/@name}) below rpc-reply, by local name. */
  static Set<String> paths(Element root) {
    Set<String> out = new TreeSet<>();
    for (Element e : SimXml.children(root)) {
      collect(e, "", out);
    }
    out.removeIf(p -> p.startsWith("cli") || p.startsWith("rpc/"));
    return out;
  }

  private static void collect(Element e, String prefix, Set<String> out) {
    String path = prefix + SimXml.localName(e);
    out.add(path);
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Attr a = (Attr) attrs.item(i);
      String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
      if (!a.getName().startsWith("xmlns")) {
        out.add(path + "/@" + name);
      }
    }
    for (Element k : SimXml.children(e)) {
      collect(k, path + "/", out);
    }
  }

  private static Element parse(String xml) throws Exception {
    String s = xml.startsWith("\uFEFF") ? xml.substring(1) : xml;
    return SimXml.parse(s);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "junos-rpc-replies/get-virtual-chassis-information.ex4300-2member-notprsnt.xml junos-rpc-replies/get-virtual-chassis-information.mx240-mxvc-master-backup.xml|<get-virtual-chassis-information/>",
      "junos-facts-replies/get-route-engine-information.ex4200-single.xml junos-facts-replies/get-route-engine-information.mx240-vc.xml|<get-route-engine-information/>",
      "junos-facts-replies/get-interface-information.ex4200-private-instance.xml junos-facts-replies/get-interface-information.mx240-vc-private-instance.xml|<get-interface-information><terse/><routing-instance>__juniper_private1__</routing-instance></get-interface-information>",
      "junos-facts-replies/file-show.etc-hosts-junos.mx240-vc.xml|<file-show><filename>/etc/hosts.junos</filename></file-show>",
      "junos-facts-replies/file-list.brief.xml|<file-list><path>~</path></file-list>",
      "junos-facts-replies/get-ethernet-switching-table-information.els-empty.xml|<get-ethernet-switching-table-information><summary/></get-ethernet-switching-table-information>",
      "junos-facts-replies/show-version-invoke-on-all-routing-engines.ex4200.xml|<command>show version invoke-on all-routing-engines</command>",
      "junos-rpc-replies/get-checksum-information.md5.xml|<get-checksum-information><path>/etc/hosts.junos</path></get-checksum-information>",
      "junos-rpc-replies/request-reboot.success.xml|<request-reboot><member>0</member></request-reboot>",
      "junos-rpc-replies/request-package-validate.success.xml|<request-package-validate><package-name>/var/tmp/IMG</package-name></request-package-validate>",
      "junos-rpc-replies/request-package-add.success.xml|<request-package-add><package-name>/var/tmp/IMG</package-name><member>1</member></request-package-add>",
      "junos-rpc-replies/get-chassis-inventory.mx480.xml|<get-chassis-inventory/>",
  })
  void everyPathOfTheSimulatorsReplyOccursInTheRealReply(String files, String rpc) throws Exception {
    Set<String> theirs = new TreeSet<>();
    for (String file : files.split(" ")) {
      Element real = parse(Files.readString(corpus(file), StandardCharsets.UTF_8));
      Set<String> p = paths(real);
      // a multi-RE reply: compare below the per-RE item
      for (String path : p) {
        theirs.add(path.replaceFirst("^multi-routing-engine-results/multi-routing-engine-item/(?!re-name)", ""));
      }
      theirs.addAll(p);
    }
    stageImage();
    String reply;
    try (RawNetconf nc = RawNetconf.open(device)) {
      reply = nc.rpc(rpc.replace("IMG", "jinstall-ex-4300-21.4R3.15-signed.tgz"));
    }
    Set<String> ours = paths(parse(reply));
    assertThat(ours).as("our reply:\n" + reply).isNotEmpty().doesNotContain("rpc-error");
    assertThat(theirs).as("paths of our reply that the real " + files + " do not have").containsAll(ours);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "junos-rpc-replies/commit-configuration.error.xml|<commit-configuration/>",
      "junos-rpc-replies/load-configuration.error.xml|<load-configuration format=\"text\"><configuration-text>system1 { }</configuration-text></load-configuration>",
      "junos-rpc-replies/request-package-add.error-not-found.xml|<request-package-add><package-name>/var/tmp/nonexistent.tgz</package-name></request-package-add>",
  })
  void everyPathOfTheRealErrorOccursInTheSimulatorsError(String file, String rpc) throws Exception {
    Element real = parse(Files.readString(corpus(file), StandardCharsets.UTF_8));
    vc.inject(new VcFault.CommitFails(1));
    String reply;
    try (RawNetconf nc = RawNetconf.open(device)) {
      reply = nc.rpc(rpc);
    }
    Set<String> ours = paths(parse(reply));
    Set<String> theirs = paths(real);
    assertThat(ours).as("our error:\n" + reply).containsAll(theirs);
  }

  private void stageImage() {
    try (VirtualChassisModel.FileWriter w = vc.openFile("/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz")) {
      w.write(new byte[] {1, 2, 3});
      w.commit();
    }
  }
}
