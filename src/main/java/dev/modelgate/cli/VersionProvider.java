package dev.modelgate.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest (the Maven project version). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = ModelGateCli.class.getPackage().getImplementationVersion();
        return new String[] {"modelgate " + (v == null ? "(development build)" : v)};
    }
}
