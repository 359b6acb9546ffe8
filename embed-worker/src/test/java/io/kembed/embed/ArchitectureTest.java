package io.kembed.embed;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Layering of the embed worker's main code, written down so that a violation fails the build. */
@AnalyzeClasses(packages = "io.kembed.embed", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheOnnxPackageTouchesOnnxRuntimeOrDjl = noClasses()
            .that().resideOutsideOfPackage("io.kembed.embed.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
            .because("ONNX Runtime and the DJL tokenizer are native plumbing kept behind io.kembed.embed.onnx "
                    + "(OnnxEncoder, TextTokenizer); add what you need there and pass plain Java types "
                    + "(long[], float[][], records) across the boundary");

    @ArchTest
    static final ArchRule mainCodeNeverLoadsLangChain4j = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("dev.langchain4j..")
            .because("the LangChain4j jars are only a source of model files, read as zip entries by "
                    + "io.kembed.embed.model.ModelLoader; LangChain4j itself is a test-scope oracle "
                    + "(BiEncoderGoldenTest)");

    @ArchTest
    static final ArchRule pureLogicStaysPure = noClasses()
            .that().resideInAPackage("io.kembed.embed.batch..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.embed.onnx..", "io.kembed.embed.model..",
                    "io.kembed.embed.bench..")
            .because("batch planning, chunk planning and pooling are pure functions tested without a model; "
                    + "keep I/O and native code out of io.kembed.embed.batch");

    @ArchTest
    static final ArchRule bulkPathDoesNotKnowTheQueryTransport = noClasses()
            .that().resideOutsideOfPackage("io.kembed.embed.query..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.embed.query..", "io.kembed.core.requestreply..")
            .because("query embedding over Kafka request/reply lives in io.kembed.embed.query and uses BiEncoder and "
                    + "PriorityGate from io.kembed.embed; the bulk worker shares the gate (EmbedWorker.priorityGate()) "
                    + "without knowing the transport");
}
