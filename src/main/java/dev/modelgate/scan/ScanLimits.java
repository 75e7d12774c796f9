package dev.modelgate.scan;

/**
 * The bounds that keep a hostile file from costing unbounded time or memory. Exceeding one is a finding
 * (never an OutOfMemoryError or a hang); see docs/scanning.md for why each default is what it is.
 *
 * @param maxOpcodes       pickle opcodes per scanned file, nested pickles included
 * @param maxStack         pickle stack entries (all mark levels together)
 * @param maxMemo          pickle memo entries
 * @param maxNestedPickle  pickles embedded in pickle strings, depth
 * @param maxMemberBytes   bytes of one archive member held in memory (inflated pickles, nested archives)
 * @param maxEntries       archive entries
 * @param maxRatio         declared or observed expansion ratio of a compressed member
 * @param maxArchiveDepth  archives inside archives
 * @param maxHeaderBytes   format headers (safetensors JSON, npy dict)
 */
public record ScanLimits(long maxOpcodes, int maxStack, int maxMemo, int maxNestedPickle, int maxMemberBytes,
                         int maxEntries, int maxRatio, int maxArchiveDepth, int maxHeaderBytes) {

    public static ScanLimits defaults() {
        return new ScanLimits(50_000_000L, 2_000_000, 2_000_000, 4, 256 << 20, 100_000, 200, 3, 100_000_000);
    }
}
