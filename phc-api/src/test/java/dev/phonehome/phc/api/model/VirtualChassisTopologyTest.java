package dev.phonehome.phc.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualChassisTopologyTest {
  @Test
  void strictWithoutMembersIsRejectedAtConstruction() {
    assertThatThrownBy(() -> VirtualChassisTopology.minimum(ProvisioningMode.STRICT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strict requires a member list");
    assertThatThrownBy(() -> VirtualChassisTopology.full(ProvisioningMode.STRICT, List.of()))
        .hasMessageContaining("strict requires a member list");
  }

  @Test
  void fullWithoutMembersInDefaultModeIsMinimum() {
    assertThat(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, List.of()).kind()).isEqualTo(TopologyKind.MINIMUM);
  }

  @Test
  void strictWithMembersIsFull() {
    VirtualChassisTopology t = VirtualChassisTopology.full(ProvisioningMode.STRICT,
        List.of(IntendedMember.of("PE3714100218"), new IntendedMember("PE3714100301", 1, IntendedRole.LINE_CARD, null)));
    assertThat(t.kind()).isEqualTo(TopologyKind.FULL);
    assertThat(t.mode()).isEqualTo(ProvisioningMode.STRICT);
    assertThat(t.members()).extracting(IntendedMember::serialNumber).containsExactly("PE3714100218", "PE3714100301");
  }

  @Test
  void duplicateSerialsAndMemberIdsAreRejected() {
    assertThatThrownBy(() -> VirtualChassisTopology.full(ProvisioningMode.DEFAULT,
        List.of(IntendedMember.of("A"), IntendedMember.of("A")))).hasMessageContaining("serial-number is listed twice");
    assertThatThrownBy(() -> VirtualChassisTopology.full(ProvisioningMode.DEFAULT,
        List.of(new IntendedMember("A", 2, null, null), new IntendedMember("B", 2, null, null))))
        .hasMessageContaining("member-id is listed twice");
  }

  @Test
  void noneIsAStandaloneDevice() {
    assertThat(VirtualChassisTopology.none().isVirtualChassis()).isFalse();
    assertThat(OnboardingInformation.builder().build().topology()).isEqualTo(VirtualChassisTopology.none());
  }
}
