package io.kembed.rerank;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Layering of the rerank worker's main code, written down so that a violation fails the build. */
@AnalyzeClasses(packages = "io.kembed.rerank", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheOnnxPackageTouchesOnnxRuntimeOrDjl = noClasses()
            .that().resideOutsideOfPackage("io.kembed.rerank.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
            .because("ONNX Runtime and the DJL tokenizer are native plumbing kept behind io.kembed.rerank.onnx "
                    + "(CrossEncoderSession, PairTokenizer); add what you need there and pass plain Java types "
                    + "(long[], float[], EncodedPair) across the boundary");

    @ArchTest
    static final ArchRule planningStaysPure = noClasses()
            .that().resideInAPackage("io.kembed.rerank.plan..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.rerank.onnx..", "io.kembed.embed..",
                    "ai.onnxruntime..", "ai.djl..")
            .because("truncation, batching and the deadline plan are pure functions tested without a model; "
                    + "keep I/O and native code out of io.kembed.rerank.plan");
}
