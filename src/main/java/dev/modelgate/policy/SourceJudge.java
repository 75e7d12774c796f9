package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ConditionType;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.signing.OmsException;
import dev.modelgate.signing.TrustedKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;

/**
 * Judges a {@code ModelSource} as a pure function of its spec and the time: the operator writes the result into
 * status, and {@code modelgate check} and the webhooks reach the same answer from the same spec.
 *
 * <p>A key or certificate that cannot be used (does not parse, too weak, wrong type, an expired CA) makes the
 * whole source not Ready, naming it: a typo in Git must not silently shrink the trust set. Revoked and expired
 * signing keys are the normal end of a key's life (rotation) and are only counted and noted; a source that
 * requires signatures but is left with nothing valid to verify them is not Ready.
 */
public final class SourceJudge {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MIN_RSA_BITS = 2048;

    private SourceJudge() {
    }

    public static SourceVerdict judge(ModelSource source, Instant now) {
        String name = source.getMetadata() == null ? "(unnamed)" : source.getMetadata().getName();
        String who = "ModelSource " + name;
        ModelSourceSpec spec = source.getSpec();
        List<String> notes = new ArrayList<>();
        List<Instant> changes = new ArrayList<>();
        int valid = 0;
        int revoked = 0;
        int expired = 0;
        String failReason = null;
        String failMessage = null;

        if (spec == null) {
            failReason = "SpecMissing";
            failMessage = who + " has no spec; give it urls and, if models must be signed, signing keys";
        } else {
            Optional<String[]> urlProblem = spec.getOci() != null && (spec.getUrls() == null || spec.getUrls().isEmpty())
                    ? ociProblem(who, spec.getOci()) : urlProblem(who, spec.getUrls());
            if (urlProblem.isEmpty() && spec.getOci() != null) {
                urlProblem = ociProblem(who, spec.getOci());
            }
            if (urlProblem.isPresent()) {
                failReason = urlProblem.get()[0];
                failMessage = urlProblem.get()[1];
            }
            if (failReason == null && spec.getOci() != null && spec.getOci().getRepositories() != null) {
                for (dev.modelgate.api.v1alpha1.OciRepository r : spec.getOci().getRepositories()) {
                    if (failReason == null && r.getCaBundle() != null) {
                        Optional<String[]> p = certificatesProblem(who + " spec.oci.repositories[" + r.getPrefix()
                                + "].caBundle", r.getCaBundle(), now, changes);
                        if (p.isPresent()) {
                            failReason = p.get()[0];
                            failMessage = p.get()[1];
                        }
                    }
                }
            }
            if (failReason == null && spec.getTls() != null && spec.getTls().getCaBundle() != null) {
                Optional<String[]> p = certificatesProblem(who + " spec.tls.caBundle", spec.getTls().getCaBundle(),
                        now, changes);
                if (p.isPresent()) {
                    failReason = p.get()[0];
                    failMessage = p.get()[1];
                }
            }
            SigningSpec signing = spec.getSigning();
            if (failReason == null && signing != null) {
                for (SigningKey k : nullSafe(signing.getKeys())) {
                    Optional<String> keyProblem = keyProblem(k);
                    if (keyProblem.isPresent()) {
                        failReason = keyProblem.get().contains("below") ? "KeyTooWeak" : "KeyInvalid";
                        failMessage = who + ": " + keyProblem.get()
                                + "; fix or remove the key in spec.signing.keys";
                        break;
                    }
                    TrustedKey tk;
                    try {
                        tk = TrustedKey.fromApi(k);
                    } catch (OmsException e) {
                        failReason = "KeyInvalid";
                        failMessage = who + ": " + e.getMessage() + "; fix or remove the key in spec.signing.keys";
                        break;
                    }
                    if (tk.revoked()) {
                        revoked++;
                        notes.add("key '" + k.getName() + "' is revoked"
                                + (k.getReason() == null ? "" : " (" + k.getReason() + ")"));
                    } else if (tk.notAfter() != null && !now.isBefore(tk.notAfter())) {
                        expired++;
                        notes.add("key '" + k.getName() + "' expired at " + tk.notAfter());
                    } else if (tk.notBefore() != null && now.isBefore(tk.notBefore())) {
                        notes.add("key '" + k.getName() + "' is not valid before " + tk.notBefore());
                        changes.add(tk.notBefore());
                    } else {
                        valid++;
                        if (tk.notAfter() != null) {
                            changes.add(tk.notAfter());
                        }
                    }
                }
                if (failReason == null && signing.getCertificates() != null
                        && signing.getCertificates().getRoots() != null) {
                    Optional<String[]> p = certificatesProblem(who + " spec.signing.certificates.roots",
                            signing.getCertificates().getRoots(), now, changes);
                    if (p.isPresent()) {
                        failReason = p.get()[0];
                        failMessage = p.get()[1];
                    }
                }
                if (failReason == null && signing.getKeyless() != null
                        && signing.getKeyless().getTrustedRoot() != null) {
                    try {
                        JsonNode root = JSON.readTree(signing.getKeyless().getTrustedRoot());
                        if (root == null || !root.isObject()) {
                            throw new IOException("not a JSON object");
                        }
                    } catch (IOException e) {
                        failReason = "TrustedRootInvalid";
                        failMessage = who + ": spec.signing.keyless.trustedRoot is not a JSON trusted root ("
                                + e.getMessage().lines().findFirst().orElse("") + "); paste the trusted_root.json";
                    }
                }
                if (failReason == null && signing.signatureRequired() && valid == 0 && !hasCertificates(signing)
                        && !hasKeyless(signing)) {
                    failReason = "NoValidKeys";
                    failMessage = who + " requires signed models but has no valid key to verify them with"
                            + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")
                            + "; add a new key to spec.signing.keys";
                }
            }
        }

        // Review: due exactly from lastReviewed + interval on.
        boolean reviewDue = false;
        Condition reviewCondition;
        try {
            Optional<Instant> due = ReviewSchedule.dueAt(spec == null ? null : spec.getReview());
            if (due.isEmpty()) {
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "NoReviewSchedule",
                        "no review interval is set");
            } else if (!now.isBefore(due.get())) {
                reviewDue = true;
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, true, "ReviewOverdue",
                        "review of " + who + " was due at " + due.get() + " (last reviewed "
                                + spec.getReview().getLastReviewed() + ", every " + spec.getReview().getInterval()
                                + "); review it and update spec.review.lastReviewed");
            } else {
                changes.add(due.get());
                reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "ReviewCurrent",
                        "next review due at " + due.get());
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            reviewCondition = Conditions.draft(ConditionType.REVIEW_DUE, false, "InvalidReview", e.getMessage());
            if (failReason == null) {
                failReason = "InvalidReview";
                failMessage = who + ": " + e.getMessage();
            }
        }

        boolean ready = failReason == null;
        String reason = ready ? "SourceValid" : failReason;
        String message = ready ? who + " is trusted: " + valid + " valid key" + (valid == 1 ? "" : "s")
                + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)) : failMessage;
        List<Condition> conditions = List.of(
                Conditions.draft(ConditionType.READY, ready, reason, message), reviewCondition);
        Optional<Instant> next = changes.stream().filter(now::isBefore).min(Instant::compareTo);
        return new SourceVerdict(name, ready, reason, message, reviewDue, valid, revoked, expired, notes, conditions,
                next);
    }

    /** Registry prefixes must parse (the schema says so too; a source read from a file skipped the schema). */
    private static Optional<String[]> ociProblem(String who, dev.modelgate.api.v1alpha1.OciSourceSpec oci) {
        if (oci.getRepositories() == null || oci.getRepositories().isEmpty()) {
            return Optional.of(new String[] {"NoRepositories", who + " has spec.oci without repositories; list the "
                    + "registry prefixes its artifacts come from"});
        }
        java.util.regex.Pattern prefix = java.util.regex.Pattern.compile(
                dev.modelgate.api.v1alpha1.ApiPatterns.OCI_REPOSITORY_PREFIX);
        for (dev.modelgate.api.v1alpha1.OciRepository r : oci.getRepositories()) {
            if (r.getPrefix() == null || r.getPrefix().length() > 255 || !prefix.matcher(r.getPrefix()).matches()) {
                return Optional.of(new String[] {"InvalidRepository", who + ": spec.oci.repositories: '" + r.getPrefix()
                        + "' is not a registry[:port][/repository] prefix"});
            }
        }
        return Optional.empty();
    }

    private static Optional<String[]> urlProblem(String who, List<String> urls) {
        if (urls == null || urls.isEmpty()) {
            return Optional.of(new String[] {"NoUrls", who + " lists no spec.urls; add the https:// prefixes "
                    + "its models are downloaded from (or spec.oci.repositories for registries)"});
        }
        for (String u : urls) {
            try {
                UrlPrefixes.parse(u);
            } catch (IllegalArgumentException e) {
                return Optional.of(new String[] {"InvalidUrl", who + ": spec.urls: " + e.getMessage()});
            }
        }
        return Optional.empty();
    }

    /** The key's type and strength; parsing and windows are {@link TrustedKey}'s job. */
    static Optional<String> keyProblem(SigningKey k) {
        String key = "signing key '" + k.getName() + "'";
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(k.getPublicKey() == null ? "" : k.getPublicKey()))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            return Optional.of(key + " is not valid PEM (" + e.getMessage() + ")");
        }
        if (!(o instanceof SubjectPublicKeyInfo spki)) {
            return Optional.of(key + " is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(spki.getAlgorithm().getAlgorithm())) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | RuntimeException e) {
                return Optional.of(key + " is a malformed RSA key");
            }
            if (bits < MIN_RSA_BITS) {
                return Optional.of(key + " is RSA with " + bits + " bits, below the minimum of " + MIN_RSA_BITS);
            }
            return Optional.of(key + " is RSA; OpenSSF Model Signing keys are ECDSA P-256, P-384 or P-521");
        }
        return Optional.empty();
    }

    private static Optional<String[]> certificatesProblem(String where, String pem, Instant now,
            List<Instant> changes) {
        Collection<? extends java.security.cert.Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            return Optional.of(new String[] {"CertificateInvalid", where + " does not parse as PEM certificates ("
                    + e.getMessage() + ")"});
        }
        if (certs.isEmpty()) {
            return Optional.of(new String[] {"CertificateInvalid", where + " holds no certificate"});
        }
        for (java.security.cert.Certificate c : certs) {
            X509Certificate x = (X509Certificate) c;
            String subject = x.getSubjectX500Principal().getName();
            Instant notAfter = x.getNotAfter().toInstant();
            Instant notBefore = x.getNotBefore().toInstant();
            if (!now.isBefore(notAfter)) {
                return Optional.of(new String[] {"CertificateExpired", where + ": certificate '" + subject
                        + "' expired at " + notAfter + "; replace it with a current one"});
            }
            if (now.isBefore(notBefore)) {
                changes.add(notBefore);
                return Optional.of(new String[] {"CertificateNotYetValid", where + ": certificate '" + subject
                        + "' is not valid before " + notBefore});
            }
            changes.add(notAfter);
        }
        return Optional.empty();
    }

    private static boolean hasCertificates(SigningSpec s) {
        return s.getCertificates() != null && s.getCertificates().getRoots() != null
                && !s.getCertificates().getRoots().isBlank();
    }

    private static boolean hasKeyless(SigningSpec s) {
        return s.getKeyless() != null && s.getKeyless().getIdentities() != null
                && !s.getKeyless().getIdentities().isEmpty();
    }

    private static <T> List<T> nullSafe(List<T> l) {
        return l == null ? List.of() : l;
    }
}
