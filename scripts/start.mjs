// npm start: production server; builds first when no build exists (or it is older than the code).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { SERVER_ARGS } from './server-args.mjs';

const buildId = '.next/BUILD_ID';
if (!fs.existsSync(buildId)) {
  console.log('No production build yet: building Parley (takes a minute or two the first time)...');
  const r = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, SERVER_ARGS, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
