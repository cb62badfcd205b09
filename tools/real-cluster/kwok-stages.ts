/**
 * KWOK stages that play the kubelet on the real control plane's fake nodes, with the same image
 * rules as the built-in cluster's kubelet stand-in (lib/sim/controllers/images.ts, described in the
 * README's table):
 *
 *   tag `-broken`, or a host under invalid.example / .invalid / .example / .test / .local
 *                                   → ErrImagePull ⇄ ImagePullBackOff, never ready
 *   tag `-crashloop`                → CrashLoopBackOff with a rising restartCount
 *   tag `-slow`                     → every step ten times slower
 *   a reference that does not parse → InvalidImageName
 *   anything else                   → running, then ready; imageID `<repo>@sha256:<sha256 of the image string>`
 *
 * KWOK's stock pod stages (kustomize/stage/pod in the module) set neither `imageID` nor react to an
 * in-place image change; Kruise needs both to see a sidecar upgrade finish (a container counts as
 * updated when its imageID changed or status.image equals spec.image:
 * pkg/control/sidecarcontrol/sidecarset_control.go). So the pod stages here are our own; the node
 * stages and pod deletion are KWOK's own files, read from the pinned module.
 *
 * Every pod stage renders the whole pod status with one template: a mode picks which containers
 * change (start, ready, in-place kill, pull back-off, crash loop) and the rest keep their status;
 * conditions and phase are then derived from the containers as the kubelet derives them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

type Mode = 'sandbox' | 'start' | 'ready' | 'kill' | 'pullBackoff' | 'pullRetry' | 'crash';

/** jq: the containers (init first) paired with their current status (null when none yet). */
const PAIRS =
  '. as $pod | [ ((.spec.initContainers // []) | map(. + {_init: true})) + .spec.containers | .[] | . as $c' +
  ' | { c: $c, s: ((($pod.status.containerStatuses // []) + ($pod.status.initContainerStatuses // [])) | map(select(.name == $c.name)) | .[0]) } ]';

/** jq: some container is in the state a mode acts on (mirrors `wants` in the template below). */
const WANTS: Record<Exclude<Mode, 'sandbox'>, string> = {
  start:
    '.s == null or (.s.state.waiting.reason // "") == "ContainerCreating" or (.s.state.waiting.reason // "") == "PodInitializing"' +
    ' or (.s.state.waiting != null and .s.image != .c.image)',
  ready: '.s != null and .s.state.running != null and .s.ready == false and .s.image == .c.image',
  kill: '.s != null and .s.state.running != null and .s.image != .c.image and ((.c._init // false) == false or .c.restartPolicy == "Always")',
  pullBackoff: '.s != null and (.s.state.waiting.reason // "") == "ErrImagePull" and .s.image == .c.image',
  pullRetry: '.s != null and (.s.state.waiting.reason // "") == "ImagePullBackOff" and .s.image == .c.image',
  crash: '.s != null and (.s.state.waiting.reason // "") == "CrashLoopBackOff" and .s.image == .c.image',
};

/**
 * The status template (Go text/template with sprig, as KWOK renders it). `MODE` is replaced per
 * stage. It prints the status as JSON, which KWOK reads as YAML.
 */
const TEMPLATE = String.raw`{{- $now := Now -}}
{{- $mode := "MODE" -}}
{{- $pod := . -}}
{{- $old := dict -}}
{{- range (concat (dig "status" "containerStatuses" list .) (dig "status" "initContainerStatuses" list .)) -}}{{- $_ := set $old .name . -}}{{- end -}}
{{- $items := list -}}
{{- range (dig "spec" "initContainers" list .) -}}{{- $items = append $items (dict "c" . "init" true "sidecar" (eq (default "" .restartPolicy) "Always")) -}}{{- end -}}
{{- range .spec.containers -}}{{- $items = append $items (dict "c" . "init" false "sidecar" false) -}}{{- end -}}
{{- $apps := dict -}}{{- $inits := list -}}
{{- $initsDone := true -}}{{- $allReady := true -}}{{- $anyCreated := false -}}
{{- $unready := list -}}{{- $incomplete := list -}}
{{- range $it := $items -}}
  {{- $c := $it.c -}}
  {{- $img := default "" $c.image -}}
  {{- $s := get $old $c.name -}}
  {{- $waitingReason := "" -}}{{- $running := false -}}
  {{- if $s -}}{{- $waitingReason = dig "state" "waiting" "reason" "" $s -}}{{- $running = hasKey (dig "state" "running" dict $s) "startedAt" -}}{{- end -}}
  {{- $sameImage := and $s (eq (default "" $s.image) $img) -}}
  {{- $plainInit := and $it.init (not $it.sidecar) -}}
  {{- $wants := false -}}
  {{- if eq $mode "sandbox" -}}{{- $wants = true -}}
  {{- else if eq $mode "start" -}}{{- $wants = or (not $s) (eq $waitingReason "ContainerCreating") (eq $waitingReason "PodInitializing") (and (ne $waitingReason "") (not $sameImage)) -}}
  {{- else if eq $mode "ready" -}}{{- $wants = and $running (not $s.ready) $sameImage -}}
  {{- else if eq $mode "kill" -}}{{- $wants = and $running (not $sameImage) (not $plainInit) -}}
  {{- else if eq $mode "pullBackoff" -}}{{- $wants = and (eq $waitingReason "ErrImagePull") $sameImage -}}
  {{- else if eq $mode "pullRetry" -}}{{- $wants = and (eq $waitingReason "ImagePullBackOff") $sameImage -}}
  {{- else if eq $mode "crash" -}}{{- $wants = and (eq $waitingReason "CrashLoopBackOff") $sameImage -}}
  {{- end -}}
  {{- $st := $s -}}
  {{- $restarts := 0 -}}{{- if $s -}}{{- $restarts = int (default 0 $s.restartCount) -}}{{- end -}}
  {{- $lastState := dict -}}{{- if $s -}}{{- $lastState = default dict $s.lastState -}}{{- end -}}
  {{- if $wants -}}
    {{- /* The image reference, parsed as containerd normalises it (lib/sim/controllers/images.ts). */ -}}
    {{- $valid := regexMatch "^(?:([a-z0-9.-]+(?::[0-9]+)?)/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$" $img -}}
    {{- $digest := regexFind "sha256:[a-f0-9]{64}$" $img -}}
    {{- $noDigest := regexReplaceAll "@sha256:[a-f0-9]{64}$" $img "" -}}
    {{- $lastSeg := last (splitList "/" $noDigest) -}}
    {{- $tag := "" -}}{{- if contains ":" $lastSeg -}}{{- $tag = last (splitList ":" $lastSeg) -}}{{- end -}}
    {{- $name := $noDigest -}}{{- if $tag -}}{{- $name = trimSuffix (printf ":%s" $tag) $noDigest -}}{{- end -}}
    {{- $parts := splitList "/" $name -}}{{- $first := first $parts -}}
    {{- $host := "docker.io" -}}{{- $path := $name -}}
    {{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}{{- $host = $first -}}{{- $path = join "/" (rest $parts) -}}{{- end -}}
    {{- if and (eq $host "docker.io") (not (contains "/" $path)) -}}{{- $path = printf "library/%s" $path -}}{{- end -}}
    {{- $repo := printf "%s/%s" $host $path -}}
    {{- if and (not $tag) (not $digest) -}}{{- $tag = "latest" -}}{{- end -}}
    {{- $bareHost := regexReplaceAll ":[0-9]+$" $host "" -}}
    {{- $behaviour := "ok" -}}
    {{- if or (not $valid) (eq (trim $img) "") -}}{{- $behaviour = "invalid" -}}
    {{- else if or (eq $bareHost "invalid.example") (regexMatch "[.](invalid|example|test|local)$" $bareHost) -}}{{- $behaviour = "pull-no-host" -}}
    {{- else if hasSuffix "-broken" $tag -}}{{- $behaviour = "pull-not-found" -}}
    {{- else if hasSuffix "-crashloop" $tag -}}{{- $behaviour = "crashloop" -}}
    {{- end -}}
    {{- $full := $repo -}}{{- if and $tag (ne $tag "") -}}{{- $full = printf "%s:%s" $full $tag -}}{{- end -}}{{- if $digest -}}{{- $full = printf "%s@%s" $full $digest -}}{{- end -}}
    {{- $pullMessage := printf "Failed to pull image %q: failed to pull and unpack image %q: failed to resolve reference %q: %s: not found" $img $full $full $full -}}
    {{- if eq $behaviour "pull-no-host" -}}
      {{- $pullMessage = printf "Failed to pull image %q: failed to pull and unpack image %q: failed to resolve reference %q: failed to do request: Head \"https://%s/v2/%s/manifests/%s\": dial tcp: lookup %s: no such host" $img $full $full $host $path (default "latest" $tag) $bareHost -}}
    {{- end -}}
    {{- $imageID := printf "%s@%s" $repo (default (printf "sha256:%s" (sha256sum $img)) $digest) -}}
    {{- $containerID := printf "containerd://%s" (sha256sum (printf "%s/%s/%d" $pod.metadata.uid $c.name $restarts)) -}}
    {{- if eq $mode "sandbox" -}}
      {{- $st = dict "name" $c.name "image" $img "imageID" "" "ready" false "started" false "restartCount" 0 "lastState" dict "state" (dict "waiting" (dict "reason" (ternary "PodInitializing" "ContainerCreating" $it.init))) -}}
    {{- else if or (eq $mode "start") (eq $mode "pullRetry") -}}
      {{- if eq $behaviour "invalid" -}}
        {{- $st = dict "name" $c.name "image" $img "imageID" "" "ready" false "started" false "restartCount" $restarts "lastState" $lastState "state" (dict "waiting" (dict "reason" "InvalidImageName" "message" (printf "Failed to apply default image tag %q: couldn't parse image name %q: invalid reference format" $img $img))) -}}
      {{- else if or (eq $behaviour "pull-no-host") (eq $behaviour "pull-not-found") -}}
        {{- $st = dict "name" $c.name "image" $img "imageID" "" "ready" false "started" false "restartCount" $restarts "lastState" $lastState "state" (dict "waiting" (dict "reason" "ErrImagePull" "message" $pullMessage)) -}}
      {{- else if $plainInit -}}
        {{- $st = dict "name" $c.name "image" $img "imageID" $imageID "containerID" $containerID "ready" false "started" false "restartCount" $restarts "lastState" $lastState "state" (dict "terminated" (dict "exitCode" 0 "reason" "Completed" "startedAt" $now "finishedAt" $now "containerID" $containerID)) -}}
      {{- else if eq $behaviour "crashloop" -}}
        {{- $st = dict "name" $c.name "image" $img "imageID" $imageID "ready" false "started" false "restartCount" (add1 $restarts) "lastState" (dict "terminated" (dict "exitCode" 1 "reason" "Error" "startedAt" $now "finishedAt" $now "containerID" $containerID)) "state" (dict "waiting" (dict "reason" "CrashLoopBackOff" "message" (printf "back-off 10s restarting failed container=%s pod=%s_%s(%s)" $c.name $pod.metadata.name $pod.metadata.namespace $pod.metadata.uid))) -}}
      {{- else -}}
        {{- $st = dict "name" $c.name "image" $img "imageID" $imageID "containerID" $containerID "ready" false "started" true "restartCount" $restarts "lastState" $lastState "state" (dict "running" (dict "startedAt" $now)) -}}
      {{- end -}}
    {{- else if eq $mode "ready" -}}
      {{- $st = set (deepCopy $s) "ready" true -}}
    {{- else if eq $mode "kill" -}}
      {{- $st = dict "name" $c.name "image" $s.image "imageID" $s.imageID "ready" false "started" false "restartCount" (add1 $restarts) "lastState" (dict "terminated" (dict "exitCode" 0 "reason" "Completed" "startedAt" (dig "state" "running" "startedAt" $now $s) "finishedAt" $now "containerID" (default "" $s.containerID))) "state" (dict "waiting" (dict "reason" "ContainerCreating")) -}}
    {{- else if eq $mode "pullBackoff" -}}
      {{- $st = set (deepCopy $s) "state" (dict "waiting" (dict "reason" "ImagePullBackOff" "message" (printf "Back-off pulling image %q" $img))) -}}
    {{- else if eq $mode "crash" -}}
      {{- $st = set (set (deepCopy $s) "restartCount" (add1 $restarts)) "lastState" (dict "terminated" (dict "exitCode" 1 "reason" "Error" "startedAt" $now "finishedAt" $now "containerID" $containerID)) -}}
    {{- end -}}
  {{- end -}}
  {{- $stReady := false -}}{{- $stStarted := false -}}{{- $stRunning := false -}}{{- $stDone := false -}}{{- $stWaiting := "" -}}
  {{- if $st -}}
    {{- $stReady = default false $st.ready -}}{{- $stStarted = default false $st.started -}}
    {{- $stRunning = hasKey (dig "state" "running" dict $st) "startedAt" -}}
    {{- $stDone = and (hasKey (dig "state" "terminated" dict $st) "exitCode") (eq (int (dig "state" "terminated" "exitCode" 1 $st)) 0) -}}
    {{- $stWaiting = dig "state" "waiting" "reason" "" $st -}}
  {{- end -}}
  {{- if $it.init -}}
    {{- if $st -}}{{- $inits = append $inits $st -}}{{- end -}}
    {{- if $it.sidecar -}}
      {{- if not $stStarted -}}{{- $initsDone = false -}}{{- $incomplete = append $incomplete $c.name -}}{{- end -}}
      {{- if not $stReady -}}{{- $allReady = false -}}{{- $unready = append $unready $c.name -}}{{- end -}}
    {{- else if not $stDone -}}{{- $initsDone = false -}}{{- $incomplete = append $incomplete $c.name -}}
    {{- end -}}
  {{- else -}}
    {{- if $st -}}{{- $_ := set $apps $c.name $st -}}{{- end -}}
    {{- if not $stReady -}}{{- $allReady = false -}}{{- $unready = append $unready $c.name -}}{{- end -}}
    {{- if or $stRunning (eq $stWaiting "CrashLoopBackOff") (gt (int (default 0 (and $st $st.restartCount))) 0) -}}{{- $anyCreated = true -}}{{- end -}}
  {{- end -}}
{{- end -}}
{{- /* Readiness gates: Ready also waits for every gate's condition (set by others, e.g. Kruise). */ -}}
{{- $oldConds := dict -}}
{{- range (dig "status" "conditions" list .) -}}{{- $_ := set $oldConds .type . -}}{{- end -}}
{{- $gatesOk := true -}}
{{- range (dig "spec" "readinessGates" list .) -}}{{- if ne (dig .conditionType "status" "" $oldConds) "True" -}}{{- $gatesOk = false -}}{{- end -}}{{- end -}}
{{- $unreadyMsg := printf "containers with unready status: [%s]" (join " " $unready) -}}
{{- $want := list
  (dict "type" "PodReadyToStartContainers" "status" "True")
  (ternary (dict "type" "Initialized" "status" "True") (dict "type" "Initialized" "status" "False" "reason" "ContainersNotInitialized" "message" (printf "containers with incomplete status: [%s]" (join " " $incomplete))) $initsDone)
  (ternary (dict "type" "Ready" "status" "True") (dict "type" "Ready" "status" "False" "reason" (ternary "ReadinessGatesNotReady" "ContainersNotReady" $allReady) "message" (ternary "the status of pod readiness gate is not \"True\"" $unreadyMsg $allReady)) (and $allReady $gatesOk))
  (ternary (dict "type" "ContainersReady" "status" "True") (dict "type" "ContainersReady" "status" "False" "reason" "ContainersNotReady" "message" $unreadyMsg) $allReady)
  (dict "type" "PodScheduled" "status" "True") -}}
{{- $conds := list -}}
{{- range $want -}}
  {{- $prev := get $oldConds .type -}}
  {{- $ltt := $now -}}{{- if and $prev (eq (default "" $prev.status) .status) -}}{{- $ltt = default $now $prev.lastTransitionTime -}}{{- end -}}
  {{- $conds = append $conds (merge (dict "lastProbeTime" nil "lastTransitionTime" $ltt) . (dict "reason" (default nil .reason) "message" (default nil .message))) -}}
{{- end -}}
{{- $sorted := list -}}
{{- range (keys $apps | sortAlpha) -}}{{- $sorted = append $sorted (get $apps .) -}}{{- end -}}
{{- $status := dict "phase" (ternary "Running" "Pending" (and $initsDone $anyCreated)) "conditions" $conds "containerStatuses" $sorted -}}
{{- if $inits -}}{{- $_ := set $status "initContainerStatuses" $inits -}}{{- end -}}
{{- if eq $mode "sandbox" -}}
  {{- $hostIPs := NodeIPsWith .spec.nodeName -}}
  {{- $podIPs := PodIPsWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") -}}
  {{- $_ := set $status "startTime" $now -}}
  {{- with $hostIPs -}}{{- $_ := set $status "hostIP" (index . 0) -}}{{- $ips := list -}}{{- range . -}}{{- $ips = append $ips (dict "ip" .) -}}{{- end -}}{{- $_ := set $status "hostIPs" $ips -}}{{- end -}}
  {{- with $podIPs -}}{{- $_ := set $status "podIP" (index . 0) -}}{{- $ips := list -}}{{- range . -}}{{- $ips = append $ips (dict "ip" .) -}}{{- end -}}{{- $_ := set $status "podIPs" $ips -}}{{- end -}}
{{- end -}}
{{ toJson $status }}`;

export interface StageOptions {
  /** The typical delay of one kubelet step in ms (the built-in cluster's --kubelet-delay-ms). */
  baseDelayMs: number;
  /** The pinned KWOK module's directory, for its stock node and pod-deletion stages. */
  kwokModuleDir: string;
}

/** Relative delay of each step, as multiples of the base delay (as lib/sim/controllers/kubelet.ts). */
const STEP: Record<Mode, number> = { sandbox: 0.3, start: 1, ready: 0.5, kill: 2, pullBackoff: 1, pullRetry: 20, crash: 10 };

/** jq: an image whose pull fails by the rules (a `-broken` tag, or a reserved registry host). */
const PULL_FAILS = `((.c.image // "") | test(":[^/:@]*-broken(@sha256:[a-f0-9]{64})?$") or test("^[a-z0-9.-]+[.](invalid|example|test|local)(:[0-9]+)?/"))`;
/** jq: an image that crash-loops by the rules. */
const CRASHES = `((.c.image // "") | test(":[^/:@]*-crashloop(@sha256:[a-f0-9]{64})?$"))`;

interface StageDef {
  /** The template mode (what changes). */
  mode: Mode;
  /** Stage name suffix. */
  name: string;
  /** Extra jq condition on the (container, status) pairs the mode acts on. */
  only?: (pair: string) => string;
  /** The kubelet's Event for the step (KWOK's events carry a fixed message). */
  event?: { type: 'Normal' | 'Warning'; reason: string; message: string };
}

/**
 * One stage per step. A start whose new image fails, or crash-loops, is a stage of its own only so
 * that it can record the kubelet's Event; the template decides each container by the same rules.
 */
const STAGES: StageDef[] = [
  { mode: 'sandbox', name: 'sandbox' },
  { mode: 'start', name: 'start', only: (wants) => `(${wants}) and (${PULL_FAILS} | not) and (${CRASHES} | not)` },
  {
    mode: 'start',
    name: 'start-pull-failure',
    only: (wants) => `(${wants}) and ${PULL_FAILS}`,
    event: { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
  },
  {
    mode: 'start',
    name: 'start-crashloop',
    only: (wants) => `(${wants}) and ${CRASHES}`,
    event: { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' },
  },
  { mode: 'ready', name: 'ready' },
  { mode: 'kill', name: 'kill', event: { type: 'Normal', reason: 'Killing', message: 'Container definition changed, will be restarted' } },
  { mode: 'pullBackoff', name: 'pull-backoff', event: { type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image' } },
  { mode: 'pullRetry', name: 'pull-retry', event: { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' } },
  { mode: 'crash', name: 'crashloop', event: { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' } },
];

function podStage(def: StageDef, baseDelayMs: number): Record<string, unknown> {
  const { mode } = def;
  const ms = Math.max(1, Math.round(baseDelayMs * STEP[mode]));
  const common = [
    { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
    { key: '.spec.nodeName', operator: 'Exists' },
  ];
  const select =
    mode === 'sandbox'
      ? [...common, { key: '.status.podIP', operator: 'DoesNotExist' }]
      : [
          ...common,
          { key: '.status.podIP', operator: 'Exists' },
          { key: `${PAIRS} | map(${def.only ? def.only(WANTS[mode]) : WANTS[mode]}) | any`, operator: 'In', values: ['true'] },
        ];
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: `sidecar-fleet-pod-${def.name}` },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: { matchExpressions: select },
      delay: {
        durationMilliseconds: ms,
        jitterDurationMilliseconds: Math.round(ms * 1.5),
        // Images tagged -slow take ten times longer at every step.
        durationFrom: {
          jq: {
            expression: `if ([(.spec.containers[]?, .spec.initContainers[]?) | .image // "" | test(":[^/]*-slow$")] | any) then "${ms * 10}ms" else empty end`,
          },
        },
      },
      next: { statusTemplate: TEMPLATE.replace('"MODE"', JSON.stringify(mode)), ...(def.event ? { event: def.event } : {}) },
    },
  };
}

/** The KWOK configuration file: our pod stages and KWOK's own node and pod-deletion stages. */
export function kwokConfig(opts: StageOptions): string {
  const stock = (rel: string) =>
    yaml.load(readFileSync(path.join(opts.kwokModuleDir, 'kustomize', 'stage', rel), 'utf8')) as Record<string, unknown>;
  const docs = [
    stock('node/fast/node-initialize.yaml'),
    stock('node/heartbeat-with-lease/node-heartbeat-with-lease.yaml'),
    stock('pod/fast/pod-delete.yaml'),
    ...STAGES.map((d) => podStage(d, opts.baseDelayMs)),
  ];
  return docs.map((d) => yaml.dump(d, { lineWidth: -1, noRefs: true })).join('---\n');
}
