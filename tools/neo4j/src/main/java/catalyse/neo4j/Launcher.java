package catalyse.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.config.Setting;

/**
 * Starts an embedded Neo4j 5.26 Community DBMS for tests: Bolt on 127.0.0.1 only, auth enabled,
 * the {@code neo4j} user's password taken from the environment variable NEO4J_PASSWORD.
 *
 * <p>Usage: {@code java -cp launcher.jar:lib/* catalyse.neo4j.Launcher --port 17687 --home DIR
 * [--pagecache 256m] [--tx-off-heap 4g] [--gds DIR]}. With {@code --gds DIR} the Graph Data Science jars of DIR are
 * the plugin directory (they must also be on the class path) and {@code gds.*} procedures run unrestricted.
 * Prints {@code READY bolt://127.0.0.1:PORT} once Bolt accepts connections;
 * SIGTERM shuts the DBMS down cleanly through a shutdown hook.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    private static final long T0 = System.nanoTime();

    public static void main(String[] args) throws Exception {
        int port = 17687;
        Path home = null;
        String pagecache = "256m";
        String offHeap = "4g";
        Path gds = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--home" -> home = Path.of(args[i + 1]).toAbsolutePath();
                case "--pagecache" -> pagecache = args[i + 1];
                case "--tx-off-heap" -> offHeap = args[i + 1];
                case "--gds" -> gds = Path.of(args[i + 1]).toAbsolutePath();
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null) fail("--home DIR is required");
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) fail("environment variable NEO4J_PASSWORD is not set");

        Map<Setting<?>, Object> cfg = new LinkedHashMap<>();
        // Network: Bolt only, loopback only, no TLS, no routing listener, no usage reports.
        cfg.put(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST));
        cfg.put(BoltConnector.enabled, true);
        cfg.put(BoltConnector.listen_address, new SocketAddress(HOST, port));
        cfg.put(BoltConnector.advertised_address, new SocketAddress(HOST, port));
        cfg.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        cfg.put(GraphDatabaseSettings.routing_enabled, false);
        cfg.put(GraphDatabaseSettings.udc_enabled, false);
        // Auth on; no lock-out after failed attempts (tests check wrong passwords on purpose).
        cfg.put(GraphDatabaseSettings.auth_enabled, true);
        cfg.put(GraphDatabaseSettings.auth_max_failed_attempts, 0);
        // Small page cache and transaction logs: this is a test server.
        cfg.put(GraphDatabaseSettings.pagecache_memory, parseBytes(pagecache));
        cfg.put(GraphDatabaseSettings.logical_log_rotation_threshold, 32L << 20);
        cfg.put(GraphDatabaseSettings.keep_logical_logs, "2 files");
        cfg.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        // Large single transactions (1M relationships) are bounded by the heap only: 0 = unlimited.
        cfg.put(GraphDatabaseSettings.memory_transaction_global_max_size, 0L);
        cfg.put(GraphDatabaseSettings.memory_transaction_database_max_size, 0L);
        cfg.put(GraphDatabaseSettings.memory_transaction_max_size, 0L);
        // Keep big transaction states off the Java heap (default is ON_HEAP), up to --tx-off-heap.
        cfg.put(GraphDatabaseSettings.tx_state_memory_allocation,
                GraphDatabaseSettings.TransactionStateMemoryAllocation.OFF_HEAP);
        cfg.put(GraphDatabaseSettings.tx_state_max_off_heap_memory, parseBytes(offHeap));

        if (gds != null) {
            // Graph Data Science: its procedures are found in the plugin directory; they need unrestricted access.
            cfg.put(GraphDatabaseSettings.plugin_dir, gds);
            cfg.put(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }

        StringBuilder names = new StringBuilder("settings:");
        cfg.forEach((s, v) -> names.append(' ').append(s.name()).append('=').append(v));
        System.out.println(names);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).setConfig(cfg).build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("SHUTDOWN requested");
            dbms.shutdown();
            System.out.println("STOPPED");
            System.out.flush();
        }, "neo4j-shutdown"));

        System.out.println("dbms started after " + millis() + " ms");
        setPassword(dbms, password);
        waitForBolt(port);
        System.out.println("READY bolt://" + HOST + ":" + port);
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM/SIGINT runs the shutdown hook
    }

    /** Sets the neo4j user's password (a query parameter: it never appears in any log). */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            System.out.println("password of user neo4j set after " + millis() + " ms");
        } catch (QueryExecutionException e) {
            // Restart on an existing data dir with the same password: nothing to change.
            if (String.valueOf(e.getMessage()).contains("cannot be the same")) {
                System.out.println("password of user neo4j unchanged after " + millis() + " ms");
            } else {
                throw e;
            }
        }
    }

    private static void waitForBolt(int port) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        fail("Bolt did not accept connections on " + HOST + ":" + port);
    }

    private static long millis() {
        return (System.nanoTime() - T0) / 1_000_000;
    }

    static long parseBytes(String s) {
        String t = s.trim().toLowerCase();
        long mult = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L;
        };
        return Long.parseLong(mult == 1L ? t : t.substring(0, t.length() - 1)) * mult;
    }

    private static void fail(String message) {
        System.err.println("ERROR " + message);
        System.exit(2);
    }
}
