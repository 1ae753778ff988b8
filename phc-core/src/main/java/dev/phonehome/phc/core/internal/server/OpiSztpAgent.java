package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record as the opiproject sztp agent can read it (see
 * {@link dev.phonehome.phc.core.server.CompatibilityProfile#OPI_SZTP_AGENT}): only the members its Go structures
 * declare, since it refuses any other.
 */
final class OpiSztpAgent {
  private static final Logger log = LoggerFactory.getLogger(OpiSztpAgent.class);

  private OpiSztpAgent() {}

  static ConveyedInformation adapt(ProvisioningRecord record) {
    ConveyedInformation info = record.conveyedInformation();
    if (info instanceof RedirectInformation r) {
      List<BootstrapServer> servers = new ArrayList<>();
      for (BootstrapServer s : r.bootstrapServers()) {
        servers.add(new BootstrapServer(s.address(), s.effectivePort(), s.trustAnchor()));
      }
      return new RedirectInformation(servers);
    }
    OnboardingInformation o = (OnboardingInformation) info;
    OnboardingInformation.Builder b = o.toBuilder();
    BootImage image = o.bootImage();
    if (image != null) {
      Optional<ImageVerification> sha256 = image.verifications().stream()
          .filter(v -> v.algorithm() == HashAlgorithm.SHA_256).findFirst();
      if (!image.downloadUris().isEmpty() && sha256.isEmpty()) {
        throw new CoreHandler.HttpError(500, dev.phonehome.phc.api.Encoding.JSON, "operation-failed",
            "the record of '" + record.serialNumber() + "' has no sha-256 image-verification, the only one the"
                + " opiproject sztp agent can check; add one to the record", null);
      }
      BootImage.Builder ib = BootImage.builder().downloadUris(image.downloadUris());
      sha256.ifPresent(ib::addVerification);
      b.bootImage(ib.build());
    }
    if (o.topology().isVirtualChassis()) {
      log.debug("{}: virtual-chassis topology left out for the opiproject sztp agent", record.serialNumber());
      b.topology(VirtualChassisTopology.none());
    }
    return b.build();
  }
}
