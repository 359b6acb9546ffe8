package io.kembed.sink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Which package of the sink may use which backend library. */
@AnalyzeClasses(packages = "io.kembed.sink", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule onlyTheQdrantPackageTalksToQdrant = noClasses()
            .that().resideOutsideOfPackage("io.kembed.sink.qdrant..")
            .should().dependOnClassesThat().resideInAnyPackage("io.qdrant..", "io.grpc..")
            .because("Qdrant and gRPC types stay inside io.kembed.sink.qdrant; callers see only VectorStore and"
                    + " QdrantStoreConfig. Move the code there, or add a method to QdrantVectorStore.");

    @ArchTest
    static final ArchRule onlyTheLucenePackageUsesLucene = noClasses()
            .that().resideOutsideOfPackage("io.kembed.sink.lucene..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.lucene..")
            .because("Lucene types stay inside io.kembed.sink.lucene; callers see only VectorStore. Move the code"
                    + " there, or add a method to LuceneVectorStore.");

    @ArchTest
    static final ArchRule backendsDoNotUseEachOther = noClasses()
            .that().resideInAPackage("io.kembed.sink.lucene..")
            .should().dependOnClassesThat().resideInAPackage("io.kembed.sink.qdrant..")
            .orShould().dependOnClassesThat().resideInAPackage("io.kembed.sink")
            .because("each backend depends on core's VectorStore only; shared code belongs in core");

    @ArchTest
    static final ArchRule qdrantDoesNotUseLucenePackage = noClasses()
            .that().resideInAPackage("io.kembed.sink.qdrant..")
            .should().dependOnClassesThat().resideInAPackage("io.kembed.sink.lucene..")
            .orShould().dependOnClassesThat().resideInAPackage("io.kembed.sink")
            .because("each backend depends on core's VectorStore only; shared code belongs in core");
}
