package io.kembed.producer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The producer module's package rules. */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kembed.producer");

    @Test
    void sdk_doesNotDependOnTheImporter() {
        noClasses().that().resideInAPackage("io.kembed.producer")
                .should().dependOnClassesThat().resideInAPackage("io.kembed.producer.imports..")
                .because("upstream apps embed the ChangePublisher SDK; the importer builds on it, never the reverse")
                .check(CLASSES);
    }

    @Test
    void onlyConsoleProgress_usesTheProgressBarLibrary() {
        noClasses().that().doNotHaveFullyQualifiedName("io.kembed.producer.imports.ConsoleProgress")
                .should().dependOnClassesThat().resideInAPackage("me.tongfei.progressbar..")
                .because("terminal rendering stays behind the ImportListener interface: put it in ConsoleProgress")
                .check(CLASSES);
    }

    @Test
    void producer_neverStartsAnEmbeddedBroker() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("io.kembed.core.kafka.EmbeddedKafka")
                .because("kafka-test-common-runtime is a test dependency here; the app module owns the embedded default")
                .check(CLASSES);
    }
}
