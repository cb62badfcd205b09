{{/* The release's full name: "<release>" when it already names the chart, else "<release>-sidecar-fleet". */}}
{{- define "sidecar-fleet.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sidecar-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sidecar-fleet.labels" -}}
{{ include "sidecar-fleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "sidecar-fleet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sidecar-fleet.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sidecar-fleet.sessionSecretName" -}}
{{- default (printf "%s-session" (include "sidecar-fleet.fullname" .)) .Values.auth.sessionSecret.existingSecret -}}
{{- end -}}

{{/* Host values the server accepts: allowedHosts, then the ingress hosts. */}}
{{- define "sidecar-fleet.allowedHosts" -}}
{{- $hosts := list -}}
{{- range .Values.allowedHosts }}{{ $hosts = append $hosts . }}{{ end -}}
{{- if .Values.ingress.enabled }}{{ range .Values.ingress.hosts }}{{ $hosts = append $hosts . }}{{ end }}{{ end -}}
{{- $hosts | uniq | join "," -}}
{{- end -}}

{{/* Refuses values that cannot work in a pod. */}}
{{- define "sidecar-fleet.validate" -}}
{{- if eq .Values.auth.mode "local" -}}
{{- fail "auth.mode=local means no sign-in and listens on loopback only: use token or proxy in a cluster" -}}
{{- end -}}
{{- if and (eq .Values.auth.mode "proxy") (not .Values.auth.proxy.existingSecret) -}}
{{- fail "auth.mode=proxy needs auth.proxy.existingSecret: the Secret holding the secret your proxy sends" -}}
{{- end -}}
{{- end -}}

{{/* resources.limits.memory in MiB when given in Mi or Gi; 0 otherwise. */}}
{{- define "sidecar-fleet.limitMiB" -}}
{{- $limit := toString (dig "limits" "memory" "" .Values.resources) -}}
{{- $mib := 0 -}}
{{- if regexMatch "^[0-9]+Gi$" $limit -}}{{- $mib = mul (atoi (trimSuffix "Gi" $limit)) 1024 -}}
{{- else if regexMatch "^[0-9]+Mi$" $limit -}}{{- $mib = atoi (trimSuffix "Mi" $limit) -}}
{{- end -}}
{{- $mib -}}
{{- end -}}

{{/* The V8 heap budget in MiB: heapPercent of resources.limits.memory given in Mi or Gi; empty otherwise. */}}
{{- define "sidecar-fleet.heapMiB" -}}
{{- $mib := int (include "sidecar-fleet.limitMiB" .) -}}
{{- if and (gt $mib 0) (gt (int .Values.heapPercent) 0) -}}{{- div (mul $mib .Values.heapPercent) 100 -}}{{- end -}}
{{- end -}}

{{/*
The server's NODE_OPTIONS: the heap budget, and from a 1Gi limit (the size for 150,000 pods) a
32 MiB semi-space. Each page render allocates a few MiB that die young; with the small young
generation V8 picks for a sub-GiB heap they were scavenged far more often (npm run bench, 150,000
pods: 28 to 31 ms of CPU per overview load against 34 to 35, about 40 MiB more RSS). The young
generation lives beside the heap, in the limit's other share: below 1Gi that share is too small.
*/}}
{{- define "sidecar-fleet.nodeOptions" -}}
{{- $options := list -}}
{{- with include "sidecar-fleet.heapMiB" . -}}{{- $options = append $options (printf "--max-old-space-size=%s" .) -}}{{- end -}}
{{- if ge (int (include "sidecar-fleet.limitMiB" .)) 1024 -}}{{- $options = append $options "--max-semi-space-size=32" -}}{{- end -}}
{{- join " " $options -}}
{{- end -}}
