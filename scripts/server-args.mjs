// How a production-mode Parley server process is started: npm start (scripts/start.mjs), the
// end-to-end tests' server (scripts/e2e-server.mjs) and the benchmarks (bench/lib/production-server.ts).
//
// --max-semi-space-size=64: V8's young generation may grow to 2 × 64 MB (the default is 2 × 16 MB).
// A webhook's short-lived objects (request, rows, DTOs, socket frames) then mostly die before a
// scavenge instead of being promoted, so the server scavenges half as often and collects its old
// generation less. Measured with bench:realtime (200 msg/s, 105 sockets): 52 instead of 108
// scavenges per run, p99 18.7/20.3/25.4/28.1 ms against 24.7/28.5/33.8/39.0 ms, worst message
// 33–41 ms against 41–70 ms. Costs up to ~100 MB more memory under load.
export const SERVER_ARGS = ['--max-semi-space-size=64', '--import', 'tsx', 'server.ts'];
