package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerifierTerminationTest {

    @Test
    void theFirstLineCarriesTheReasonAndTheSentence() {
        VerifierTermination t = VerifierTermination.parse(
                "modelgate: MissingFile: vae.safetensors is missing from volume models; restore it\n{\"json\":1}", 1);
        assertEquals("MissingFile", t.reason());
        assertEquals("vae.safetensors is missing from volume models; restore it", t.message());
    }

    @Test
    void aMessageInAnotherShapeIsStillAFailureWithTheTextAsFound() {
        VerifierTermination t = VerifierTermination.parse("panic: something else\nmore", 2);
        assertEquals(VerifierTermination.UNKNOWN_REASON, t.reason());
        assertEquals("panic: something else", t.message());
    }

    @Test
    void aReasonThatIsNotCamelCaseIsNotTrustedAsAMetricLabel() {
        VerifierTermination t = VerifierTermination.parse("modelgate: bad reason{x=\"y\"}: sentence", 1);
        assertEquals(VerifierTermination.UNKNOWN_REASON, t.reason());
        assertEquals("modelgate: bad reason{x=\"y\"}: sentence", t.message());
    }

    @Test
    void noMessageAtAllNamesTheExitCode() {
        assertEquals("the verifier exited with code 3 and left no termination message",
                VerifierTermination.parse(null, 3).message());
        assertEquals("the verifier exited with code 137 and left no termination message",
                VerifierTermination.parse("  \n", 137).message());
    }

    @Test
    void aHugeMessageIsClipped() {
        VerifierTermination t = VerifierTermination.parse("modelgate: ScanFinding: " + "x".repeat(5000), 1);
        assertEquals("ScanFinding", t.reason());
        assertEquals(VerifierTermination.MAX_MESSAGE, t.message().length());
    }
}
