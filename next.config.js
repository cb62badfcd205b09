/** Headers every response carries; the per-request Content-Security-Policy (with its nonce) is set in proxy.ts. */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) runs .next/standalone: server.js and only the node_modules it traces.
  output: 'standalone',
  // client-node is server-only and large; leaving it to Node's require keeps builds fast and small.
  // prom-client keeps one registry per process only when every bundle requires the same module.
  serverExternalPackages: ['@kubernetes/client-node', 'prom-client'],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

module.exports = nextConfig;
