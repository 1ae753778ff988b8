package dev.phonehome.phc.api.model;

/**
 * What a bootstrap server conveys to a device: either where to go next ({@link RedirectInformation}) or what
 * to do ({@link OnboardingInformation}). RFC 8572 section 2.2; the Juniper dialect carries the same two
 * shapes inside {@code <device>}.
 */
public sealed interface ConveyedInformation permits RedirectInformation, OnboardingInformation {}
