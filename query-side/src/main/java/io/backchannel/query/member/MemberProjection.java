package io.backchannel.query.member;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.backchannel.api.account.AccountCreatedEvent;
import io.backchannel.api.team.MemberJoinedTeamEvent;
import io.backchannel.api.team.TeamCreatedEvent;
import io.backchannel.query.EventWrites;
import io.backchannel.query.Projections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.domain.Sort;
import org.axonframework.queryhandling.QueryHandler;
import io.backchannel.api.team.FetchMembersQuery;
import io.backchannel.api.team.FetchUserTeamsQuery;
import io.backchannel.api.team.TeamIds;
import io.backchannel.api.team.MemberPage;
import reactor.core.publisher.Flux;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;


import static io.backchannel.query.Projections.byId;
import static io.backchannel.query.Projections.pairId;

/**
 * Users, teams and who belongs to which team, both ways: a team's members ({@code team_members}, one document per
 * membership) and a user's teams ({@code user_teams}, one document per user). Owns the {@code users},
 * {@code teams}, {@code team_members} and {@code user_teams} collections, and {@code member_migrations}. Every
 * write is an upsert by key, a set addition or guarded by the team's event sequence number, so a redelivered
 * event changes nothing.
 */
@Component
@ProcessingGroup(Projections.GROUP)
public class MemberProjection implements SmartInitializingSingleton {

    static final String USERS = "users";
    static final String TEAMS = "teams";
    static final String TEAM_MEMBERS = "team_members";
    static final String USER_TEAMS = "user_teams";
    /** What was done once to a store written before a collection existed, so that it is done once. */
    static final String MIGRATIONS = "member_migrations";
    private static final String USER_TEAMS_FILLED = "user_teams filled from team_members";
    /** Memberships a bulk write of the fill takes: a round trip per thousand, not per membership. */
    private static final int FILL_BULK = 1_000;
    /** An index on {@code team_members.userId} that stores from before {@code user_teams} may hold (MongoDB's name). */
    static final String RETIRED_USER_ID_INDEX = "userId_1";

    /** Bounded: a team of 10,000 is 10,000 entries, about 2 MB. */
    private static final int KNOWN_MEMBERSHIPS = 100_000;

    private final ReactiveMongoTemplate mongo;
    private final Cache<String, Boolean> knownMemberships = Caffeine.newBuilder().maximumSize(KNOWN_MEMBERSHIPS).build();

    MemberProjection(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * "Which teams is this user in" is asked by every WebSocket connection as it opens, and answered by one
     * document per user. A store written before that document existed has it filled from the memberships
     * once, before the processor starts: after that the events keep it. (Without it, the embedded MongoDB
     * answered by reading every membership of every team, for every connection.)
     */
    @Override
    public void afterSingletonsInstantiated() {
        fillUserTeams().then(dropRetiredIndex()).block(Projections.WRITE_TIMEOUT.multipliedBy(10));
    }

    /**
     * Nothing reads the {@code userId} index of the memberships since {@code user_teams} answers "which teams is
     * this user in", but a MongoDB would keep updating it with every membership. Dropped at every start, which
     * is one round trip, so a store gets rid of it whenever it was made; a store without it has nothing to drop.
     */
    Mono<Void> dropRetiredIndex() {
        return mongo.indexOps(TEAM_MEMBERS).dropIndex(RETIRED_USER_ID_INDEX).onErrorResume(absent -> Mono.empty());
    }

    Mono<Void> fillUserTeams() {
        return mongo.exists(byId(USER_TEAMS_FILLED), MIGRATIONS).flatMap(filled -> filled ? Mono.empty()
                : mongo.find(new Query(), Document.class, TEAM_MEMBERS)
                        .buffer(FILL_BULK)
                        .concatMap(memberships -> {
                            ReactiveBulkOperations bulk = mongo.bulkOps(BulkOperations.BulkMode.ORDERED, USER_TEAMS);
                            memberships.forEach(member -> addUserTeam(bulk, member.getString("userId"),
                                    member.getString("teamId")));
                            return bulk.execute();
                        })
                        .then(mongo.save(new Document("_id", USER_TEAMS_FILLED), MIGRATIONS)))
                .then();
    }

    /** Adds a team to a user's teams: a set, so a membership told twice is one. */
    private static void addUserTeam(ReactiveBulkOperations bulk, String userId, String teamId) {
        bulk.upsert(byId(userId), new Update().addToSet("teamIds", teamId));
    }

    @EventHandler
    void on(AccountCreatedEvent event) {
        EventWrites.save(mongo, USERS, new Document("_id", event.userId()).append("username", event.username())
                .append("displayName", event.displayName()));
    }

    @EventHandler
    void on(TeamCreatedEvent event, @SequenceNumber long seq) {
        Update insert = new Update().setOnInsert("name", event.name()).setOnInsert("memberCount", 0L)
                .setOnInsert("appliedSeq", seq);
        EventWrites.submit(mongo, TEAMS, bulk -> bulk.upsert(byId(event.teamId()), insert));
    }

    @EventHandler
    void on(MemberJoinedTeamEvent event, @SequenceNumber long seq) {
        EventWrites.save(mongo, TEAM_MEMBERS, new Document("_id", pairId(event.teamId(), event.userId()))
                .append("teamId", event.teamId()).append("userId", event.userId()).append("ts", event.ts().toString()));
        EventWrites.submit(mongo, USER_TEAMS, bulk -> addUserTeam(bulk, event.userId(), event.teamId()));
        EventWrites.submit(mongo, TEAMS, bulk -> bulk.updateOne(
                Query.query(Criteria.where("_id").is(event.teamId()).and("appliedSeq").lt(seq)),
                new Update().set("appliedSeq", seq).inc("memberCount", 1L)));
    }

    /**
     * Whether the user is in the team. Nothing ever takes a user out of a team, so a yes is remembered (a
     * projection rebuild does not undo it either: the events still say so) and only a no is asked again. Every
     * stream a client opens, and every typing frame, checks this.
     */
    public Mono<Boolean> isTeamMember(String teamId, String userId) {
        String membership = pairId(teamId, userId);
        if (knownMemberships.getIfPresent(membership) != null) {
            return Mono.just(true);
        }
        return mongo.exists(byId(membership), TEAM_MEMBERS).doOnNext(member -> {
            if (member) {
                knownMemberships.put(membership, Boolean.TRUE);
            }
        });
    }

    /** The team's name, empty for an unknown team. */
    public Mono<String> teamName(String teamId) {
        return mongo.findOne(byId(teamId), Document.class, TEAMS).map(team -> team.getString("name"));
    }

    public Flux<String> memberIds(String teamId) {
        return mongo.find(Query.query(membersOf(teamId, null)), Document.class, TEAM_MEMBERS)
                .map(member -> member.getString("userId"));
    }

    /**
     * A team's memberships after the member {@code afterUserId} (all of them if null): one range of the
     * {@code teamId:userId} keys, which the {@code _id} index serves in user id order.
     */
    private static Criteria membersOf(String teamId, String afterUserId) {
        String to = teamId + (char) (':' + 1);
        return afterUserId == null
                ? Criteria.where("_id").gte(pairId(teamId, "")).lt(to)
                : Criteria.where("_id").gt(pairId(teamId, afterUserId)).lt(to);
    }

    @QueryHandler
    CompletableFuture<TeamIds> handle(FetchUserTeamsQuery query) {
        return mongo.findOne(byId(query.userId()), Document.class, USER_TEAMS)
                .map(teams -> new TeamIds(teams.getList("teamIds", String.class)))
                .defaultIfEmpty(new TeamIds(List.of()))
                .toFuture();
    }

    /**
     * A page of members ordered by user id. The cursor is the last user id of the previous page, so
     * the page is one range over the {@code teamId:userId} keys.
     */
    @QueryHandler
    CompletableFuture<MemberPage> handle(FetchMembersQuery query) {
        Query range = Query.query(membersOf(query.teamId(), query.after())).with(Sort.by("_id")).limit(query.limit() + 1);
        return mongo.find(range, Document.class, TEAM_MEMBERS)
                .map(member -> member.getString("userId"))
                .collectList()
                .flatMap(userIds -> {
                    boolean hasMore = userIds.size() > query.limit();
                    List<String> page = hasMore ? userIds.subList(0, query.limit()) : userIds;
                    return mongo.find(Query.query(Criteria.where("_id").in(page)), Document.class, USERS)
                            .collectMap(user -> user.getString("_id"))
                            .map(users -> new MemberPage(page.stream()
                                    .map(id -> {
                                        Document user = users.get(id);
                                        return new MemberPage.Member(id, user == null ? null : user.getString("username"),
                                                user == null ? null : user.getString("displayName"));
                                    })
                                    .toList(), hasMore ? page.get(page.size() - 1) : null));
                })
                .toFuture();
    }
}
