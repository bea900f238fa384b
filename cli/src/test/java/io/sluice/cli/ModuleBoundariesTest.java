package io.sluice.cli;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Rules between modules, checked over every module's main classes (the CLI's classpath holds them all) and the
 * CLI's own tests: a module's {@code lambda} package holds Lambda entry points and its {@code io} package its AWS
 * adapters, so no other module imports them; what modules share lives in a public package of its own
 * ({@code functions.wiring}, {@code functions.driver}, {@code functions.metrics}, {@code functions.runtime} (ResultCsv),
 * {@code state.coordination}).
 */
class ModuleBoundariesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter().importPackages("io.sluice");
    /** {@code io.sluice.<module>.<package>}: the module is the package's second segment. */
    private static final Pattern MODULE_PACKAGE = Pattern.compile("io\\.sluice\\.([a-z]+)\\.([a-z]+).*");

    @Test
    void noModule_importsAnotherModulesLambdaOrIoPackage() {
        classes().that().resideInAPackage("io.sluice..")
                .should(new ArchCondition<>("not depend on another module's lambda or io package") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        String from = moduleOf(origin.getPackageName());
                        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                            Matcher target = MODULE_PACKAGE.matcher(d.getTargetClass().getPackageName());
                            if (target.matches() && !target.group(1).equals(from)
                                    && (target.group(2).equals("lambda") || target.group(2).equals("io"))) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                            }
                        }
                    }
                })
                .check(CLASSES);
    }

    @Test
    void infra_neverDependsOnLocalstack() {
        noClasses().that().resideInAPackage("io.sluice.infra..")
                .should().dependOnClassesThat().resideInAPackage("io.sluice.localstack..")
                .because("infra provisions any endpoint through SDK clients and returns its own event-source settings;"
                        + " the CLI maps them onto local AWS (LocalProvisioning, LocalEventSources)")
                .check(CLASSES);
    }

    @Test
    void mainCode_neverDependsOnTestFixtures() {
        noClasses().that().resideInAPackage("io.sluice..")
                .should().dependOnClassesThat().resideInAPackage("org.junit..")
                .because("test fixtures (LocalAwsExtension) ship in localstack's test-jar, at test scope only")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.sluice"));
    }

    private static String moduleOf(String packageName) {
        Matcher m = MODULE_PACKAGE.matcher(packageName + ".x");
        return m.matches() ? m.group(1) : packageName;
    }
}
