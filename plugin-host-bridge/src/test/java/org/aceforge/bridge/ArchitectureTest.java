package org.aceforge.bridge;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house rules, checked on the compiled classes of every module (this module's tests see them all): the engine
 * knows nothing of UI, hosts or HTTP; the UI nothing of VST3; only the bridge knows JNA; engine packages form no
 * cycle; the graph builder knows nothing of model files.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.aceforge");
    }

    @Test
    void theRulesSeeEveryModule() {
        for (String c : new String[]{"org.aceforge.engine.graph.OnnxGraph", "org.aceforge.ui.studio.StudioWindow",
                "org.aceforge.bridge.vst3.Vst3Bridge", "org.aceforge.client.RemoteRenderer"})
            org.junit.jupiter.api.Assertions.assertTrue(classes.containPackage(c.substring(0, c.lastIndexOf('.'))), c);
    }

    @Test
    void theEngineKnowsNothingOfUiHostsOrHttp() {
        noClasses().that().resideInAPackage("org.aceforge.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.aceforge.ui..", "org.aceforge.bridge..",
                        "javax.swing..", "java.awt..", "io.javalin..", "org.eclipse.jetty..")
                .check(classes);
        noClasses().that().resideInAPackage("org.aceforge.engine..").and().resideOutsideOfPackages("org.aceforge.engine.runtime.gpu..",
                        "org.aceforge.engine.runtime.os..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .check(classes);
    }

    @Test
    void theUiKnowsNothingOfVst3() {
        noClasses().that().resideInAPackage("org.aceforge.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("org.aceforge.bridge..", "com.sun.jna..")
                .check(classes);
    }

    /** The server client is plumbing: no UI, no host, no server internals; the UI reaches a server only through it. */
    @Test
    void theClientKnowsNoUiAndTheUiNoHttp() {
        noClasses().that().resideInAPackage("org.aceforge.client..")
                .should().dependOnClassesThat().resideInAnyPackage("org.aceforge.ui..", "org.aceforge.bridge..", "org.aceforge.server..",
                        "javax.swing..", "java.awt..", "io.javalin..", "org.eclipse.jetty..")
                .check(classes);
        noClasses().that().resideInAPackage("org.aceforge.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "io.javalin..", "org.eclipse.jetty..", "org.aceforge.server..")
                .check(classes);
    }

    /** JNA binds the VST3 shim, NVML for the GPU's memory, and the C library's malloc_trim (runtime.os); nothing else. */
    @Test
    void onlyTheVst3BindingUsesJna() {
        noClasses().that().resideOutsideOfPackages("org.aceforge.bridge.vst3..", "org.aceforge.engine.runtime.gpu..",
                        "org.aceforge.engine.runtime.os..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .check(classes);
    }

    @Test
    void enginePackagesFormNoCycle() {
        slices().matching("org.aceforge.engine.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theGraphBuilderKnowsNothingOfModelFilesOrWhatUsesIt() {
        noClasses().that().resideInAPackage("org.aceforge.engine.graph..")
                .should().dependOnClassesThat().resideInAnyPackage("org.aceforge.engine.model..", "org.aceforge.engine.nets..",
                        "org.aceforge.engine.pipeline..", "org.aceforge.engine.jobs..", "org.aceforge.engine.lm..",
                        "org.aceforge.engine.demo..", "org.aceforge.engine.cli..")
                .check(classes);
    }

    @Test
    void thePipelineAsksTheTaskAndNeverNamesOne() {
        noClasses().that().resideInAnyPackage("org.aceforge.engine.pipeline..", "org.aceforge.engine.sampling..")
                .should().dependOnClassesThat().implement(org.aceforge.engine.tasks.Task.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.aceforge.engine.tasks.TaskKind")
                .check(classes);
    }

    @Test
    void tasksKnowTensorsAndTheTimelineNotModelsOrJobs() {
        noClasses().that().resideInAPackage("org.aceforge.engine.tasks..")
                .should().dependOnClassesThat().resideInAnyPackage("org.aceforge.engine.pipeline..", "org.aceforge.engine.jobs..",
                        "org.aceforge.engine.model..", "org.aceforge.engine.runtime..", "org.aceforge.engine.graph..",
                        "org.aceforge.engine.nets..", "org.aceforge.engine.lm..", "org.aceforge.engine.cli..")
                .check(classes);
    }

    @Test
    void theStudiosControlKnowsNoSwing() {
        noClasses().that().haveSimpleName("StudioController").or().haveSimpleName("StudioView")
                .should().dependOnClassesThat().resideInAnyPackage("javax.swing..", "java.awt..")
                .check(classes);
    }
}
