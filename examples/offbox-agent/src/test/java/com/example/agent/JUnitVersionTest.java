package com.example.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The JUnit that runs is the project's own (the test kit declares none that could win). */
class JUnitVersionTest {
  @Test
  void theProjectsJUnitVersionRuns() {
    assertEquals(System.getProperty("expected.junit.version"), Test.class.getPackage().getImplementationVersion());
  }
}
