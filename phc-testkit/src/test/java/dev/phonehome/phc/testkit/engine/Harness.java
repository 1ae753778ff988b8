package dev.phonehome.phc.testkit.engine;

import static org.assertj.core.api.Assertions.fail;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.client.StateStore;
import dev.phonehome.phc.core.internal.engine.Engine;
import dev.phonehome.phc.core.internal.engine.EngineState;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** A Virtual Chassis on a virtual clock, a scripted transport, and engines built over them. */
final class Harness {
  static final String OLD = "21.4R1.12";
  static final String NEW = "21.4R3.15";
  static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  static final String IMAGE_URI = "https://images.example.net/" + IMAGE_NAME;
  static final String MIRROR_URI = "https://mirror.example.net/" + IMAGE_NAME;
  static final String REDIRECT = "https://redirect.example.net";
  static final String PHS1 = "https://phs1.example.net";
  static final String PHS2 = "https://phs2.example.net";
  static final byte[] IMAGE = image(300_000);
  static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>");
  static final Bytes PRE_SCRIPT = Bytes.utf8("#!/bin/sh\necho pre\n");
  static final Bytes POST_SCRIPT = Bytes.utf8("#!/bin/sh\necho post\n");

  final VirtualClock clock = new VirtualClock();
  final VirtualChassisModel model;
  final FakeVirtualChassis device;
  final FakeTransport transport = new FakeTransport();
  final List<String> events = new ArrayList<>();
  Duration detectionTimeout = Duration.ofMinutes(10);
  int maxRounds;
  int imageAttempts = 10;
  int strictRetries = 1;
  Duration maxTotalTime;
  String startConditionOverride;
  int crashes;
  final PhoneHomeEventListener listener = new PhoneHomeEventListener() {
    @Override
    public void runResumed(String step) {
      events.add("resumed " + step);
    }

    @Override
    public void serverFailed(String serverUrl, dev.phonehome.phc.api.PhcException error) {
      events.add("failed " + serverUrl);
    }
  };

  Harness(Consumer<VirtualChassisModel.Builder> members) {
    this(members, false);
  }

  Harness(Consumer<VirtualChassisModel.Builder> members, boolean engineOnPrimary) {
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(clock).imageSource(uri -> {
      if (uri.equals(IMAGE_URI) || uri.equals(MIRROR_URI)) {
        return new ByteArrayInputStream(IMAGE);
      }
      throw new IOException("no route to " + uri);
    });
    members.accept(b);
    model = b.build();
    device = FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES)
        .engineOnPrimary(engineOnPrimary).build();
  }

  /** Members 0..n-1 on the old version; primary and backup as given. */
  static Consumer<VirtualChassisModel.Builder> members(int n, int primary, int backup) {
    return b -> {
      for (int i = 0; i < n; i++) {
        b.member(i, "PE" + i, "ex4300-48p", OLD);
      }
      b.primary(primary);
      if (n > 1) {
        b.backup(backup);
      }
    };
  }

  static OnboardingInformation onboarding(VirtualChassisTopology topology) {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(IMAGE_URI).addDownloadUri(MIRROR_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, digest("SHA-256", IMAGE)))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, digest("MD5", IMAGE)))
            .build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(CONFIG)
        .addPreConfigurationScript(PRE_SCRIPT)
        .addPostConfigurationScript(POST_SCRIPT)
        .topology(topology)
        .build();
  }

  static VirtualChassisTopology full(ProvisioningMode mode, String... serials) {
    return VirtualChassisTopology.full(mode, Arrays.stream(serials).map(IntendedMember::of).toList());
  }

  Engine engine(String... servers) {
    List<EngineState.Server> list = new ArrayList<>();
    for (String s : servers.length == 0 ? new String[] {PHS1} : servers) {
      list.add(new EngineState.Server(s, null));
    }
    Random random = new Random(7);
    ImageStager.Factory stagers = deadline -> new ImageStager(device, null, RetryPolicy.DEFAULT, clock, random,
        listener, Duration.ofMinutes(30), imageAttempts, deadline);
    return new Engine(new Engine.Config(list, null, device, clock, clock, random, transport, stagers,
        StateStore.onDevice(device), detectionTimeout, Duration.ofSeconds(15), RetryPolicy.DEFAULT, maxRounds,
        maxTotalTime,
        Duration.ofMinutes(10), strictRetries, startConditionOverride, false, false, listener));
  }

  /** Runs engines until one finishes: a crash means a new engine (on whatever is primary now) resumes. */
  PhoneHomeResult run(String... servers) throws InterruptedException {
    while (true) {
      try {
        return engine(servers).run();
      } catch (SimulatedCrash e) {
        crashes++;
        if (crashes > 100) {
          fail("more than 100 crashes; last: " + e.getMessage());
        }
      }
    }
  }

  /** Successful installs per member id, from the chassis' own log. */
  List<String> installs() {
    return model.operationSummaries("install-image").stream().filter(s -> !s.contains("result=")).toList();
  }

  static Bytes digest(String algorithm, byte[] data) {
    try {
      return Bytes.of(MessageDigest.getInstance(algorithm).digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] image(int size) {
    byte[] b = new byte[size];
    new Random(1).nextBytes(b);
    return b;
  }
}
