package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrappingData;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The client-side seam of the trust layer: turns a {@code get-bootstrapping-data} output into the conveyed
 * document the engine may act on, or refuses it. The engine calls this for every RFC 8572 answer.
 */
public interface ConveyedInformationVerifier {
  /**
   * @param data what the server sent
   * @param serverTrusted whether the TLS connection was authenticated against a trust anchor
   * @param nonceSent the nonce the request carried, or null
   * @param serialNumber this device's serial number
   * @param now the engine's clock
   * @return the verified document (signed: after the voucher, owner chain and signature checks; unsigned: only
   *     when {@code serverTrusted}, or redirect information which the engine then treats as untrusted)
   * @throws PhcTrustException with the exact reason when a check fails
   */
  Verified verify(BootstrappingData data, boolean serverTrusted, @Nullable Bytes nonceSent, String serialNumber, Instant now);

  /**
   * True when this verifier relaxes RFC 8572 trust for a lab (it accepts unsigned onboarding information
   * from untrusted servers, as {@code trusted=false}). The engine stamps every progress report while this is
   * true. Default: false.
   */
  default boolean labModeInsecure() {
    return false;
  }

  /**
   * @param document the conveyed document and its encoding
   * @param trusted true when the content may be trusted (signed and verified, or from a trusted server); trust
   *     anchors in redirect information are only honoured when true
   */
  record Verified(ConveyedDocument document, boolean trusted) {}
}
