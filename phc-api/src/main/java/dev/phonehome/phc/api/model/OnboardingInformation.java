package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to install and apply: boot image, scripts, configuration and (our augmentation, SPEC section 3) the VC
 * topology. RFC 8572 {@code onboarding-information}; in the Juniper dialect the children of {@code <device>}.
 *
 * <p>RFC 8572 carries at most one pre- and one post-configuration script; the model allows a list (the
 * Juniper dialect may carry several, SPEC 4.3 "run every pre-configuration script").
 */
public final class OnboardingInformation implements ConveyedInformation {
  private final @Nullable BootImage bootImage;
  private final ConfigurationHandling configurationHandling;
  private final @Nullable Bytes configuration;
  private final List<Bytes> preConfigurationScripts;
  private final List<Bytes> postConfigurationScripts;
  private final VirtualChassisTopology topology;

  private OnboardingInformation(Builder b) {
    this.bootImage = b.bootImage;
    this.configurationHandling = b.configurationHandling;
    this.configuration = b.configuration;
    this.preConfigurationScripts = List.copyOf(b.preConfigurationScripts);
    this.postConfigurationScripts = List.copyOf(b.postConfigurationScripts);
    this.topology = b.topology;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.bootImage = bootImage;
    b.configurationHandling = configurationHandling;
    b.configuration = configuration;
    b.preConfigurationScripts.addAll(preConfigurationScripts);
    b.postConfigurationScripts.addAll(postConfigurationScripts);
    b.topology = topology;
    return b;
  }

  public @Nullable BootImage bootImage() {
    return bootImage;
  }

  public ConfigurationHandling configurationHandling() {
    return configurationHandling;
  }

  /** The configuration bytes, or null. Juniper dialect: the serialized Junos XML {@code <configuration>}. */
  public @Nullable Bytes configuration() {
    return configuration;
  }

  public List<Bytes> preConfigurationScripts() {
    return preConfigurationScripts;
  }

  public List<Bytes> postConfigurationScripts() {
    return postConfigurationScripts;
  }

  public VirtualChassisTopology topology() {
    return topology;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnboardingInformation i
        && Objects.equals(bootImage, i.bootImage)
        && configurationHandling == i.configurationHandling
        && Objects.equals(configuration, i.configuration)
        && preConfigurationScripts.equals(i.preConfigurationScripts)
        && postConfigurationScripts.equals(i.postConfigurationScripts)
        && topology.equals(i.topology);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootImage, configurationHandling, configuration, preConfigurationScripts,
        postConfigurationScripts, topology);
  }

  @Override
  public String toString() {
    return "OnboardingInformation{bootImage=" + bootImage + ", configurationHandling=" + configurationHandling
        + ", configuration=" + configuration + ", preConfigurationScripts=" + preConfigurationScripts
        + ", postConfigurationScripts=" + postConfigurationScripts + ", topology=" + topology + "}";
  }

  public static final class Builder {
    private @Nullable BootImage bootImage;
    private ConfigurationHandling configurationHandling = ConfigurationHandling.MERGE;
    private @Nullable Bytes configuration;
    private final List<Bytes> preConfigurationScripts = new ArrayList<>();
    private final List<Bytes> postConfigurationScripts = new ArrayList<>();
    private VirtualChassisTopology topology = VirtualChassisTopology.none();

    private Builder() {}

    public Builder bootImage(@Nullable BootImage bootImage) {
      this.bootImage = bootImage;
      return this;
    }

    public Builder configurationHandling(ConfigurationHandling handling) {
      this.configurationHandling = Objects.requireNonNull(handling, "handling");
      return this;
    }

    public Builder configuration(@Nullable Bytes configuration) {
      this.configuration = configuration;
      return this;
    }

    public Builder addPreConfigurationScript(Bytes script) {
      this.preConfigurationScripts.add(Objects.requireNonNull(script, "script"));
      return this;
    }

    public Builder preConfigurationScripts(List<Bytes> scripts) {
      this.preConfigurationScripts.clear();
      scripts.forEach(this::addPreConfigurationScript);
      return this;
    }

    public Builder addPostConfigurationScript(Bytes script) {
      this.postConfigurationScripts.add(Objects.requireNonNull(script, "script"));
      return this;
    }

    public Builder postConfigurationScripts(List<Bytes> scripts) {
      this.postConfigurationScripts.clear();
      scripts.forEach(this::addPostConfigurationScript);
      return this;
    }

    public Builder topology(VirtualChassisTopology topology) {
      this.topology = Objects.requireNonNull(topology, "topology");
      return this;
    }

    public OnboardingInformation build() {
      return new OnboardingInformation(this);
    }
  }
}
