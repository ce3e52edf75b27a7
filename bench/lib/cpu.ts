import { execSync } from 'node:child_process';
import fs from 'node:fs';

const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU time (ms) used so far by every process of the postgres user: the database's whole share of the machine. */
export function postgresCpuMs(): number | undefined {
  try {
    let total = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // own + reaped children
    }
    return (total * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}
