package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.PHS1;
import static dev.phonehome.phc.testkit.engine.Harness.REDIRECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.PhcTransportException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.engine.NotClaimedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC 4.1 step 2: redirect server first, then the PHS list; 404 polled, 5xx next server, redirects bounded. */
@Timeout(30)
class RequestTest {

  @Test
  void redirectServerLeadsToTheFirstAvailablePhoneHomeServer() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(REDIRECT, RedirectInformation.of(new BootstrapServer("phs0.example.net", null, null),
        new BootstrapServer("phs1.example.net", null, null)));
    h.transport.on(PHS1, Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run(REDIRECT);

    assertThat(h.transport.fetches).containsExactly(REDIRECT, "https://phs0.example.net", PHS1);
    assertThat(result.serversTried()).containsExactly(REDIRECT, "https://phs0.example.net", PHS1);
    assertThat(result.provisioningServer()).isEqualTo(PHS1);
  }

  @Test
  void unclaimedSerialIsPolledAgainWithBackoffBeforeItIsClaimed() throws Exception {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, new NotClaimedException("not claimed"), new NotClaimedException("not claimed"),
        Harness.onboarding(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)));

    PhoneHomeResult result = h.run(PHS1);

    assertThat(h.transport.fetches).containsExactly(PHS1, PHS1, PHS1);
    assertThat(result.provisioningServer()).isEqualTo(PHS1);
  }

  @Test
  void serverErrorsMoveOnToTheNextServerAndRoundsAreBounded() {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(PHS1, new PhcTransportException("HTTP 503", 503, null));
    h.maxRounds = 3;

    assertThatThrownBy(() -> h.run(PHS1, Harness.PHS2)).isInstanceOf(BootstrapFailedException.class)
        .hasMessage("gave up after 3 round(s) over the bootstrap server list; last error of each server:\n"
            + "  " + PHS1 + ": PhcTransportException: HTTP 503\n"
            + "  " + Harness.PHS2 + ": PhcTransportException: connect to " + Harness.PHS2 + " refused");
    assertThat(h.transport.fetches).containsExactly(PHS1, Harness.PHS2, PHS1, Harness.PHS2, PHS1, Harness.PHS2);
    assertThat(h.clock.totalSlept()).isPositive();
  }

  @Test
  void redirectsNestAtMostTenDeep() {
    Harness h = new Harness(Harness.members(2, 0, 1));
    h.transport.on(REDIRECT, RedirectInformation.of(new BootstrapServer("redirect.example.net", null, null)));
    h.maxRounds = 1;

    assertThatThrownBy(() -> h.run(REDIRECT)).isInstanceOf(BootstrapFailedException.class)
        .hasMessageContaining("redirect information nested deeper than 10 at $.redirect-information");
    assertThat(h.transport.fetches).hasSize(11);
  }
}
