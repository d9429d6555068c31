import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.IdFirstH2Database;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import org.h2.mvstore.MVStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local MongoDB-wire database: mongo-java-server with its H2 (MVStore) file backend.
 * mongo-java-server ships no main class, so this is ours. deploy/local/infra.py compiles it
 * into the jar cache and runs it as: {@code MongoServerMain <host> <port> <h2-file>}.
 */
public final class MongoServerMain {
    private static final Logger LOG = LoggerFactory.getLogger(MongoServerMain.class);

    /**
     * What the server announces in its hello reply. mongo-java-server 1.47.0's newest
     * ServerVersion.MONGO_5_0 announces maxWireVersion 8, and PyMongo 4.20 refuses any server
     * below wire 9 (MongoDB 4.4) before sending a single command. We announce MongoDB 5.0 with
     * its real wire version 13 instead of pinning an older PyMongo: production runs a real
     * MongoDB on the same driver, and every check the services rely on (atomic $inc,
     * find_one_and_update, unique indexes, $group accumulators, upserts) passes against it
     * (tests/integration/test_database_contract.py). The announcement only changes the hello
     * reply; it does not add features (no transactions, no change streams).
     */
    private static final MongoVersion ANNOUNCED = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    /** Commands that change data: each is committed to the file before it is answered. */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "create",
            "createindexes", "drop", "dropindexes", "dropdatabase", "renamecollection");

    /**
     * The H2 backend, durable per command. MVStore keeps changes in memory and writes them
     * in the background about once a second, so a SIGKILL (or a crash) lost the writes of
     * the last second that had already been acknowledged: a report answered 202, or a case
     * whose events were already on Kafka, gone after a restart (tests/faults found it).
     * Committing a write before answering it puts it in the file (the OS page cache: it
     * survives the process, as MongoDB's journal does with its default j:false).
     */
    private static final class DurableH2Backend extends H2Backend {
        DurableH2Backend(String file, int cacheMb) {
            super(openStore(file, cacheMb));
        }

        /**
         * H2Backend(String) opens the store with MVStore's default 16 MB page cache. Past a few
         * thousand stored reports most reads then missed it: a thread dump of the benchmark's
         * database showed its workers in Page.read, deserializing pages (Java serialization)
         * read back from the file, and the cost per report grew with the data. The cache holds
         * decoded pages, so a larger one turns those reads into lookups. H2 underestimates what
         * decoded documents weigh: a heap histogram with 50,000 reports stored showed a 512 MB
         * cache holding ~850 MB of them, and the heap in full collections a third of the
         * time; 256 MB (about 450 MB of heap) holds the recent pages the pipeline works on.
         */
        private static MVStore openStore(String file, int cacheMb) {
            LOG.info("opening MVStore in '{}' with a {} MB page cache", file, cacheMb);
            return new MVStore.Builder().fileName(file).cacheSize(cacheMb).open();
        }

        /** Databases that answer {@code {_id, ...}} filters by the _id index (IdFirstH2Database). */
        @Override
        protected MongoDatabase openOrCreateDatabase(String name) {
            return new IdFirstH2Database(name, getMvStore(), getCursorRegistry());
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Document answer = super.handleCommand(channel, database, command, query);
            if (WRITES.contains(command.toLowerCase(Locale.ROOT))) {
                commit();
            }
            return answer;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: MongoServerMain <host> <port> <h2-file>");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String file = args[2];

        // Overridable for measuring (bench/db_growth.py compares it with H2's own default, 16).
        int cacheMb = Integer.getInteger("netreport.mvstore.cacheMb", 256);
        H2Backend backend = new DurableH2Backend(file, cacheMb);
        backend.version(ANNOUNCED);
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT run this hook: stop listening, then MongoServer.shutdown() closes the
        // backend, which commits and closes the MVStore file, so a clean stop loses nothing.
        // A SIGKILL loses nothing that was answered: DurableH2Backend commits every write first.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: closing connections and the H2 store {}", file);
            server.shutdown();
            LOG.info("stopped");
            stopped.countDown();
        }, "mongo-shutdown"));

        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            // Most often the port is taken. Exit instead of leaving the H2 file open.
            LOG.error("cannot listen on {}:{}", host, port, e);
            System.exit(1);
        }
        // infra.py waits with a real ping; this line is for the humans reading the log.
        LOG.info("mongo-java-server listening on {}:{} (H2 file {}, announcing MongoDB 5.0 / wire 13)", host, port, file);
        stopped.await();
    }
}
