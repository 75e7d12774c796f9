package dev.modelgate.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A signing key that stays on a PKCS#11 token (an HSM, a smart card, SoftHSM2), used through the JDK's SunPKCS11
 * provider. The token holds the EC private key and a certificate under one label, as {@code keytool -genkeypair
 * -storetype PKCS11} creates them; the certificate gives the public key that names the signer in the bundle.
 * The provider is configured from a SunPKCS11 configuration file and never registered globally.
 *
 * @param provider  the configured SunPKCS11 instance (the signature is computed on the token)
 * @param key       a handle to the private key; its value never leaves the token
 * @param publicKey the public half, from the certificate stored with it
 * @param label     the key's label (KeyStore alias) on the token
 */
public record Pkcs11Key(Provider provider, PrivateKey key, PublicKey publicKey, String label) {

    /**
     * Logs in to the token described by {@code config} with {@code pin} and finds the private key labelled
     * {@code label} (null: the token's only private key). Every problem is bad input with one sentence.
     */
    public static Pkcs11Key open(Path config, String label, char[] pin) throws OmsException {
        if (!Files.isRegularFile(config)) {
            throw OmsException.badInput("--pkcs11 " + config + ": no such configuration file");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw OmsException.badInput("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki); "
                    + "use a full JDK or JRE");
        }
        Provider p;
        try {
            p = base.configure(config.toString());
        } catch (RuntimeException e) {
            throw OmsException.badInput("--pkcs11 " + config + ": the token cannot be opened ("
                    + rootMessage(e) + "); check the library path and slot in the configuration");
        }
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
        } catch (IOException e) {
            throw OmsException.badInput("--pkcs11 " + config + ": the token refused the login (" + rootMessage(e)
                    + "); check the PIN");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw OmsException.badInput("--pkcs11 " + config + ": the token cannot be read (" + rootMessage(e) + ")");
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    keys.add(alias);
                }
            }
            String chosen = label;
            if (chosen == null) {
                if (keys.size() != 1) {
                    throw OmsException.badInput("--pkcs11 " + config + ": the token holds " + keys.size()
                            + " private keys with certificates " + keys + "; choose one with --key-label");
                }
                chosen = keys.get(0);
            } else if (!keys.contains(chosen)) {
                throw OmsException.badInput("--pkcs11 " + config + ": no private key labelled '" + chosen
                        + "' with a certificate on the token (found: " + keys + ")");
            }
            Key k = ks.getKey(chosen, null);
            Certificate cert = ks.getCertificate(chosen);
            if (!(k instanceof PrivateKey pk) || cert == null) {
                throw OmsException.badInput("--pkcs11 " + config + ": key '" + chosen
                        + "' has no certificate on the token; store one with it (keytool -genkeypair does)");
            }
            PublicKey pub = cert.getPublicKey();
            EcKeys.curve(pub); // ECDSA P-256/384/521 only, as OMS
            return new Pkcs11Key(p, pk, pub, chosen);
        } catch (GeneralSecurityException e) {
            throw OmsException.badInput("--pkcs11 " + config + ": the key cannot be used (" + rootMessage(e) + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
