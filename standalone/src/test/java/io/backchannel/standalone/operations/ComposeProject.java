package io.backchannel.standalone.operations;

import io.backchannel.command.config.CommandSideProperties;
import io.backchannel.gateway.security.JwtProperties;
import io.backchannel.gateway.stream.StreamProperties;
import io.backchannel.query.config.QuerySideProperties;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the operations files of the repository ({@code compose/}) and the configuration the three
 * distributed applications really read, straight from the source tree: what the Docker images are
 * built from.
 */
final class ComposeProject {

    /**
     * The three applications of the distributed shape: module (= spring.config.name), the package its
     * code lives in, and the {@code @ConfigurationProperties} records it is known to have (more are
     * found by scanning the package).
     */
    enum App {
        COMMAND_SIDE("command-side", "io.backchannel.command", CommandSideProperties.class),
        QUERY_SIDE("query-side", "io.backchannel.query", QuerySideProperties.class),
        API_GATEWAY("api-gateway", "io.backchannel.gateway", JwtProperties.class, StreamProperties.class);

        final String module;
        final String basePackage;
        final List<Class<?>> knownProperties;

        App(String module, String basePackage, Class<?>... knownProperties) {
            this.module = module;
            this.basePackage = basePackage;
            this.knownProperties = List.of(knownProperties);
        }

        /** Every {@code @ConfigurationProperties} class of the application: the known ones and any other in its package. */
        Set<Class<?>> configurationProperties() {
            ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
            scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
            Set<Class<?>> classes = new LinkedHashSet<>(knownProperties);
            for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
                classes.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), App.class.getClassLoader()));
            }
            return classes;
        }

        static Optional<App> ofModule(String module) {
            return Stream.of(values()).filter(app -> app.module.equals(module)).findFirst();
        }
    }

    /** Modules whose main resources an application's {@code spring.config.import: classpath:...} may name. */
    private static final List<String> RESOURCE_MODULES = List.of("shared-events", "command-side", "query-side", "api-gateway");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");

    static final Path ROOT = findRoot();
    static final Path COMPOSE_DIR = ROOT.resolve("compose");

    private ComposeProject() {
    }

    private static Path findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("compose/compose.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no compose/compose.yaml above " + Path.of("").toAbsolutePath());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalStateException(file + " is not a YAML mapping");
        }
        return (Map<String, Object>) map;
    }

    static Map<String, Object> compose() {
        return yaml(COMPOSE_DIR.resolve("compose.yaml"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    static Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        if (service == null) {
            throw new IllegalStateException("compose.yaml has no service " + name);
        }
        return service;
    }

    /** A service's environment, in either of compose's forms (a mapping, or a list of {@code KEY=value}). */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((key, value) -> environment.put(String.valueOf(key), value == null ? null : String.valueOf(value)));
        } else if (raw instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int equals = text.indexOf('=');
                environment.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? null : text.substring(equals + 1));
            }
        }
        return environment;
    }

    /** The module a service is built from ({@code build.context: ../<module>}), if it is built here. */
    static Optional<String> builtModule(Map<String, Object> service) {
        Object build = service.get("build");
        String context = build instanceof Map<?, ?> map ? String.valueOf(map.get("context")) : build == null ? null : String.valueOf(build);
        if (context == null) {
            return Optional.empty();
        }
        return Optional.of(COMPOSE_DIR.resolve(context).normalize().getFileName().toString());
    }

    static Optional<App> app(Map<String, Object> service) {
        return builtModule(service).flatMap(App::ofModule);
    }

    /** The ports a service's container listens on, as compose declares them ({@code ports} container side, {@code expose}). */
    static Set<Integer> containerPorts(Map<String, Object> service) {
        Set<Integer> ports = new LinkedHashSet<>();
        for (Object entry : list(service.get("ports"))) {
            String text = entry instanceof Map<?, ?> map ? String.valueOf(map.get("target")) : String.valueOf(entry);
            String container = text.substring(text.lastIndexOf(':') + 1).replaceAll("/.*", "");
            ports.add(Integer.parseInt(container));
        }
        for (Object entry : list(service.get("expose"))) {
            ports.add(Integer.parseInt(String.valueOf(entry).replaceAll("/.*", "")));
        }
        return ports;
    }

    /** Host side of the {@code ports} mappings: host port to container port. */
    static Map<Integer, Integer> publishedPorts(Map<String, Object> service) {
        Map<Integer, Integer> published = new LinkedHashMap<>();
        for (Object entry : list(service.get("ports"))) {
            String[] parts = String.valueOf(entry).replaceAll("/.*", "").split(":");
            if (parts.length >= 2) {
                published.put(Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1]));
            }
        }
        return published;
    }

    static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    /** The application's own configuration file and every file it imports, in the order Spring reads them. */
    static List<Path> configFiles(App app) {
        List<Path> files = new ArrayList<>();
        Path own = ROOT.resolve(app.module).resolve("src/main/resources").resolve(app.module + ".yml");
        files.add(own);
        Object imports = flatten(yaml(own)).get("spring.config.import");
        for (String entry : String.valueOf(imports == null ? "" : imports).split(",")) {
            String location = entry.strip();
            if (location.isEmpty()) {
                continue;
            }
            String name = location.replaceFirst("^optional:", "").replaceFirst("^classpath:", "");
            files.add(RESOURCE_MODULES.stream()
                    .map(module -> ROOT.resolve(module).resolve("src/main/resources").resolve(name))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(app.module + " imports " + location + ", found in no module")));
        }
        return files;
    }

    /** Every property key the application's configuration files set, flattened to dotted names. */
    static Map<String, Object> configuredProperties(App app) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Path file : configFiles(app)) {
            flatten(yaml(file)).forEach(properties::putIfAbsent);
        }
        return properties;
    }

    /** The {@code ${NAME:default}} placeholders of the application's configuration files: name to default (null: none). */
    static Map<String, String> placeholders(App app) {
        Map<String, String> placeholders = new LinkedHashMap<>();
        for (Path file : configFiles(app)) {
            Matcher matcher = PLACEHOLDER.matcher(read(file));
            while (matcher.find()) {
                placeholders.putIfAbsent(matcher.group(1).strip(), matcher.group(2));
            }
        }
        return placeholders;
    }

    /** The port the application listens on in a container: {@code SERVER_PORT} from compose, else {@code server.port}. */
    static int serverPort(App app, Map<String, String> environment) {
        String port = environment.get("SERVER_PORT");
        if (port == null) {
            Object configured = configuredProperties(app).get("server.port");
            port = configured == null ? "8080" : String.valueOf(configured);
        }
        return Integer.parseInt(port);
    }

    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> tree, Map<String, Object> flat) {
        tree.forEach((key, value) -> {
            String name = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, nested, flat);
            } else {
                flat.put(name, value);
            }
        });
    }

    /** Spring's relaxed binding from the environment: upper case, {@code _} for {@code .}, {@code -} dropped. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "");
    }

    /** {@code bufferSize} -> {@code buffer-size}, the canonical form of a record component's property. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
