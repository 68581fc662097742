package catalyse.neo4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;

/**
 * A first load in one JVM: Neo4j's offline importer ({@code database import full DATABASE ARGS...}, as
 * {@code neo4j-admin} runs it), then {@link Schema#run} on the new database (the statements of standard input),
 * with the classes and the JIT of the import still warm.
 *
 * <p>Usage: {@code java -cp launcher.jar:lib/* catalyse.neo4j.FirstLoad --home DIR --conf DIR [--database neo4j]
 * [--pagecache 512m] -- IMPORT-ARGS... < statements}. Prints {@code IMPORT EXIT n}; exits with the importer's
 * status if it failed, else with the schema step's (0, or 2 after {@code ERROR ...}).
 */
public final class FirstLoad {
    public static void main(String[] args) throws Exception {
        Path home = null;
        Path conf = null;
        String database = "neo4j";
        String pagecache = "512m";
        int i = 0;
        for (; i < args.length && !args[i].equals("--"); i += 2) {
            if (i + 1 >= args.length) fail("missing value of " + args[i]);
            switch (args[i]) {
                case "--home" -> home = Path.of(args[i + 1]).toAbsolutePath();
                case "--conf" -> conf = Path.of(args[i + 1]).toAbsolutePath();
                case "--database" -> database = args[i + 1];
                case "--pagecache" -> pagecache = args[i + 1];
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null || conf == null) fail("--home DIR and --conf DIR are required");
        List<String> statements = Schema.readStatements();
        List<String> command = new ArrayList<>(List.of("database", "import", "full", database));
        for (i = i + 1; i < args.length; i++) command.add(args[i]);
        int rc = AdminTool.execute(new ExecutionContext(home, conf), command.toArray(new String[0]));
        System.out.println("IMPORT EXIT " + rc + " after " + Schema.millis() + " ms");
        System.out.flush();
        if (rc != 0) System.exit(rc);
        System.exit(Schema.run(home, database, pagecache, statements));
    }

    private static void fail(String message) {
        System.err.println("ERROR " + message);
        System.exit(2);
    }
}
