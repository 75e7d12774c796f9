package dev.modelgate.api.schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Pattern;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * Evaluates schema {@code pattern}s with RE2 (re2j), the regex dialect the API server uses (Go's regexp),
 * so a pattern RE2 cannot compile, or reads differently from java.util.regex, fails here too.
 * JSON Schema and OpenAPI patterns are unanchored searches, hence {@code find()}.
 */
final class Re2Regex implements RegularExpressionFactory {

    static final Re2Regex INSTANCE = new Re2Regex();

    private final Map<String, Pattern> compiled = new ConcurrentHashMap<>();

    private Re2Regex() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = compiled.computeIfAbsent(regex, Pattern::compile);
        return value -> pattern.matcher(value).find();
    }
}
