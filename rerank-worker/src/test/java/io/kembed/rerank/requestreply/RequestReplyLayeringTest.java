package io.kembed.rerank.requestreply;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Where the Kafka request/reply transport may reach, written down so that a violation fails the build. */
@AnalyzeClasses(packages = {"io.kembed.rerank", "io.kembed.core.requestreply"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class RequestReplyLayeringTest {

    @ArchTest
    static final ArchRule transportTalksToRerankersThroughTheirPublicTypes = noClasses()
            .that().resideInAPackage("io.kembed.rerank.requestreply..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.rerank.onnx..", "io.kembed.rerank.plan..",
                    "ai.onnxruntime..", "ai.djl..")
            .because("the request/reply transport uses Reranker, CrossEncoder and RerankOutcome from "
                    + "io.kembed.rerank only; scoring internals change without touching the protocol");

    @ArchTest
    static final ArchRule scoringDoesNotKnowTheTransport = noClasses()
            .that().resideInAPackage("io.kembed.rerank")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.rerank.requestreply..",
                    "io.kembed.core.requestreply..", "org.apache.kafka..")
            .because("rerankers are plain in-process scorers; Kafka belongs to io.kembed.rerank.requestreply "
                    + "(RerankWorker adapts a Reranker to a RequestServer)");

    @ArchTest
    static final ArchRule genericMachineryKnowsNoPayload = noClasses()
            .that().resideInAPackage("io.kembed.core.requestreply..")
            .should().dependOnClassesThat().resideInAnyPackage("io.kembed.rerank..", "io.kembed.embed..",
                    "com.fasterxml.jackson..")
            .because("io.kembed.core.requestreply moves byte[] payloads; protocols (JSON, rerank) live with "
                    + "their workers");
}
