package dev.modelgate.api.v1alpha1;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import com.fasterxml.jackson.databind.jsonFormatVisitors.JsonValueFormat;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;

/**
 * Serializers that write a {@code String} unchanged but tell schema generators its OpenAPI {@code format}.
 *
 * <p>The API keeps timestamps as strings (exactly what the user wrote, no time-zone normalisation), yet
 * the CRD must say {@code format: date-time} or {@code format: date} so the API server validates them and
 * CEL rules see them as timestamps. The CRD generator reads the format from the property's serializer.
 */
public final class SchemaFormat {

    private SchemaFormat() {
    }

    /** RFC 3339 date and time, e.g. {@code 2026-11-01T00:00:00Z}. */
    public static final class DateTime extends FormattedString {
        public DateTime() {
            super(JsonValueFormat.DATE_TIME);
        }
    }

    /** RFC 3339 full date, e.g. {@code 2026-11-01}. */
    public static final class Date extends FormattedString {
        public Date() {
            super(JsonValueFormat.DATE);
        }
    }

    abstract static class FormattedString extends StdScalarSerializer<String> {
        private final JsonValueFormat format;

        FormattedString(JsonValueFormat format) {
            super(String.class);
            this.format = format;
        }

        @Override
        public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value);
        }

        @Override
        public void acceptJsonFormatVisitor(JsonFormatVisitorWrapper visitor, JavaType typeHint)
                throws JsonMappingException {
            visitStringFormat(visitor, typeHint, format);
        }
    }
}
