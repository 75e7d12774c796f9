package dev.modelgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlPrefixesTest {

    @ParameterizedTest
    @CsvSource({
        "https://a.example/models, https://a.example/models/x.bin, true",
        "https://a.example/models, https://a.example/models, true",
        "https://a.example/models/, https://a.example/models/sub/x.bin, true",
        "https://a.example/models, https://a.example/models-evil/x.bin, false",
        "https://a.example/models/, https://a.example/modelsx, false",
        "https://a.example/, https://a.example.evil.net/x.bin, false",
        "https://a.example/, https://A.EXAMPLE/x.bin, true",
        "https://a.example/, https://a.example:8443/x.bin, false",
        "https://a.example:443/, https://a.example/x.bin, true",
        "https://a.example/models/, https://a.example/models/../secret, false",
        "https://a.example/models/, https://a.example/models/%2e%2e/secret, false",
        "https://a.example/models/, https://a.example/models/a%2Fb, false",
        "https://a.example/models/, http://a.example/models/x.bin, false",
        "https://a.example/models/, https://user@a.example/models/x.bin, false",
        "https://a.example/models/, https://a.example/models/x.bin#frag, false",
    })
    void prefixMatchesOnPathBoundariesOnly(String prefix, String url, boolean under) {
        assertEquals(under, UrlPrefixes.isUnder(url, List.of(prefix)), url + " under " + prefix);
    }

    @org.junit.jupiter.api.Test
    void reasonsAreSentences() {
        assertTrue(UrlPrefixes.problem("http://a.example/x", List.of("https://a.example/")).orElseThrow()
                .contains("is not https://; plain HTTP is never used"));
        assertTrue(UrlPrefixes.problem("https://b.example/x", List.of("https://a.example/")).orElseThrow()
                .contains("is not under any of the source's urls [https://a.example/]"));
        assertFalse(UrlPrefixes.isUnder("https://a.example/x", List.of()));
    }
}
