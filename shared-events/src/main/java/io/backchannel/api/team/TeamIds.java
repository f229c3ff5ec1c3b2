package io.backchannel.api.team;

import java.util.List;

public record TeamIds(List<String> teamIds) {
}
