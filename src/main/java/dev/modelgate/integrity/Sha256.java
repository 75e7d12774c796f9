package dev.modelgate.integrity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The JDK's SHA-256 (SHA-NI intrinsics on x86); never a Bouncy Castle digest on the hot path. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("this JVM has no SHA-256", impossible);
            }
        }
    }
}
