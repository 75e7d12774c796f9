{{/* The name every object of a release shares. */}}
{{- define "modelgate.fullname" -}}
{{- if contains "modelgate" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-modelgate" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "modelgate.labels" -}}
app.kubernetes.io/name: modelgate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "modelgate.selectorLabels" -}}
app.kubernetes.io/name: modelgate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "modelgate.serviceAccountName" -}}
{{- default (include "modelgate.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* repository@digest when a digest is pinned, else repository:tag (tag defaults to appVersion). */}}
{{- define "modelgate.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "modelgate.verifierImage" -}}
{{- default (include "modelgate.image" .) .Values.verifier.image -}}
{{- end -}}

{{/* Namespaces the webhooks never see: kube-system, the release namespace, and the configured ones. */}}
{{- define "modelgate.exemptNamespaces" -}}
{{- $exempt := list "kube-system" .Release.Namespace -}}
{{- range .Values.admission.exemptNamespaces -}}
{{- $exempt = append $exempt . -}}
{{- end -}}
{{- toJson (uniq $exempt) -}}
{{- end -}}

{{/* Name of the cert-manager Certificate (used by the CA injector annotation). */}}
{{- define "modelgate.certificateName" -}}
{{- printf "%s-webhook" (include "modelgate.fullname" .) -}}
{{- end -}}

{{/* cert-manager's CA injector copies the Certificate's CA into caBundle when this annotation is set. */}}
{{- define "modelgate.caInjectFrom" -}}
{{- printf "%s/%s" .Release.Namespace (include "modelgate.certificateName" .) -}}
{{- end -}}

{{/* A webhook's clientConfig: the webhook Service, or webhook.url when the operator runs out of cluster.
     Called with (dict "root" $ "path" "/validate"). */}}
{{- define "modelgate.clientConfig" -}}
{{- if .root.Values.webhook.url -}}
url: {{ printf "%s%s" (trimSuffix "/" .root.Values.webhook.url) .path | quote }}
{{- else -}}
service:
  name: {{ .root.Values.webhook.serviceName }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- end -}}
{{- end -}}
