package dev.modelgate.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OciReferenceTest {

    static final String D = "sha256:" + "ab".repeat(32);

    @Test
    void parsesDigestTagAndScheme() {
        OciReference r = OciReference.parse("oci://127.0.0.1:5000/models/qwen@" + D);
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("models/qwen", r.repository());
        assertNull(r.tag());
        assertEquals(D, r.digest());
        assertEquals("127.0.0.1:5000/models/qwen@" + D, r.pinnedForm());
        assertTrue(OciReference.isPinnedForm(r.pinnedForm()));
        OciReference t = OciReference.parse("ghcr.io/acme/m:v1.2");
        assertEquals("v1.2", t.tag());
        assertEquals("ghcr.io", t.host());
        assertEquals("ghcr.io/acme/m@" + D, t.pinned(D).pinnedForm());
    }

    @Test
    void refusesWhatIsNotAFullReference() {
        for (String bad : new String[] {"", "library/ubuntu", "ubuntu@" + D, "https://ghcr.io/a/b@" + D,
                "ghcr.io/a/b", "ghcr.io/A/b@" + D, "ghcr.io/a/b@sha256:abc", "ghcr.io/a/b@sha512:" + "a".repeat(128),
                "ghcr.io/a//b@" + D, "ghcr.io/a/../b@" + D, "ghcr.io/a/b:-x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OciReference.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void pinnedFormRefusesTags() {
        assertFalse(OciReference.isPinnedForm("ghcr.io/a/b:v1@" + D));
        assertFalse(OciReference.isPinnedForm("ghcr.io/a/b:v1"));
        assertFalse(OciReference.isPinnedForm("oci://ghcr.io/a/b@" + D));
        assertTrue(OciReference.isPinnedForm("ghcr.io/a/b@" + D));
    }

    @Test
    void prefixesMatchWholeComponents() {
        OciReference r = OciReference.parse("ghcr.io/acme/models/llama@" + D);
        assertTrue(r.isUnder("ghcr.io"));
        assertTrue(r.isUnder("ghcr.io/acme"));
        assertTrue(r.isUnder("ghcr.io/acme/models"));
        assertTrue(r.isUnder("ghcr.io/acme/models/llama"));
        assertFalse(r.isUnder("ghcr.io/acme/mod"));
        assertFalse(r.isUnder("ghcr.io/acme/models/llama/x"));
        assertFalse(r.isUnder("ghcr.io:443/acme"));
        assertFalse(r.isUnder("ghcr.i"));
        assertFalse(r.isUnder("https://ghcr.io/acme"));
        assertFalse(OciReference.parse("ghcr.io.evil.net/acme/models@" + D).isUnder("ghcr.io"));
        assertFalse(OciReference.parse("ghcr.io/acme/models-evil@" + D).isUnder("ghcr.io/acme/models"));
    }
}
