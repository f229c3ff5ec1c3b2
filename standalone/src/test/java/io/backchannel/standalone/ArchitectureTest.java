package io.backchannel.standalone;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The sides meet only through shared-events' messages, so each can run as its own process. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.backchannel");

    @Test
    void commandSideDoesNotKnowTheOthers() {
        noClasses().that().resideInAPackage("io.backchannel.command..")
                .should().dependOnClassesThat().resideInAnyPackage("io.backchannel.query..", "io.backchannel.gateway..")
                .check(CLASSES);
    }

    @Test
    void querySideDoesNotKnowTheOthers() {
        noClasses().that().resideInAPackage("io.backchannel.query..")
                .should().dependOnClassesThat().resideInAnyPackage("io.backchannel.command..", "io.backchannel.gateway..")
                .check(CLASSES);
    }

    @Test
    void gatewayTalksToTheSidesOnlyThroughMessages() {
        noClasses().that().resideInAPackage("io.backchannel.gateway..")
                .should().dependOnClassesThat().resideInAnyPackage("io.backchannel.command..", "io.backchannel.query..")
                .check(CLASSES);
    }

    @Test
    void sharedEventsHaveNoSpring() {
        noClasses().that().resideInAPackage("io.backchannel.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(CLASSES);
    }
}
