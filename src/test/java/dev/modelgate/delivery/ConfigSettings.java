package dev.modelgate.delivery;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

import dev.modelgate.config.ModelGateConfig;

/**
 * Every leaf setting of {@link ModelGateConfig}, read from the interface itself, so a setting added there
 * without a chart value makes the chart tests fail.
 */
record ConfigSettings(String property, String envVar, Optional<String> javaDefault) {

    static List<ConfigSettings> all() {
        List<ConfigSettings> settings = new ArrayList<>();
        collect(ModelGateConfig.class, "modelgate", settings);
        return settings;
    }

    /** Leaves of {@code type}; a method returning another of the mapping's interfaces is a nested group. */
    private static void collect(Class<?> type, String prefix, List<ConfigSettings> settings) {
        for (Method method : settingMethods(type)) {
            String property = prefix + "." + kebab(method.getName());
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getName().startsWith(ModelGateConfig.class.getName())) {
                collect(returned, property, settings);
            } else {
                WithDefault withDefault = method.getAnnotation(WithDefault.class);
                settings.add(new ConfigSettings(property, envVar(property),
                        Optional.ofNullable(withDefault).map(WithDefault::value)));
            }
        }
    }

    /** SmallRye Config's environment name: upper case, every character but letters and digits to '_'. */
    static String envVar(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static List<Method> settingMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && m.getParameterCount() == 0) {
                methods.add(m);
            }
        }
        methods.sort(Comparator.comparing(Method::getName));
        return methods;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
