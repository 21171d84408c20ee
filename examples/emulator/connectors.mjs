// WoowUp's connectors data-processing API (docs/woowup-connectors-api.md):
//   POST /v1/log    a processing record, checked against the documented JSON schema
//   GET  /v1/logs   the records, filtered by entity and processing date, paged
//   GET  /apiv3/stats  account totals computed from what the WoowUp API v2 emulator recorded
// /v1/* take `Authorization: Bearer {API_KEY}`; /apiv3/stats takes the API v3 form
// `Authorization: Basic {API_KEY}` (Bearer is accepted too). The key names a configured WoowUp app.
import { jsonResponse, plainQuery } from './http-util.mjs';

const ENTITIES = ['customers', 'purchases', 'products', 'branches'];
const COUNTS = {
  customers: ['total_created', 'total_updated', 'total_failed'],
  purchases: ['total_created', 'total_updated', 'total_failed', 'total_revenue', 'total_invoice_items'],
  products: ['total_created', 'total_updated', 'total_failed'],
  branches: ['total_created', 'total_updated'],
};

/** Problems with a POST /v1/log body, per the page's JSON schema (and its per-branch rows). */
export function logProblems(body) {
  const problems = [];
  const isInt = Number.isInteger;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return ['the body must be a JSON object'];
  if (!Array.isArray(body.files) || !body.files.every((f) => typeof f === 'string')) problems.push('files must be a list of strings');
  if (typeof body.processingtime !== 'string') {
    problems.push('processingtime is required (a string)' + ('processedtime' in body ? ': the schema names it processingtime, not processedtime' : ''));
  } else if (Number.isNaN(Date.parse(body.processingtime))) problems.push('processingtime must be an ISO-8601 date-time');
  const stats = body.stats;
  if (!stats || typeof stats !== 'object' || Array.isArray(stats)) return [...problems, 'stats must be an object'];
  for (const [entity, value] of Object.entries(stats)) {
    if (!ENTITIES.includes(entity)) {
      problems.push(`stats.${entity} is not an entity (${ENTITIES.join(', ')})`);
      continue;
    }
    if (!value || typeof value !== 'object') {
      problems.push(`stats.${entity} must be an object`);
      continue;
    }
    for (const f of COUNTS[entity]) if (!isInt(value[f])) problems.push(`stats.${entity}.${f} must be an integer`);
    const rows = value.per_branches;
    if (entity === 'purchases' && rows === undefined) problems.push('stats.purchases.per_branches is required');
    if (rows === undefined) continue;
    if (entity === 'products' || entity === 'branches') {
      problems.push(`stats.${entity} has no per_branches rows`);
      continue;
    }
    if (!Array.isArray(rows)) {
      problems.push(`stats.${entity}.per_branches must be a list`);
      continue;
    }
    rows.forEach((row, i) => {
      const at = `stats.${entity}.per_branches[${i}]`;
      if (!row || typeof row.branch !== 'string') return problems.push(`${at}.branch must be a string`);
      // customers' rows use created/updated/failed in every example; the schema says total_*
      const names = entity === 'customers' && !('total_created' in row) ? ['created', 'updated', 'failed'] : COUNTS[entity];
      for (const f of names) if (!isInt(row[f])) problems.push(`${at}.${f} must be an integer`);
    });
  }
  return problems;
}

export function createConnectors(woowup) {
  let config;
  let state;

  const keyOf = (request, schemes) => {
    const m = /^(\w+)\s+(.+)$/.exec(request.headers.authorization ?? '');
    return m && schemes.includes(m[1].toLowerCase()) ? m[2].trim() : null;
  };

  const program = {
    name: 'connectors',

    owns(segments) {
      return (segments[0] === 'v1' && ['log', 'logs'].includes(segments[1])) || (segments[0] === 'apiv3' && segments[1] === 'stats');
    },

    configure(fullConfig) {
      config = fullConfig.connectors;
    },

    reset(fullConfig) {
      program.configure(fullConfig);
      state = { requests: [], logs: [] };
    },

    state() {
      return state;
    },

    handle(request) {
      const [first, second, ...rest] = request.segments;
      if (rest.length) return jsonResponse(404, { message: 'Not Found' }, { verdict: 'not-found' });
      const route = `${request.method} /${first}/${second}`;
      const allowed = { 'POST /v1/log': postLog, 'GET /v1/logs': getLogs, 'GET /apiv3/stats': stats }[route];
      if (!allowed) return jsonResponse(405, { message: 'Method Not Allowed' }, { verdict: 'method-not-allowed' });
      const app = woowup.appByKey(keyOf(request, first === 'apiv3' ? ['basic', 'bearer'] : ['bearer']));
      if (!app) {
        return first === 'apiv3'
          ? jsonResponse(403, { payload: {}, message: 'forbidden', code: 'forbidden', time: new Date().toISOString() }, { verdict: 'unauthorized' })
          : jsonResponse(401, { message: 'Unauthorized' }, { verdict: 'unauthorized' });
      }
      return allowed(app, request);
    },
  };

  function postLog(app, request) {
    let body;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch (e) {
      return jsonResponse(400, { message: `Invalid JSON: ${e.message}`, errors: [] }, { verdict: 'invalid' });
    }
    const problems = logProblems(body);
    if (problems.length) {
      return jsonResponse(400, { message: 'Validation failed', errors: problems }, { verdict: 'invalid', detail: { problems } });
    }
    const record = { files: body.files, processingtime: body.processingtime, createtime: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'), stats: body.stats };
    state.logs.push({ app_id: app.app_id, ...record });
    return jsonResponse(200, record, { verdict: 'logged', detail: { files: body.files } });
  }

  function getLogs(app, request) {
    const q = plainQuery(request);
    const problems = [];
    if (q.entity !== undefined && !ENTITIES.includes(q.entity)) problems.push(`entity must be one of ${ENTITIES.join(', ')}`);
    for (const f of ['from', 'to']) if (q[f] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(q[f])) problems.push(`${f} must be YYYY-MM-DD`);
    for (const f of ['page', 'limit']) if (q[f] !== undefined && !/^\d+$/.test(q[f])) problems.push(`${f} must be a whole number`);
    if (problems.length) return jsonResponse(400, { message: 'Validation failed', errors: problems }, { verdict: 'invalid' });
    const page = Number(q.page ?? 0);
    const limit = Math.max(1, Number(q.limit ?? 25));
    const day = (t) => new Date(t).toISOString().slice(0, 10);
    const list = state.logs
      .filter((l) => l.app_id === app.app_id)
      .filter((l) => !q.entity || q.entity in l.stats)
      .filter((l) => !q.from || day(l.processingtime) >= q.from)
      .filter((l) => !q.to || day(l.processingtime) <= q.to)
      .reverse() // newest first
      .slice(page * limit, page * limit + limit)
      .map(({ app_id, ...record }) => record);
    return jsonResponse(200, list, { verdict: 'ok' });
  }

  /** Totals over the app's users and active invoices, optionally within [from, to] and one branch. */
  function stats(app, request) {
    const q = plainQuery(request);
    const inRange = (t) => {
      const d = String(t).replace('T', ' ');
      return (!q.from || d >= q.from) && (!q.to || d.slice(0, q.to.length) <= q.to);
    };
    const { users, invoices } = woowup.appData(app.app_id);
    const active = invoices.filter((i) => i.status === 'active' && inRange(i.datetime));
    const sum = (list) => ({
      total_purchases: list.length,
      total_revenue: Math.round(list.reduce((s, i) => s + revenue(i), 0)),
      total_invoice_items: list.reduce((s, i) => s + i.items.length, 0),
    });
    const branches = [...new Set(active.map((i) => i.branch).filter((b) => b))].filter((b) => !q.branch || b === q.branch);
    const perBranch = branches.map((branch) => {
      const list = active.filter((i) => i.branch === branch);
      return { branch, total_customers: new Set(list.map((i) => i.userapp_id)).size, ...sum(list) };
    });
    const scoped = q.branch ? active.filter((i) => i.branch === q.branch) : active;
    const customers = q.branch ? new Set(scoped.map((i) => i.userapp_id)).size : users.filter((u) => inRange(u.createtime)).length;
    const body = { total_customers: customers, ...sum(scoped), per_branches: perBranch };
    let text = JSON.stringify(body, null, '\t');
    if (config.stats_trailing_comma && perBranch.length) text = text.replace(/("total_invoice_items": \d+)\n\t\t}/g, '$1,\n\t\t}');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: text, verdict: 'ok' };
  }

  return program;
}

/** An invoice's revenue: Σ precio × cantidad over its items (precio is the unit price, per the API page). */
function revenue(invoice) {
  return invoice.items.reduce((s, item) => s + Number(item.precio) * Number(item.cantidad), 0);
}
