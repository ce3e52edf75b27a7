/**
 * History search benchmark (`npm run bench:history`). Creates a dedicated Postgres database,
 * seeds 100,000 conversations with 1,000,000 messages (generate_series, inside Postgres), runs
 * typical searches through the app's own query code and prints p50/p95, then the export rate.
 * Drops the database afterwards. Needs BENCH_DATABASE_URL or DATABASE_URL (a server to create it on).
 * BENCH_KEEP=1 keeps the seeded database; BENCH_REUSE=<its name> measures it again without seeding.
 * Prints the load average: on a shared machine, figures taken under load are not comparable.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { searchHistory, type HistoryFilter, type HistoryKey } from '@/db/queries/history';
import { exportHistory } from '@/lib/history/export';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const PER_CONVERSATION = 10;
const CONTACTS = CONVERSATIONS / 2;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SPAN_SECONDS = 365 * 24 * 3600;
const STEP = Math.floor(SPAN_SECONDS / CONVERSATIONS);

const EN = `order refund delivery package payment invoice account password shipping return exchange discount coupon
  price product warranty broken damaged late tracking address change cancel subscription support manager store
  open hours receipt card charge double bank transfer credit size color stock available restock gift wrap voucher
  complaint quality battery screen charger cable phone laptop tablet headphones speaker camera update install error
  login reset email number confirm code verify thanks please help urgent today tomorrow week month soon waiting`
  .split(/\s+/)
  .filter(Boolean);
const ES = `pedido reembolso entrega paquete pago factura cuenta contraseña envío devolución cambio descuento cupón
  precio producto garantía roto dañado tarde seguimiento dirección cancelar suscripción soporte gerente tienda
  abierto horario recibo tarjeta cargo doble banco transferencia crédito talla color existencias disponible regalo
  queja calidad batería pantalla cargador cable teléfono portátil auriculares altavoz cámara actualizar instalar
  error correo número confirmar código verificar gracias ayuda urgente hoy mañana semana mes pronto esperando`
  .split(/\s+/)
  .filter(Boolean);

const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

async function main() {
  // BENCH_REUSE=<database name>: measure an already seeded (BENCH_KEEP) database again.
  const reuse = process.env.BENCH_REUSE;
  const name = reuse ?? `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  if (!reuse) await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  const sql = handle.sql!;
  try {
    if (!reuse) await seed();
    await measure();
  } finally {
    await handle.close();
    if (process.env.BENCH_KEEP || reuse) {
      console.log(`kept database ${name}`);
      await admin.end();
    } else {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      console.log(`\ndropped ${name}`);
    }
  }

  async function seed() {
    await runMigrations(handle);
    console.log(`database ${name}: seeding ${CONVERSATIONS.toLocaleString()} conversations, ${(CONVERSATIONS * PER_CONVERSATION).toLocaleString()} messages`);
    const t0 = performance.now();
    await sql.unsafe(`
      insert into queues (name) values ('Sales'), ('Ventas');
      insert into users (email, name, password_hash, role, presence)
        select 'agent' || g || '@bench.test', 'Agent ' || g, 'x', 'agent', 'available' from generate_series(1, 20) g;
      insert into channels (name, provider, phone_number, queue_id, language)
        select 'WhatsApp EN', 'simulator', '+14155550000', id, 'en' from queues where name = 'Sales';
      insert into channels (name, provider, phone_number, queue_id, language)
        select 'WhatsApp ES', 'simulator', '+34910000000', id, 'es' from queues where name = 'Ventas';
      insert into contacts (phone, wa_id, name)
        select '+1415' || lpad(g::text, 7, '0'), '1415' || lpad(g::text, 7, '0'),
          (array['Maria','John','Ana','Luis','Emma','Noah','Olivia','Liam','Sofia','Mateo'])[1 + g % 10] || ' ' ||
          (array['Lopez','Smith','Gomez','Garcia','Brown','Jones','Martin','Perez','Miller','Davis'])[1 + (g / 10) % 10] || ' ' || g
        from generate_series(1, ${CONTACTS}) g;`);
    // Conversations spread evenly over a year; a third are Spanish.
    await sql.unsafe(`
      create temp table bench_refs as select
        (select array_agg(id order by email) from users) as agents,
        (select array_agg(id order by phone) from contacts) as contacts,
        (select id from channels where language = 'en') as ch_en, (select id from channels where language = 'es') as ch_es,
        (select queue_id from channels where language = 'en') as q_en, (select queue_id from channels where language = 'es') as q_es;
      insert into conversations (channel_id, contact_id, queue_id, assignee_id, status, language, created_at, last_message_at,
          assigned_at, first_response_at, closed_at)
        select case when g % 3 = 0 then r.ch_es else r.ch_en end, r.contacts[1 + g % ${CONTACTS}],
          case when g % 3 = 0 then r.q_es else r.q_en end, r.agents[1 + g % 20],
          case when g > ${CONVERSATIONS - 100} then 'active'::conversation_status else 'closed' end,
          case when g % 3 = 0 then 'es' else 'en' end, t, t + interval '20 minutes',
          t + (g % 300) * interval '1 second', t + (30 + g % 600) * interval '1 second',
          case when g > ${CONVERSATIONS - 100} then null else t + interval '20 minutes' end
        from bench_refs r, generate_series(1, ${CONVERSATIONS}) g,
          lateral (select timestamptz '2025-01-01' + g * interval '${STEP} seconds' as t) tt;`);
    const tConv = performance.now();
    // Messages: 10 per conversation, 8 words each from the conversation's language, plus an order
    // number (a rare word) in the first message. Drop the GIN index while loading, rebuild after.
    const [{ indexdef }] = (await sql`select indexdef from pg_indexes where indexname = 'messages_search_idx'`) as unknown as [{ indexdef: string }];
    await sql.unsafe(`drop index messages_search_idx`);
    const en = `array[${EN.map((w) => `'${w}'`).join(',')}]`;
    const es = `array[${ES.map((w) => `'${w}'`).join(',')}]`;
    const words = (arr: string, len: number, primes: number[]) =>
      primes.map((p) => `(${arr})[1 + ((n * ${p}) % ${len})]`).join(` || ' ' || `);
    await sql.unsafe(`
      create temp table bench_convs as
        select id, channel_id, assignee_id, language, created_at, row_number() over (order by created_at) as rn from conversations;
      insert into messages (conversation_id, channel_id, direction, kind, body, status, author_id, created_at)
        select c.id, c.channel_id, case when k % 2 = 1 then 'inbound'::direction else 'outbound' end, 'text',
          case when c.language = 'es' then ${words(es, ES.length, [7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121])}
               else ${words(en, EN.length, [7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121])} end
            || case when k = 1 then ' ord' || (c.rn * 7 % 20000) else '' end,
          case when k % 2 = 1 then 'received'::message_status when k = 10 and c.rn % 50 = 0 then 'failed' else 'read' end,
          case when k % 2 = 1 then null else c.assignee_id end,
          c.created_at + k * interval '1 minute'
        from bench_convs c, generate_series(1, ${PER_CONVERSATION}) k, lateral (select c.rn * ${PER_CONVERSATION} + k as n) nn;`);
    const tMsg = performance.now();
    await sql.unsafe(`set maintenance_work_mem = '256MB'`);
    await sql.unsafe(indexdef); // the schema's own definition
    await sql.unsafe(`vacuum analyze`);
    const tIdx = performance.now();
    console.log(
      `seeded in ${((tIdx - t0) / 1000).toFixed(1)} s (conversations ${((tConv - t0) / 1000).toFixed(1)} s, messages ${((tMsg - tConv) / 1000).toFixed(1)} s, GIN index + analyze ${((tIdx - tMsg) / 1000).toFixed(1)} s)`,
    );

  }

  async function measure() {
    const db = handle.db;
    const [{ agents, queues }] = (await sql`select (select array_agg(id) from users) agents, (select array_agg(id) from queues) queues`) as unknown as [
      { agents: string[]; queues: string[] },
    ];
    const month = (i: number) => {
      const from = new Date(Date.UTC(2025, i % 12, 1));
      return { from, to: new Date(Date.UTC(2025, (i % 12) + 1, 1)) };
    };
    const phone = (i: number) => `+1415${String(1 + ((i * 7919) % CONTACTS)).padStart(7, '0')}`;
    const scenarios: { name: string; filter: (i: number) => HistoryFilter; page2?: boolean }[] = [
      { name: 'word search over a month (common word)', filter: (i) => ({ ...month(i), q: EN[i % EN.length] }) },
      { name: 'word search over a month (Spanish, stemmed)', filter: (i) => ({ ...month(i), q: ES[i % ES.length] + 's' }) },
      { name: 'word search over a month (rare word)', filter: (i) => ({ ...month(i), q: `ord${(i * 37) % 20000}` }) },
      { name: 'two-word search over a month', filter: (i) => ({ ...month(i), q: `${EN[i % EN.length]} ${EN[(i * 7) % EN.length]}` }) },
      { name: 'word search, whole year', filter: (i) => ({ q: EN[(i * 3) % EN.length] }) },
      { name: 'word search over a month, page 2', filter: (i) => ({ ...month(i), q: EN[(i * 5) % EN.length] }), page2: true },
      { name: 'phone lookup (exact E.164)', filter: (i) => ({ contactPhone: phone(i) }) },
      { name: 'contact name (prefix words)', filter: (i) => ({ contactName: `${['maria', 'john', 'ana', 'luis'][i % 4]} ${['lop', 'smi', 'gom'][i % 3]}` }) },
      { name: 'queue + status + month', filter: (i) => ({ ...month(i), queueId: queues[i % 2], status: 'closed' }) },
      { name: 'agent + month', filter: (i) => ({ ...month(i), agentId: agents[i % agents.length] }) },
      { name: 'agent + word + month', filter: (i) => ({ ...month(i), agentId: agents[i % agents.length], q: EN[(i * 11) % EN.length] }) },
    ];
    const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`\n${RUNS} runs each, 50 results per page, through db/queries/history.ts (postgres.js); load average ${load()}`);
    console.log('scenario'.padEnd(46), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'rows'.padStart(6));
    for (const s of scenarios) {
      for (let i = 0; i < 3; i++) await searchHistory(db, { filter: s.filter(i + 1000), limit: 51 }); // warm
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const filter = s.filter(i);
        let after: HistoryKey | undefined;
        if (s.page2) {
          const first = await searchHistory(db, { filter, limit: 51 });
          const last = first[49];
          if (last) after = { createdAt: last.cursorTs, id: last.id };
        }
        const [ms, r] = await time(() => searchHistory(db, { filter, after, limit: 51 }));
        times.push(ms);
        rows += r.length;
      }
      times.sort((a, b) => a - b);
      console.log(s.name.padEnd(46), pct(times, 50).toFixed(1).padStart(8), pct(times, 95).toFixed(1).padStart(8), String(Math.round(rows / RUNS)).padStart(6));
    }

    const actor = { id: agents[0]!, email: 'bench@bench.test', name: 'Bench', role: 'supervisor' as const, via: 'token' as const, credentialId: 'bench' };
    for (const [label, filter] of [
      ['one month, all conversations', month(2)],
      ['one month, word "refund"', { ...month(3), q: 'refund' }],
    ] as [string, HistoryFilter][]) {
      const started = performance.now();
      const { stream, total } = await exportHistory({ db, actor, filter, format: 'csv' });
      let bytes = 0;
      let lines = 0;
      const reader = stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (const b of value) if (b === 10) lines++;
      }
      const s = (performance.now() - started) / 1000;
      console.log(
        `\nexport CSV, ${label}: ${(lines - 1).toLocaleString()} rows (X-Total-Count ${total.toLocaleString()}), ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round((lines - 1) / s).toLocaleString()} rows/s`,
      );
    }
    console.log(`\nload average ${load()} (1, 5, 15 min) at the end`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
