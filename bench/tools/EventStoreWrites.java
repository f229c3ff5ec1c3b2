import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.UUID;

/**
 * How much the embedded event store writes to its file per event: appends as the standalone server's
 * writer makes them (a transaction of several events from random channels, committed to disk each time),
 * into a fresh H2 file with the server's schema. Counts H2's own file writes, so the figure does not depend
 * on the machine's speed. Run from the repository's root with H2 from the local Maven repository:
 *
 * <pre>
 * java -cp ~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar bench/tools/EventStoreWrites.java \
 *     [--with-event-id-index] [channels=100] [eventsPerCommit=10] [events=40000]
 * </pre>
 * The second half of the events is measured, so that the indexes are past their first pages.
 */
public class EventStoreWrites {

    public static void main(String[] args) throws Exception {
        boolean eventIdIndex = args.length > 0 && args[0].equals("--with-event-id-index");
        String[] numbers = eventIdIndex ? Arrays.copyOfRange(args, 1, args.length) : args;
        int channels = numbers.length > 0 ? Integer.parseInt(numbers[0]) : 100;
        int perCommit = numbers.length > 1 ? Integer.parseInt(numbers[1]) : 10;
        int events = numbers.length > 2 ? Integer.parseInt(numbers[2]) : 40_000;
        Path dir = Files.createTempDirectory("event-store-writes");
        try {
            measure(dir, eventIdIndex, channels, perCommit, events);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void measure(Path dir, boolean eventIdIndex, int channels, int perCommit, int events)
            throws IOException, SQLException {
        try (Connection store = DriverManager.getConnection("jdbc:h2:" + dir.resolve("events") + ";WRITE_DELAY=0", "sa", "")) {
            try (Statement schema = store.createStatement()) {
                schema.execute(Files.readString(Path.of("standalone/src/main/resources/event-store.sql")));
                if (eventIdIndex) {
                    schema.execute("CREATE UNIQUE INDEX ON DomainEventEntry (eventIdentifier)");
                }
            }
            store.setAutoCommit(false);
            String[] channelIds = new String[channels];
            long[] nextSeq = new long[channels];
            Arrays.setAll(channelIds, i -> UUID.randomUUID().toString());
            byte[] payload = new byte[300];
            Arrays.fill(payload, (byte) 'x');
            byte[] metaData = new byte[120];
            Random random = new Random(1);
            PreparedStatement append = store.prepareStatement("INSERT INTO DomainEventEntry (aggregateIdentifier, "
                    + "sequenceNumber, type, eventIdentifier, metaData, payload, payloadRevision, payloadType, timeStamp) "
                    + "VALUES (?, ?, 'Channel', ?, ?, ?, NULL, 'io.backchannel.api.message.MessagePostedEvent', "
                    + "'2026-11-30T05:00:00.000Z')");
            int commits = (events + perCommit - 1) / perCommit;
            long bytesAtHalf = 0;
            for (int commit = 0; commit < commits; commit++) {
                if (commit == commits / 2) {
                    bytesAtHalf = fileWriteBytes(store);
                }
                for (int i = 0; i < perCommit; i++) {
                    int channel = random.nextInt(channels);
                    append.setString(1, channelIds[channel]);
                    append.setLong(2, nextSeq[channel]++);
                    append.setString(3, UUID.randomUUID().toString());
                    append.setBytes(4, metaData);
                    append.setBytes(5, payload);
                    append.addBatch();
                }
                append.executeBatch();
                store.commit();
            }
            long measured = (long) (commits - commits / 2) * perCommit;
            System.out.printf("eventIdentifier index %s, %d channels, %d events a commit: %,.0f bytes written per event%n",
                    eventIdIndex ? "on" : "off", channels, perCommit, (fileWriteBytes(store) - bytesAtHalf) / (double) measured);
        }
    }

    private static long fileWriteBytes(Connection store) throws SQLException {
        try (ResultSet setting = store.createStatement().executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
            setting.next();
            return Long.parseLong(setting.getString(1));
        }
    }
}
