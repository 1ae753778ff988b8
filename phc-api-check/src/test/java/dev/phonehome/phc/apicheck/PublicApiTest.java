package dev.phonehome.phc.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public API of each published module, read by reflection from its built jar: (1) no public or protected
 * signature (supertypes, fields, constructors, methods, exceptions, type parameters) mentions a type from an
 * {@code .internal.} package; (2) the API equals the checked-in listing {@code MODULE/api/MODULE.api}, so that
 * every API change shows in review. Regenerate the listings after an intended change with
 * {@code mvn -B verify -pl phc-api-check -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dphc.api.update=true}.
 */
class PublicApiTest {
  private static final boolean UPDATE = Boolean.getBoolean("phc.api.update");

  @ParameterizedTest
  @ValueSource(strings = {"phc-api", "phc-core", "phc-junos", "phc-testkit", "phc-micrometer", "phc-store-jdbc",
      "phc-agent"})
  void noPublicSignatureMentionsAnInternalType(String module) throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : publicClasses(module)) {
      List<String> lines = new ArrayList<>();
      describe(c, lines);
      for (String line : lines) {
        if (line.contains(".internal.")) {
          leaks.add(c.getName() + ": " + line);
        }
      }
    }
    assertThat(leaks).as("public signatures of %s that mention internal types", module).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"phc-api", "phc-core", "phc-junos", "phc-testkit", "phc-micrometer", "phc-store-jdbc",
      "phc-agent"})
  void apiEqualsTheCheckedInListing(String module) throws Exception {
    StringBuilder b = new StringBuilder();
    b.append("# The public API of ").append(module).append(", generated from its jar by phc-api-check.\n")
        .append("# Regenerate: mvn -B verify -pl phc-api-check -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dphc.api.update=true\n");
    for (Class<?> c : publicClasses(module)) {
      List<String> lines = new ArrayList<>();
      describe(c, lines);
      b.append('\n').append(lines.get(0)).append('\n');
      List<String> members = new ArrayList<>(lines.subList(1, lines.size()));
      Collections.sort(members);
      for (String m : members) {
        b.append("  ").append(m).append('\n');
      }
    }
    Path listing = root().resolve(module).resolve("api").resolve(module + ".api");
    String actual = b.toString();
    if (UPDATE) {
      Files.createDirectories(listing.getParent());
      Files.writeString(listing, actual, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(listing)).as("%s exists (generate it with -Dphc.api.update=true)", listing).isTrue();
    assertThat(actual).as("the API of %s differs from %s: if intended, regenerate with "
        + "mvn -B verify -pl phc-api-check -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dphc.api.update=true and commit the listing",
        module, listing).isEqualTo(Files.readString(listing, StandardCharsets.UTF_8));
  }

  /** The first line is the class; the rest its public and protected members. */
  private static void describe(Class<?> c, List<String> out) {
    StringBuilder head = new StringBuilder(Modifier.toString(c.getModifiers() & ~Modifier.STATIC
        & ~Modifier.INTERFACE & (c.isInterface() ? ~Modifier.ABSTRACT : ~0)));
    head.append(head.length() > 0 ? " " : "").append(kind(c)).append(' ').append(c.getName());
    if (c.getTypeParameters().length > 0) {
      head.append(typeParameters(c.getTypeParameters()));
    }
    Type sup = c.getGenericSuperclass();
    if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
      head.append(" extends ").append(sup.getTypeName());
    }
    Type[] ifaces = c.getGenericInterfaces();
    if (ifaces.length > 0) {
      List<String> names = new ArrayList<>();
      for (Type t : ifaces) {
        names.add(t.getTypeName());
      }
      head.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", names));
    }
    if (c.isSealed()) {
      List<String> names = new ArrayList<>();
      for (Class<?> p : c.getPermittedSubclasses()) {
        names.add(p.getName());
      }
      Collections.sort(names);
      head.append(" permits ").append(String.join(", ", names));
    }
    out.add(head.toString());
    for (Field f : c.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        out.add(Modifier.toString(f.getModifiers()) + " " + f.getGenericType().getTypeName() + " " + f.getName());
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (visible(k.getModifiers()) && !k.isSynthetic()) {
        out.add(k.toGenericString());
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        out.add(m.toGenericString());
      }
    }
  }

  private static String kind(Class<?> c) {
    if (c.isAnnotation()) {
      return "@interface";
    }
    if (c.isInterface()) {
      return "interface";
    }
    if (c.isEnum()) {
      return "enum";
    }
    return c.isRecord() ? "record" : "class";
  }

  private static String typeParameters(java.lang.reflect.TypeVariable<?>[] vars) {
    List<String> names = new ArrayList<>();
    for (java.lang.reflect.TypeVariable<?> v : vars) {
      Type[] bounds = v.getBounds();
      names.add(bounds.length == 1 && bounds[0] == Object.class ? v.getName()
          : v.getName() + " extends " + bounds[0].getTypeName());
    }
    return "<" + String.join(", ", names) + ">";
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** The public (and protected nested) classes of the module's jar, outside internal packages, by name. */
  private static List<Class<?>> publicClasses(String module) throws IOException, ClassNotFoundException {
    File jar = jarOf(module);
    Map<String, Class<?>> classes = new TreeMap<>();
    try (JarFile jf = new JarFile(jar)) {
      for (JarEntry e : Collections.list(jf.entries())) {
        String n = e.getName();
        if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.endsWith("package-info.class")
            || n.startsWith("META-INF/") || n.contains("/internal/")) {
          continue;
        }
        String name = n.substring(0, n.length() - ".class".length()).replace('/', '.');
        Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (exported(c)) {
          classes.put(c.getName(), c);
        }
      }
    }
    assertThat(classes).as("public classes in %s", jar).isNotEmpty();
    return new ArrayList<>(classes.values());
  }

  private static boolean exported(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> x = c; x != null; x = x.getDeclaringClass()) {
      if (!visible(x.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /** The module's jar on the class path: failsafe runs after `package`, so these are the built jars. */
  private static File jarOf(String module) {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = new File(entry).getName();
      if (name.startsWith(module + "-") && name.endsWith(".jar")
          && Character.isDigit(name.charAt(module.length() + 1))) {
        return new File(entry);
      }
    }
    throw new AssertionError("no jar of " + module + " on the class path (run through `mvn verify`): "
        + System.getProperty("java.class.path"));
  }

  private static Path root() {
    String root = System.getProperty("phc.root");
    if (root == null || root.isBlank()) {
      throw new AssertionError("system property phc.root is not set (run through Maven)");
    }
    return Path.of(root);
  }
}
