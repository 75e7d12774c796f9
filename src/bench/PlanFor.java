import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.ScanPolicy;
import dev.modelgate.api.v1alpha1.TlsSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.policy.PlanBuilder;
import dev.modelgate.policy.PlanSettings;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark helper (run by hand, see docs/benchmarks.md): reads "sha256 size path" lines on stdin and prints
 * the verification plan PlanBuilder makes for one model of those files.
 *
 *   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" src/bench/PlanFor.java ROOT SCAN [URL_PREFIX CA_PEM]
 *
 * SCAN is enforce, warn or off; with URL_PREFIX every file gets URL_PREFIX/path as its url, and CA_PEM is
 * the source's pinned CA.
 */
public class PlanFor {
    public static void main(String[] args) throws Exception {
        String root = args[0];
        ScanPolicy scan = ScanPolicy.valueOf(args[1].toUpperCase());
        String prefix = args.length > 2 ? args[2] : "https://bench.example/models";
        List<ModelFile> files = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null;) {
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.trim().split(" ", 3);
            ModelFile f = new ModelFile(p[2], p[0], Long.parseLong(p[1]));
            if (args.length > 2) {
                f.setUrl(prefix + "/" + p[2]);
            }
            files.add(f);
        }
        TrustedModel tm = new TrustedModel();
        tm.setMetadata(new ObjectMeta());
        tm.getMetadata().setName("bench");
        tm.getMetadata().setNamespace("bench");
        tm.setSpec(new TrustedModelSpec());
        tm.getSpec().setSource("bench");
        tm.getSpec().setFiles(files);
        ModelSource ms = new ModelSource();
        ms.setMetadata(new ObjectMeta());
        ms.getMetadata().setName("bench");
        ms.setSpec(new ModelSourceSpec());
        ms.getSpec().setUrls(List.of(prefix));
        if (args.length > 3) {
            ms.getSpec().setTls(new TlsSpec(Files.readString(Path.of(args[3]))));
        }
        System.out.print(PlanBuilder.build(List.of(tm), Map.of("bench", ms),
                PlanSettings.defaults().withRoot(root).withDefaultScanPolicy(scan)).toJson());
    }
}
