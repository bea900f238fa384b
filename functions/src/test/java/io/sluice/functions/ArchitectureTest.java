package io.sluice.functions;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Users import only the API; pipeline logic never sees AWS types; packages form no cycles. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sluice.functions");

    @Test
    void apiWindowsAndExamples_neverImportTheRuntimeOrDrivers() {
        noClasses().that().resideInAnyPackage("..functions.api..", "..functions.window..", "..functions.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("..functions.runtime..", "..functions.local..",
                        "..functions.testing..")
                .check(CLASSES);
    }

    @Test
    void pipelineCode_neverImportsAwsTypes() {
        noClasses().that().resideInAnyPackage("..functions.api..", "..functions.window..", "..functions.runtime..",
                        "..functions.codec..", "..functions.examples..", "..functions.local..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..")
                .check(CLASSES);
    }

    @Test
    void packages_formNoCycles() {
        slices().matching("io.sluice.functions.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
