/**
 * Node flags for the dashboard server wherever a script starts it (`npm start`, the bench); the
 * chart and the image set the same through NODE_OPTIONS (charts/sidecar-fleet/templates/_helpers.tpl).
 *
 * A page render allocates a few MiB that die young. With V8's 16 MiB semi-spaces they were
 * scavenged often enough to show: 200 sequential-ish overview loads at 150,000 built-in pods cost
 * 34 to 35 ms of server CPU each, 28 to 31 ms with 32 MiB, for about 40 MiB more RSS.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];
