package dev.phonehome.phc.api.model;

/** Whether a member is present in the VC (Junos {@code Prsnt} / {@code NotPrsnt}). */
public enum MemberStatus {
  PRESENT,
  NOT_PRESENT
}
