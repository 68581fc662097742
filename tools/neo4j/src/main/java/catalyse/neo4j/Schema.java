package catalyse.neo4j;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.config.Setting;

/**
 * Runs schema statements (one Cypher statement per line of standard input: the store's CREATE CONSTRAINT / CREATE
 * INDEX) on a stopped DBMS home, then waits for every index to be online and shuts the DBMS down. Used after an
 * offline import, which writes no index: no network connector is opened (Bolt off).
 *
 * <p>Usage: {@code java -cp launcher.jar:lib/* catalyse.neo4j.Schema --home DIR [--database neo4j] [--pagecache 512m]
 * < statements}. Prints {@code SCHEMA ONLINE n} (n statements) on success; exits 2 with {@code ERROR ...} otherwise.
 */
public final class Schema {
    private static final long T0 = System.nanoTime();

    public static void main(String[] args) throws Exception {
        Path home = null;
        String database = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;
        String pagecache = "512m";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[i + 1]).toAbsolutePath();
                case "--database" -> database = args[i + 1];
                case "--pagecache" -> pagecache = args[i + 1];
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null) fail("--home DIR is required");
        List<String> statements =
                readStatements(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        System.exit(run(home, database, pagecache, statements));
    }

    /** Opens the DBMS of {@code home}, runs {@code statements} on {@code database}, waits for the indexes, shuts
     * down. Returns 0 on success, 2 (after printing {@code ERROR ...}) if a statement failed. */
    static int run(Path home, String database, String pagecache, List<String> statements) {
        Map<Setting<?>, Object> cfg = new LinkedHashMap<>();
        cfg.put(BoltConnector.enabled, false);
        cfg.put(GraphDatabaseSettings.udc_enabled, false);
        cfg.put(GraphDatabaseSettings.pagecache_memory, Launcher.parseBytes(pagecache));
        cfg.put(GraphDatabaseSettings.logical_log_rotation_threshold, 32L << 20);
        cfg.put(GraphDatabaseSettings.keep_logical_logs, "2 files");
        cfg.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).setConfig(cfg).build();
        int status = 0;
        try {
            System.out.println("dbms started after " + millis() + " ms");
            GraphDatabaseService db = dbms.database(database);
            for (String statement : statements) {
                db.executeTransactionally(statement);
                System.out.println("ran after " + millis() + " ms: " + statement);
            }
            try (Transaction tx = db.beginTx()) {
                tx.schema().awaitIndexesOnline(24, TimeUnit.HOURS);
                tx.commit();
            }
            System.out.println("SCHEMA ONLINE " + statements.size() + " after " + millis() + " ms");
        } catch (RuntimeException e) {
            System.out.println("ERROR " + String.valueOf(e.getMessage()).replace('\n', ' '));
            status = 2;
        } finally {
            dbms.shutdown();
            System.out.println("stopped after " + millis() + " ms");
            System.out.flush();
        }
        return status;
    }

    /** The non-blank lines left in {@code in} (read to its end, then closed), stripped. */
    static List<String> readStatements(BufferedReader in) throws java.io.IOException {
        List<String> statements = new ArrayList<>();
        try (in) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) statements.add(line.strip());
            }
        }
        return statements;
    }

    static long millis() {
        return (System.nanoTime() - T0) / 1_000_000;
    }

    private static void fail(String message) {
        System.err.println("ERROR " + message);
        System.exit(2);
    }
}
