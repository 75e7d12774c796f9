package dev.modelgate.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** DSSE v1 (secure-systems-lab/dsse, protocol.md): the bytes a signature covers. */
public final class Dsse {

    /** The only payload type OMS uses. */
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private Dsse() {
    }

    /**
     * Pre-Authentication Encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, lengths as
     * ASCII decimal byte counts. The payload type's UTF-8 bytes are counted, not its characters.
     */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * The encoding model_signing v0.2 signed by mistake: {@code "DSSEV1 " LEN(type) SP type SP LEN(body) SP
     * repr(body)}, where {@code repr} is Python's {@code repr()} of the payload bytes ({@code b'...'}), and the
     * signature always uses SHA-256. Only {@link SignaturePolicy} uses it, and only behind the legacy switch.
     */
    public static byte[] legacyV02Pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(payload.length + type.length + 64);
        b.append("DSSEV1 ").append(type.length).append(' ').append(payloadType).append(' ')
                .append(payload.length).append(' ');
        pythonBytesRepr(payload, b);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Python 3's {@code repr(bytes)}: single quotes unless the bytes hold ' and no ", escapes as CPython writes them. */
    static void pythonBytesRepr(byte[] bytes, StringBuilder b) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (byte x : bytes) {
            hasSingle |= x == '\'';
            hasDouble |= x == '"';
        }
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        b.append('b').append(quote);
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c == quote || c == '\\') {
                b.append('\\').append((char) c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < 0x20 || c >= 0x7f) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                b.append((char) c);
            }
        }
        b.append(quote);
    }
}
