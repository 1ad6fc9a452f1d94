package io.kcp.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.domain.Dependency;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of DESIGN.md as tests: which module may use which, no cycles, Dagger only in
 * {@code wiring} packages, no OpenTelemetry SDK in libraries, no module reaching into another's
 * {@code internal} package. Runs here because only here is every module on the classpath.
 */
class ArchitectureTest {
  /** Module (by root package) → the modules it may depend on. Anything not listed is forbidden. */
  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "core", Set.of(),
          "worker", Set.of("core"),
          "partition", Set.of("core"),
          "share", Set.of("core"),
          "lag", Set.of(),
          "deploy", Set.of("core", "lag", "audit"),
          "audit", Set.of("core"),
          "sandbox", Set.of("audit"),
          "bench", Set.of("core", "audit", "sandbox"),
          "cli", Set.of("core", "worker", "partition", "share", "lag", "deploy", "audit", "sandbox"));

  static JavaClasses classes;

  @BeforeAll
  static void importProductionClasses() {
    // the modules arrive as jars (mvn verify) or class folders (IDE); tests are left out
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kcp");
  }

  static String module(JavaClass c) {
    String p = c.getPackageName();
    if (!p.startsWith("io.kcp.")) {
      return null;
    }
    String rest = p.substring("io.kcp.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  @Test
  void importsEveryModuleThatHasCode() {
    // guards the rules below against passing on an empty import
    org.assertj.core.api.Assertions.assertThat(classes.stream().map(ArchitectureTest::module))
        .contains("core", "audit", "sandbox", "cli", "share");
  }

  @Test
  void modulesDependOnlyOnWhatTheDesignAllows() {
    ArchRule rule =
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
            .that()
            .resideInAPackage("io.kcp..")
            .should(onlyUseAllowedModules())
            .because("DESIGN.md draws which module may depend on which; nothing else is allowed");
    rule.check(classes);
  }

  private static ArchCondition<JavaClass> onlyUseAllowedModules() {
    return new ArchCondition<>("only depend on the modules DESIGN.md allows") {
      @Override
      public void check(JavaClass item, ConditionEvents events) {
        String from = module(item);
        Set<String> allowed = ALLOWED.get(from);
        for (Dependency d : item.getDirectDependenciesFromSelf()) {
          String to = module(d.getTargetClass());
          if (to == null || to.equals(from)) {
            continue;
          }
          if (allowed == null || !allowed.contains(to)) {
            events.add(SimpleConditionEvent.violated(d, from + " must not use " + to + ": " + d.getDescription()));
          }
        }
      }
    };
  }

  @Test
  void noCyclesBetweenModules() {
    slices().matching("io.kcp.(*)..").should().beFreeOfCycles()
        .because("a cycle would make the modules one module").check(classes);
  }

  @Test
  void noModuleUsesAnotherModulesInternals() {
    ArchRule rule =
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
            .that()
            .resideInAPackage("io.kcp..")
            .should(new ArchCondition<>("not use another module's internal package") {
              @Override
              public void check(JavaClass item, ConditionEvents events) {
                String from = module(item);
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                  JavaClass target = d.getTargetClass();
                  String to = module(target);
                  if (to != null && !to.equals(from) && target.getPackageName().contains(".internal")) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                }
              }
            })
            .because("internal packages may change at any release; only api types cross modules");
    rule.check(classes);
  }

  @Test
  void daggerOnlyInWiringPackages() {
    noClasses()
        .that()
        .resideInAPackage("io.kcp..")
        .and()
        .resideOutsideOfPackage("..wiring..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dagger..")
        .because("users get engines from hand-written builders; Dagger stays behind that door")
        .check(classes);
  }

  @Test
  void noOpenTelemetrySdkInLibraries() {
    noClasses()
        .that()
        .resideInAPackage("io.kcp..")
        .and()
        .resideOutsideOfPackage("io.kcp.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.opentelemetry.sdk..")
        .because("libraries depend on opentelemetry-api only; the application brings the SDK")
        .check(classes);
  }

  /** Code Dagger generated: its factories are public by necessity, and not an api of ours. */
  static boolean generated(JavaClass c) {
    return c.isAnnotatedWith("dagger.internal.DaggerGenerated")
        || c.getSimpleName().startsWith("Dagger") || c.getSimpleName().contains("_");
  }

  @Test
  void publicSignaturesOutsideInternalPackagesDoNotExposeInternalTypes() {
    noClasses()
        .that()
        .resideInAPackage("io.kcp..")
        .and()
        .resideOutsideOfPackage("..internal..")
        .and()
        .arePublic()
        .and(new com.tngtech.archunit.base.DescribedPredicate<JavaClass>("are not generated by Dagger") {
          @Override
          public boolean test(JavaClass c) {
            return !generated(c);
          }
        })
        .should(new ArchCondition<JavaClass>("expose internal types in public signatures") {
          @Override
          public void check(JavaClass item, ConditionEvents events) {
            item.getCodeUnits().stream()
                .filter(m -> m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
                .forEach(m -> {
                  boolean leaks = m.getRawReturnType().getPackageName().contains(".internal")
                      || m.getRawParameterTypes().stream().anyMatch(t -> t.getPackageName().contains(".internal"));
                  if (leaks) {
                    events.add(SimpleConditionEvent.satisfied(m, m.getFullName() + " exposes an internal type"));
                  }
                });
          }
        })
        .because("api, spi and wiring types are what other modules and users call; internal ones may"
            + " change at any release (the wiring doors take api and spi values, never internal ones)")
        .check(classes);
  }
}
