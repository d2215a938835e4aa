package localnode;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one in-process Elasticsearch node until the JVM is told to stop (SIGTERM / SIGINT).
 *
 * <p>This is what the codelibs cluster runner did for Elasticsearch 7: construct a
 * {@link Node} directly instead of going through the official launcher
 * ({@code org.elasticsearch.bootstrap.Elasticsearch} + server-cli), so there is no security
 * manager, no bootstrap checks and no "can not run elasticsearch as root" refusal. That makes it
 * fit for tests only; never expose it beyond loopback.
 *
 * <p>Arguments are node settings as {@code key=value}; {@code path.home} is required and must hold
 * {@code config/}, {@code modules/} and {@code plugins/}. Optional system property
 * {@code localnode.pidfile}: file to write this JVM's pid to (removed again on exit).
 */
public final class LocalNode {

    private LocalNode() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            System.err.println("localnode: failed to start the node: " + t);
            t.printStackTrace(System.err);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(String[] args) throws Exception {
        // as early as possible, like the official bootstrap: ES' own logging facade must be wired
        // to log4j before any server class that logs is initialised
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureESLogging();

        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got [" + arg + "]");
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings input = builder.build();
        String home = input.get("path.home");
        if (home == null) {
            throw new IllegalArgumentException("path.home=<dir> is required");
        }
        Path homeDir = Path.of(home).toAbsolutePath().normalize();
        Path configDir = homeDir.resolve("config");
        Files.createDirectories(homeDir.resolve("plugins"));
        Files.createDirectories(homeDir.resolve("modules"));

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            input,
            Map.of(),
            configDir,
            () -> "local-es-node"
        );

        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.configure(environment, true);

        writePidFile();

        Node node = new Node(environment);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                e.printStackTrace(System.err);
            } finally {
                stopped.countDown();
            }
        }, "localnode-shutdown"));

        node.start();
        System.out.println("localnode: node started");
        System.out.flush();
        stopped.await();
    }

    private static void writePidFile() throws IOException {
        String pidFile = System.getProperty("localnode.pidfile");
        if (pidFile == null || pidFile.isEmpty()) {
            return;
        }
        Path path = Path.of(pidFile).toAbsolutePath();
        Files.createDirectories(path.getParent());
        long pid = ProcessHandle.current().pid();
        Files.writeString(path, Long.toString(pid) + "\n", StandardCharsets.US_ASCII);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // only remove it if it is still ours
                if (Files.exists(path) && Files.readString(path, StandardCharsets.US_ASCII).trim().equals(Long.toString(pid))) {
                    Files.delete(path);
                }
            } catch (IOException ignored) {
                // best effort
            }
        }, "localnode-pidfile-cleanup"));
    }
}
