package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class SecurityLogTest {

    @Test
    void aSecurityEventCarriesItsStableNameInTheMdcOnlyWhileItIsLogged() {
        List<String> seen = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String event = r instanceof ExtLogRecord e ? e.getMdc("event") : String.valueOf(MDC.get("event"));
                seen.add(event + " | " + r.getLevel() + " | " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.modelgate.security");
        logger.addHandler(capture);
        try {
            SecurityLog.warn(SecurityLog.MODEL_REVOKED, "comfyui/sdxl: TrustedModel comfyui/sdxl is revoked");
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of("model-revoked | WARN | comfyui/sdxl: TrustedModel comfyui/sdxl is revoked"), seen);
        assertNull(MDC.get("event"), "the field does not leak into unrelated log lines");
    }
}
