# syntax=docker/dockerfile:1
#
# The one ModelGate image: the operator and webhooks (Quarkus, /deployments/quarkus-run.jar) and the
# `modelgate` CLI that the mutating webhook injects as the verifier init-container (entry point).
#
# Build the application first, then the image (not built in this project's CI, which has no container engine):
#   ./mvnw -B package -DskipTests
#   docker build -t ghcr.io/modelgate/modelgate:0.1.0 .
#
# Runs as a non-root user with a read-only root filesystem: nothing is written outside /tmp (an emptyDir in
# the chart) and, for the verifier, the model volume.

ARG JRE_IMAGE=eclipse-temurin:21-jre-noble
FROM ${JRE_IMAGE}

LABEL org.opencontainers.image.title="ModelGate" \
      org.opencontainers.image.description="Keeps unapproved, tampered or booby-trapped ML models out of Kubernetes workloads" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV MODELGATE_HOME=/deployments \
    LANG=C.UTF-8

# Quarkus fast-jar layout: lib/ changes least, app/ most (better layer reuse).
COPY --chown=0:0 target/quarkus-app/lib/ /deployments/lib/
COPY --chown=0:0 target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --chown=0:0 target/quarkus-app/app/ /deployments/app/
COPY --chown=0:0 target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar
COPY --chown=0:0 bin/modelgate /deployments/bin/modelgate

# The class-data-sharing archive the build wrote (target/quarkus-app/modelgate-cli.jsa) matches the build
# machine's JDK and paths only; it is written again here, for this JRE and /deployments, by the same demo run.
# The files stay owned by root and read-only for the runtime user.
RUN chmod 0755 /deployments/bin/modelgate \
 && ln -s /deployments/bin/modelgate /usr/local/bin/modelgate \
 && MODELGATE_CDS_DUMP=1 modelgate demo > /dev/null \
 && test -s /deployments/modelgate-cli.jsa \
 && chmod -R a+rX,go-w /deployments \
 && rm -rf /tmp/* \
 && groupadd --system --gid 10001 modelgate \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin modelgate

USER 10001:10001
WORKDIR /tmp
# 8080: health and metrics; 8443: webhooks (HTTPS).
EXPOSE 8080 8443

# The verifier init-container runs `modelgate verify-pod`; the chart's Deployment overrides the command with
# `java -jar /deployments/quarkus-run.jar` for the operator.
ENTRYPOINT ["/usr/local/bin/modelgate"]
CMD ["--help"]
