package io.sluice.functions;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.sluice.functions.runtime.CompiledPipeline;
import io.sluice.functions.runtime.GlobalWatermark;
import io.sluice.functions.runtime.Outputs;
import io.sluice.functions.runtime.RunMetrics;
import io.sluice.functions.runtime.SplitProcessor;
import io.sluice.functions.runtime.WindowFirer;
import io.sluice.functions.window.WatermarkStrategy;
import io.sluice.state.StateStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Users import only the API; pipeline logic never sees AWS types; only the driver seam runs the runtime; packages form
 * no cycles.
 */
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
    void firersProcessorsAndTheGlobalWatermark_areMadeOnlyByTheDriverSeam() {
        noClasses().that().resideOutsideOfPackage("..functions.driver..")
                .should().callConstructor(WindowFirer.class, CompiledPipeline.class, StateStore.class, Outputs.class,
                        RunMetrics.class, String.class, long.class)
                .orShould().callConstructor(SplitProcessor.class, CompiledPipeline.class, StateStore.class,
                        String.class, Outputs.class, RunMetrics.class, SplitProcessor.Mode.class)
                .orShould().callMethod(GlobalWatermark.class, "of", List.class, WatermarkStrategy.class, long.class)
                .because("the fixes of exactly-once belong in one place (io.sluice.functions.driver.PipelineRun)")
                .check(CLASSES);
    }

    @Test
    void packages_formNoCycles() {
        slices().matching("io.sluice.functions.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
