import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route, searchParams } from '@/lib/http/body';
import { buildReport, reportQuerySchema, reportSectionCsv } from '@/lib/reports/report';

/** JSON report; `format=csv&section=...` gives the numbers behind one chart. */
export const GET = route(async (req) => {
  await requireActor(req, 'supervise');
  const query = parseWith(reportQuerySchema, searchParams(req));
  const report = await buildReport({ db: getDb(), query });
  if (query.format === 'csv') {
    const section = query.section ?? 'volume';
    return new Response(reportSectionCsv(report, section), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="parley-report-${section}.csv"`,
      },
    });
  }
  return Response.json(report);
});
