package catalyse.neo4j;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;

/**
 * A first load in one JVM: Neo4j's offline importer ({@code database import full DATABASE ARGS...}, as
 * {@code neo4j-admin} runs it), then {@link Schema#run} on the new database, with the classes and the JIT of the
 * import still warm.
 *
 * <p>Usage: {@code java -cp launcher.jar:lib/* catalyse.neo4j.FirstLoad --home DIR --conf DIR [--database neo4j]
 * [--pagecache 512m] [--warmup DIR] < input}. Standard input (UTF-8): the importer's arguments, one per line, a
 * line {@code --}, then the schema statements, one per line. Prints {@code IMPORT EXIT n}; exits with the
 * importer's status if it failed, else with the schema step's (0, or 2 after {@code ERROR ...}).
 *
 * <p>{@code --warmup DIR}: before reading standard input, import a small sample ({@code DIR/args}: the importer's
 * arguments for it, one per line) into the throwaway home {@code DIR/home}, so that the importer's code is compiled
 * by the JIT while the caller is still writing the real files (a cold import of a million ties runs about twice as
 * long as a warm one). Prints {@code WARMUP EXIT n}; a failed warm-up is reported and otherwise ignored.
 */
public final class FirstLoad {
    public static void main(String[] args) throws Exception {
        Schema.millis(); // the clock of every "after N ms" starts here
        Path home = null;
        Path conf = null;
        Path warmup = null;
        String database = "neo4j";
        String pagecache = "512m";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) fail("missing value of " + args[i]);
            switch (args[i]) {
                case "--home" -> home = Path.of(args[i + 1]).toAbsolutePath();
                case "--conf" -> conf = Path.of(args[i + 1]).toAbsolutePath();
                case "--database" -> database = args[i + 1];
                case "--pagecache" -> pagecache = args[i + 1];
                case "--warmup" -> warmup = Path.of(args[i + 1]).toAbsolutePath();
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null || conf == null) fail("--home DIR and --conf DIR are required");
        if (warmup != null) {
            List<String> sample = new ArrayList<>(List.of("database", "import", "full", "neo4j"));
            sample.addAll(Files.readAllLines(warmup.resolve("args"), StandardCharsets.UTF_8));
            int rc = AdminTool.execute(new ExecutionContext(warmup.resolve("home"), conf), sample.toArray(new String[0]));
            System.out.println("WARMUP EXIT " + rc + " after " + Schema.millis() + " ms");
            System.out.flush();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> command = new ArrayList<>(List.of("database", "import", "full", database));
        for (String line; (line = in.readLine()) != null && !line.equals("--"); ) {
            if (!line.isEmpty()) command.add(line);
        }
        List<String> statements = Schema.readStatements(in);
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
