/** @type {import('next').NextConfig} */
const nextConfig = {
  // These run only on the server and must be the same module instances server.ts uses
  // (PGlite owns its data directory; pg-boss and Socket.IO are process singletons).
  serverExternalPackages: [
    '@electric-sql/pglite',
    'postgres',
    'pg-boss',
    'pg',
    'socket.io',
    '@socket.io/redis-adapter',
    'redis',
    'twilio',
    'pino',
    'file-type',
    // Its Drizzle store imports drizzle-orm at run time by a computed name, which a bundle cannot follow.
    'rate-limiter-flexible',
  ],
  experimental: { authInterrupts: true },
  // `npm run typecheck` (tsc over app, lib, db and tests) runs in CI; the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // The dev server is reached as 127.0.0.1 by tests and as localhost by people.
  allowedDevOrigins: ['127.0.0.1', 'localhost'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
