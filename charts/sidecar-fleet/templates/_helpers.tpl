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

{{/* The V8 heap budget in MiB: heapPercent of resources.limits.memory given in Mi or Gi; empty otherwise. */}}
{{- define "sidecar-fleet.heapMiB" -}}
{{- $limit := toString (dig "limits" "memory" "" .Values.resources) -}}
{{- $mib := 0 -}}
{{- if regexMatch "^[0-9]+Gi$" $limit -}}{{- $mib = mul (atoi (trimSuffix "Gi" $limit)) 1024 -}}
{{- else if regexMatch "^[0-9]+Mi$" $limit -}}{{- $mib = atoi (trimSuffix "Mi" $limit) -}}
{{- end -}}
{{- if and (gt (int $mib) 0) (gt (int .Values.heapPercent) 0) -}}{{- div (mul $mib .Values.heapPercent) 100 -}}{{- end -}}
{{- end -}}
