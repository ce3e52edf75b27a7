// npm start: production server; builds first when no build exists or it is older than the code.
import { spawn } from 'node:child_process';
import { ensureBuild } from './ensure-build.mjs';
import { SERVER_ARGS } from './server-args.mjs';

ensureBuild();
const child = spawn(process.execPath, SERVER_ARGS, { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
