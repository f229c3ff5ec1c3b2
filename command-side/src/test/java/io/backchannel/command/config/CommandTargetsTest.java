package io.backchannel.command.config;

import io.backchannel.api.read.MarkReadCommand;
import io.backchannel.api.team.JoinTeamCommand;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands reach the aggregate Axon's own resolver would send them to, and are refused as it refuses them. */
class CommandTargetsTest {

    private final CommandTargetResolver targets = new CommandTargets();
    private final CommandTargetResolver axons = AnnotationCommandTargetResolver.builder().build();

    record Versioned(@TargetAggregateIdentifier String channelId, @TargetAggregateVersion long version) {
    }

    static final class FieldTargeted {
        @TargetAggregateIdentifier
        private final String teamId = "t-field";
    }

    @Test
    void everyCommandGoesWhereAxonsResolverSendsIt() {
        for (Object command : List.of(new MarkReadCommand("u-1", "c-1", "t-1", 4), new JoinTeamCommand("t-1", "u-2"),
                new Versioned("c-2", 7), new FieldTargeted())) {
            VersionedAggregateIdentifier target = targets.resolveTarget(GenericCommandMessage.asCommandMessage(command));

            assertThat(target).as("%s", command).isEqualTo(axons.resolveTarget(GenericCommandMessage.asCommandMessage(command)));
        }
        assertThat(targets.resolveTarget(GenericCommandMessage.asCommandMessage(new MarkReadCommand("u-1", "c-1", "t-1", 4))))
                .isEqualTo(new VersionedAggregateIdentifier("u-1", null));
        assertThat(targets.resolveTarget(GenericCommandMessage.asCommandMessage(new Versioned("c-2", 7))).getVersion())
                .isEqualTo(7L);
    }

    @Test
    void aCommandWithoutATargetIsRefusedAsAxonRefusesIt() {
        JoinTeamCommand noTeam = new JoinTeamCommand(null, "u-1");

        assertThatThrownBy(() -> targets.resolveTarget(GenericCommandMessage.asCommandMessage(noTeam)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not identify the target aggregate");
        assertThatThrownBy(() -> targets.resolveTarget(GenericCommandMessage.asCommandMessage("no annotation at all")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
