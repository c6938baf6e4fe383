{{/* Name of the release's objects: <release>-clickstream unless the release is already called so. */}}
{{- define "clickstream.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "clickstream.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: clickstream
{{- end -}}

{{- define "clickstream.gateway.name" -}}{{ include "clickstream.fullname" . }}-gateway{{- end -}}

{{- define "clickstream.gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end -}}

{{/* Spark pods carry these (driver and executors), set through the SparkApplication labels. */}}
{{- define "clickstream.spark.selectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: spark
{{- end -}}

{{- define "clickstream.spark.serviceAccountName" -}}{{ include "clickstream.fullname" . }}-spark{{- end -}}
{{- define "clickstream.gateway.serviceAccountName" -}}{{ include "clickstream.fullname" . }}-gateway{{- end -}}

{{/* Kafka cluster name when Strimzi renders it. */}}
{{- define "clickstream.kafka.clusterName" -}}
{{- default (printf "%s-kafka" (include "clickstream.fullname" .)) .Values.kafka.strimzi.clusterName -}}
{{- end -}}

{{/* Bootstrap servers for the gateway and the jobs: Strimzi's internal listener, or the external list. */}}
{{- define "clickstream.kafka.bootstrapServers" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%d" (include "clickstream.kafka.clusterName" .) .Release.Namespace (int .Values.kafka.strimzi.listenerPort) -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required when kafka.strimzi.enabled is false" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "clickstream.spark.applicationName" -}}
{{- printf "%s-%s" (include "clickstream.fullname" .root) .layer -}}
{{- end -}}

{{- define "clickstream.storage.root" -}}
{{- printf "s3a://%s" (trimSuffix "/" (printf "%s/%s" .Values.storage.bucket (trimPrefix "/" .Values.storage.prefix))) -}}
{{- end -}}

{{- define "clickstream.image" -}}
{{- if .digest -}}{{ printf "%s@%s" .repository .digest }}{{- else -}}{{ printf "%s:%s" .repository (toString .tag) }}{{- end -}}
{{- end -}}
