/** @type {import('next').NextConfig} */
const nextConfig = {
  // The container image (Dockerfile) runs .next/standalone: server.js and only the node_modules it traces.
  output: 'standalone',
  // client-node is server-only and large; leaving it to Node's require keeps builds fast and small.
  // prom-client keeps one registry per process only when every bundle requires the same module.
  serverExternalPackages: ['@kubernetes/client-node', 'prom-client'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
