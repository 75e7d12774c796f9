package dev.modelgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Fenced blocks of a Markdown file, and a shell to run them in with {@code modelgate} on the PATH. */
final class DocBlocks {

    record Block(String info, String marker, String text) {
    }

    record Shell(int exit, String out, String err) {
    }

    private DocBlocks() {
    }

    /** Every fenced block, with the {@code <!-- test: NAME -->} marker on the line before it (or null). */
    static List<Block> blocks(Path markdown) throws IOException {
        List<Block> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
        String marker = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            String t = l.strip();
            if (t.startsWith("<!-- test:") && t.endsWith("-->")) {
                marker = t.substring("<!-- test:".length(), t.length() - 3).strip();
                continue;
            }
            if (t.startsWith("```")) {
                int indent = l.indexOf("```");
                String info = t.substring(3).strip();
                StringBuilder b = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    String body = lines.get(i);
                    b.append(body.length() >= indent ? body.substring(Math.min(indent, leading(body))) : body).append('\n');
                }
                out.add(new Block(info, marker, b.toString()));
                marker = null;
                continue;
            }
            if (!t.isEmpty()) {
                marker = null;
            }
        }
        return out;
    }

    private static int leading(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    static Map<String, Block> marked(Path markdown) throws IOException {
        Map<String, Block> m = new LinkedHashMap<>();
        for (Block b : blocks(markdown)) {
            if (b.marker() != null) {
                m.put(b.marker(), b);
            }
        }
        return m;
    }

    /** Runs {@code script} with sh in {@code dir}, {@code bin} first on the PATH, extra environment added. */
    static Shell sh(Path dir, Path bin, String script, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(dir.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        Path o = Files.createTempFile("sh-out", ".txt");
        Path e = Files.createTempFile("sh-err", ".txt");
        Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish in 300 s: " + script);
        }
        Shell s = new Shell(p.exitValue(), Files.readString(o), Files.readString(e));
        Files.delete(o);
        Files.delete(e);
        return s;
    }

    /** A folder holding {@code modelgate}, a link to the launcher. */
    static Path binDir(Path base) throws IOException {
        Path bin = Files.createDirectories(base.resolve("bin"));
        Path link = bin.resolve("modelgate");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, LauncherIT.LAUNCHER);
        return bin;
    }
}
