/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is server-only and large; leaving it to Node's require keeps builds fast and small.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
