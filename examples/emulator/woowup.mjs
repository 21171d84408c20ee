// WoowUp API v2 (/apiv2/{app_id}/{endpoint}): every endpoint of docs/woowup-api-v2-reference.md,
// with the transport facts of notes/woowup-api-notes.md checked strictly: Username/Apikey headers,
// parameters where WoowUp reads them (query for GET, form body for POST, query for save_product,
// JSON body for save_category_tree and send_transactional_email), the `factura` JSON, the datetime
// format, existing branches, and repeated invoice numbers.
//
// Answers: { "status": true, "data": … } or { "status": false, "message": … }, written the way a
// PHP server writes JSON. HTTP status: 200 for a served request, including "logical" refusals
// (unknown user, duplicate invoice); 400 for missing or malformed parameters; 401 for bad
// credentials; 404 for an unknown endpoint; 405 for the wrong method.
import { createHash } from 'node:crypto';
import { PhpArray, fromPlain, isNumeric, jsonDecode, parseQuery, phpToString, toNumber, toPlain } from './php.mjs';
import { isForm, phpJsonResponse, queryOf, sqlDateTime } from './http-util.mjs';

const respond = (status, value, extra = {}) => phpJsonResponse(status, fromPlain(value), extra);
const ok = (data, verdict = 'ok', detail) => respond(200, { status: true, data }, { verdict, detail });
const okMessage = (message, verdict = 'ok', detail) => respond(200, { status: true, message }, { verdict, detail });
const refuse = (message, verdict, detail) => respond(200, { status: false, message }, { verdict, detail });
const invalid = (message) => respond(400, { status: false, message }, { verdict: 'invalid', detail: { message } });
const invalidAll = (problems) => respond(400, { status: false, message: problems.join('; ') }, { verdict: 'invalid', detail: { problems } });

/** A parameter as text: null when missing, empty or not a scalar. */
function text(params, name) {
  const v = params instanceof PhpArray ? params.get(name) : undefined;
  if (v === undefined || v === null || v instanceof PhpArray) return null;
  const s = phpToString(v);
  return s === '' ? null : s;
}

function need(params, names) {
  const missing = names.filter((n) => text(params, n) === null);
  return missing.length ? invalid(`Missing parameter${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`) : null;
}

const md5 = (s) => createHash('md5').update(s).digest('hex');

/**
 * WoowUp's email rule in this project, the same as the library's (src/woowup/validate.rs, which
 * documents it; tests/woowup_v3_emulator.rs checks the two agree): at most 254 bytes of UTF-8;
 * split at the last `@` into a non-empty local part and a domain whose dot-separated labels are
 * all non-empty; no whitespace (Unicode White_Space) or control character (Cc) anywhere;
 * non-ASCII and quoted local parts accepted as they are.
 */
export function isWoowUpEmail(v) {
  if (typeof v !== 'string' || Buffer.byteLength(v, 'utf8') > 254) return false;
  const at = v.lastIndexOf('@');
  if (at < 1) return false;
  const domain = v.slice(at + 1);
  return domain.split('.').every((label) => label !== '') && !/[\p{White_Space}\p{Cc}]/u.test(v);
}

/** "yyyy-mm-dd hh:mm:ss" naming a real date and time. */
export function isWoowUpDateTime(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}

/** Problems with a `factura` text (the JSON order detail of add_sale_points_by_uid). */
export function facturaProblems(facturaText, branches) {
  let detail;
  try {
    detail = jsonDecode(facturaText);
  } catch (e) {
    return [`factura is not valid JSON (${e.message})`];
  }
  if (!(detail instanceof PhpArray) || !detail.isList()) return ['factura must be a JSON list of items'];
  const problems = [];
  const filled = (v) => v !== undefined && v !== null && !(v instanceof PhpArray) && phpToString(v) !== '';
  detail.values.forEach((item, i) => {
    const at = `factura[${i}]`;
    if (!(item instanceof PhpArray) || item.isList() && item.size) {
      problems.push(`${at} must be an object`);
      return;
    }
    for (const f of ['codigo', 'producto']) if (!filled(item.get(f))) problems.push(`${at}.${f} is required`);
    for (const f of ['cantidad', 'precio']) {
      const v = item.get(f);
      if (v === undefined || v === null) problems.push(`${at}.${f} is required`);
      else if (!isNumeric(v)) problems.push(`${at}.${f} must be a number`);
    }
    const branch = item.get('branch');
    if (filled(branch) && !branches.includes(phpToString(branch))) problems.push(`${at}.branch "${phpToString(branch)}" does not exist`);
    const variations = item.get('variations');
    if (variations !== undefined && variations !== null) {
      if (!(variations instanceof PhpArray) || !variations.isList()) problems.push(`${at}.variations must be a list`);
      else {
        variations.values.forEach((v, j) => {
          if (!(v instanceof PhpArray) || !filled(v.get('name')) || !filled(v.get('value'))) {
            problems.push(`${at}.variations[${j}] must be {"name", "value"}`);
          }
        });
      }
    }
  });
  return problems;
}

export function emptyWoowUpState() {
  return { requests: [], users: [], invoices: [], transactions: [], coupons: [], products: [], category_trees: [], emails: [] };
}

export function createWoowUp() {
  let config;
  let state;
  let ids;

  const program = {
    name: 'woowup',

    owns(segments) {
      return segments[0] === 'apiv2';
    },

    configure(fullConfig) {
      config = fullConfig.woowup;
      const now = sqlDateTime();
      for (const app of config.apps) {
        for (const u of app.users) {
          if (!state.users.some((x) => x.app_id === app.app_id && x.uid === u.uid)) {
            addUser(app, { ...u, service: u.service_uid === null ? null : 2, pass_md5: u.pass ? md5(u.pass) : null }, now);
          }
        }
      }
    },

    reset(fullConfig) {
      state = emptyWoowUpState();
      ids = { user: 0, userapp: 100, transaction: 2000 };
      program.configure(fullConfig);
    },

    state() {
      return state;
    },

    /** The app's users and invoices, for the connectors' stats. */
    appData(appId) {
      return {
        users: state.users.filter((u) => u.app_id === appId),
        invoices: state.invoices.filter((i) => i.app_id === appId),
      };
    },

    appByKey(apiKey) {
      return config.apps.find((a) => a.api_key === apiKey);
    },

    handle(request) {
      const [, appId, endpoint, ...rest] = request.segments;
      const app = config.apps.find((a) => a.app_id === appId);
      const username = request.headers.username;
      const apikey = request.headers.apikey;
      if (!app || username !== app.app_id || apikey !== app.api_key) {
        return respond(401, { status: false, message: 'Invalid credentials' }, {
          verdict: 'unauthorized',
          detail: { app_id: appId ?? null, username: username ?? null, reason: !app ? 'unknown app' : username !== appId ? 'Username is not the app id' : 'wrong Apikey' },
        });
      }
      const spec = ENDPOINTS[endpoint];
      if (!spec || rest.length) return respond(404, { status: false, message: 'Endpoint not found' }, { verdict: 'not-found' });
      if (request.method !== spec.method) {
        return respond(405, { status: false, message: `Use ${spec.method} for ${endpoint}` }, { verdict: 'method-not-allowed' });
      }
      let params;
      if (spec.from === 'query') params = queryOf(request);
      else if (spec.from === 'form') params = isForm(request) ? parseQuery(request.body) : new PhpArray();
      else {
        try {
          params = jsonDecode(request.body);
        } catch (e) {
          return invalid(`The body must be JSON (${e.message})`);
        }
      }
      const response = spec.run(app, params, request);
      return { ...response, detail: { endpoint, ...(response.detail ?? {}) } };
    },
  };

  // -------------------------------------------------------------------------------------------
  // users

  function addUser(app, u, createtime) {
    const user = {
      app_id: app.app_id, id: String(++ids.user), userapp_id: String(++ids.userapp), uid: u.uid,
      service_uid: u.service_uid === undefined ? u.uid : u.service_uid, service: u.service ?? 2, fid: u.fid ?? null,
      email: u.email, first_name: u.first_name ?? '', last_name: u.last_name ?? '', pass_md5: u.pass_md5 ?? null,
      points: u.points ?? 0, registered: u.registered ?? true, createtime,
    };
    state.users.push(user);
    return user;
  }

  const usersOf = (app) => state.users.filter((u) => u.app_id === app.app_id);
  const byUid = (app, uid) => usersOf(app).find((u) => u.service_uid !== null && u.service_uid === uid);
  const byEmail = (app, email) => usersOf(app).find((u) => u.email.toLowerCase() === email.toLowerCase());
  /** userapp_id "by default is the email": the uid, else WoowUp's numeric userapp id. */
  const byUserappId = (app, id) => byUid(app, id) ?? usersOf(app).find((u) => u.userapp_id === id);

  function userDoc(u) {
    return {
      points: String(u.points), name: `${u.first_name} ${u.last_name}`.trim(), first_name: u.first_name,
      last_name: u.last_name, email: u.email, locale: null, timezone: null, createtime: u.createtime, fid: u.fid,
      service: u.service === null ? null : String(u.service), service_uid: u.service_uid, service_pass: u.pass_md5,
      status: '1', gender: null, birthday: null, hometown: null, location: null, country_id: null,
      userapp_id: u.userapp_id, app_id: u.app_id,
    };
  }

  function registrationDoc(u, ip) {
    return {
      user: {
        service: 2, status: 1, service_uid: u.service_uid, service_pass: u.pass_md5, email: u.email,
        first_name: u.first_name, last_name: u.last_name, name: `${u.first_name} ${u.last_name}`.trim(),
        createtime: u.createtime, id: u.id, locale: null, timezone: null, fid: null, useremail: null, gender: null,
        birthday: null, hometown: null, location: null, country_id: null,
      },
      user_app: {
        app_code: 'CONTEST', showfriendsinviter: 1, is_client: 0, user_id: u.id, app_id: u.app_id, token: null,
        lastvisit: u.createtime, createtime: u.createtime, remote_ip: ip, id: u.userapp_id, contactemail: null,
        external_id: null,
      },
      points: u.points,
    };
  }

  function addTransaction(app, user, points, conceptId, description, extra = {}) {
    user.points += points;
    const t = {
      app_id: app.app_id, id: String(++ids.transaction), userapp_id: user.userapp_id, uid: user.service_uid,
      points, action_id: null, concept_id: String(conceptId), description, created: sqlDateTime(), ...extra,
    };
    state.transactions.push(t);
    return t;
  }

  /** user_by_email / user_by_uid: one parameter, one lookup, the user document. */
  function userLookup(param, find) {
    return {
      method: 'GET', from: 'query',
      run(app, p) {
        const missing = need(p, [param]);
        if (missing) return missing;
        const u = find(app, text(p, param));
        return u ? ok({ user: userDoc(u) }, 'found') : refuse('User not found', 'user-not-found');
      },
    };
  }

  const branchProblem = (app, branch) =>
    branch !== null && !app.branches.includes(branch) ? `Branch "${branch}" does not exist` : null;

  // -------------------------------------------------------------------------------------------
  // endpoints

  const ENDPOINTS = {
    user_by_email: userLookup('email', byEmail),
    user_by_uid: userLookup('uid', byUid),

    is_user: {
      method: 'GET', from: 'query',
      run(app, p) {
        const missing = need(p, ['service', 'service_uid']);
        if (missing) return missing;
        const service = text(p, 'service');
        const id = text(p, 'service_uid');
        if (service !== '1' && service !== '2') return invalid('service must be 1 (Facebook) or 2 (classic)');
        const u = service === '2' ? usersOf(app).find((x) => x.service === 2 && x.service_uid === id)
          : usersOf(app).find((x) => x.fid === id);
        return u ? okMessage('User already exists', 'found') : refuse('User does not exist', 'user-not-found');
      },
    },

    top_users_by_points: {
      method: 'GET', from: 'query',
      run(app, p) {
        const asked = text(p, 'limit');
        const limit = asked !== null && /^\d+$/.test(asked) ? Math.min(Math.max(Number(asked), 1), 100) : 10;
        const users = [...usersOf(app)].sort((a, b) => b.points - a.points || Number(a.id) - Number(b.id)).slice(0, limit);
        const list = users.map((u) => ({
          id: u.id, name: `${u.first_name} ${u.last_name}`.trim(), first_name: u.first_name, last_name: u.last_name,
          email: u.email, locale: null, timezone: null, createtime: u.createtime, fid: u.fid,
          service: u.service === null ? null : String(u.service), service_uid: u.service_uid, service_pass: u.pass_md5,
          status: '1', useremail: null, gender: null, birthday: null, hometown: null, location: null, country_id: null,
          tags: null, points: u.points,
        }));
        return respond(200, list, { verdict: 'ok' });
      },
    },

    contest_sale_points: {
      method: 'GET', from: 'query',
      run: (app) => ok({ contest_sale_points: app.contest_sale_points }),
    },

    connectedservices: {
      method: 'GET', from: 'query',
      run: (app) => ok(app.connected_services),
    },

    transactions: {
      method: 'GET', from: 'query',
      run(app, p) {
        const missing = need(p, ['userapp_id']);
        if (missing) return missing;
        const u = byUserappId(app, text(p, 'userapp_id'));
        const list = u ? state.transactions.filter((t) => t.app_id === app.app_id && t.userapp_id === u.userapp_id) : [];
        return respond(200, list.map((t) => ({
          id: t.id, points: String(t.points), action_id: t.action_id, concept_id: t.concept_id,
          description: t.description, created: t.created,
        })), { verdict: 'ok' });
      },
    },

    initialize_user: {
      method: 'POST', from: 'form',
      run(app, p, request) {
        const missing = need(p, ['uid', 'email', 'first_name', 'last_name']);
        if (missing) return missing;
        if (!isWoowUpEmail(text(p, 'email'))) return invalid('email is not a valid address');
        if (byUid(app, text(p, 'uid'))) return refuse('User already exists', 'user-exists');
        const u = addUser(app, {
          uid: text(p, 'uid'), email: text(p, 'email'), first_name: text(p, 'first_name'),
          last_name: text(p, 'last_name'), registered: false,
        }, sqlDateTime());
        return ok(registrationDoc(u, request.ip), 'created', { uid: u.uid });
      },
    },

    register_user_classic: {
      method: 'POST', from: 'form',
      run(app, p, request) {
        const missing = need(p, ['uid', 'pass', 'email', 'first_name', 'last_name']);
        if (missing) return missing;
        if (!isWoowUpEmail(text(p, 'email'))) return invalid('email is not a valid address');
        let u = byUid(app, text(p, 'uid'));
        if (u?.registered) return refuse('User already exists', 'user-exists');
        const fields = { email: text(p, 'email'), first_name: text(p, 'first_name'), last_name: text(p, 'last_name'), pass_md5: md5(text(p, 'pass')) };
        if (u) Object.assign(u, fields, { registered: true }); // completes an initialized user
        else u = addUser(app, { uid: text(p, 'uid'), ...fields, registered: true }, sqlDateTime());
        return ok(registrationDoc(u, request.ip), 'registered', { uid: u.uid });
      },
    },

    add_points_by_uid: {
      method: 'POST', from: 'form',
      run(app, p) {
        const id = text(p, 'userapp_id') ?? text(p, 'uid');
        if (id === null) return invalid('Missing parameter: userapp_id');
        const missing = need(p, ['points']);
        if (missing) return missing;
        if (!isNumeric(text(p, 'points'))) return invalid('points must be a number');
        const bad = branchProblem(app, text(p, 'branch'));
        if (bad) return invalid(bad);
        const u = byUserappId(app, id);
        if (!u) return refuse('User not found', 'user-not-found', { userapp_id: id });
        const t = addTransaction(app, u, toNumber(text(p, 'points')), text(p, 'concept') ?? '3', text(p, 'description'),
          { branch: text(p, 'branch') });
        return ok({ transaction_id: t.id }, 'points-added', { uid: u.uid, points: t.points });
      },
    },

    add_sale_points_by_uid: {
      method: 'POST', from: 'form',
      run(app, p) {
        const missing = need(p, ['uid', 'points', 'nrofactura']);
        if (missing) return missing;
        const problems = [];
        if (!isNumeric(text(p, 'points'))) problems.push('points must be a number');
        const datetime = text(p, 'datetime');
        if (datetime !== null && !isWoowUpDateTime(datetime)) problems.push('datetime must be yyyy-mm-dd hh:mm:ss');
        const branch = text(p, 'branch');
        const bad = branchProblem(app, branch);
        if (bad) problems.push(bad);
        const factura = text(p, 'factura');
        if (factura !== null) problems.push(...facturaProblems(factura, app.branches));
        if (problems.length) return invalidAll(problems);

        const nro = text(p, 'nrofactura');
        const u = byUid(app, text(p, 'uid'));
        if (!u) return refuse('User not found', 'user-not-found', { uid: text(p, 'uid'), nrofactura: nro });
        const existing = state.invoices.find((i) => i.app_id === app.app_id && i.nrofactura === nro);
        if (existing) {
          existing.deliveries++;
          existing.duplicates++;
          return refuse(`Invoice number ${nro} already exists`, 'duplicate-invoice', { nrofactura: nro });
        }
        const points = toNumber(text(p, 'points'));
        const t = addTransaction(app, u, points, 6, nro, { nrofactura: nro, branch });
        state.invoices.push({
          app_id: app.app_id, nrofactura: nro, uid: u.service_uid, userapp_id: u.userapp_id, points,
          items: factura === null ? [] : toPlain(jsonDecode(factura)), branch, datetime: datetime ?? sqlDateTime(),
          status: 'active', transaction_id: t.id, deliveries: 1, duplicates: 0, created_at: new Date().toISOString(),
          cancelled_at: null,
        });
        return ok({ transaction_id: t.id }, 'invoice-recorded', { nrofactura: nro, uid: u.uid, points });
      },
    },

    cancel_invoice: {
      method: 'POST', from: 'form',
      run(app, p) {
        const missing = need(p, ['nrofactura']);
        if (missing) return missing;
        const nro = text(p, 'nrofactura');
        const invoice = state.invoices.find((i) => i.app_id === app.app_id && i.nrofactura === nro);
        if (!invoice) return refuse('Invoice not found', 'invoice-not-found', { nrofactura: nro });
        if (invoice.status === 'cancelled') return refuse('Invoice already cancelled', 'already-cancelled', { nrofactura: nro });
        const u = state.users.find((x) => x.app_id === app.app_id && x.userapp_id === invoice.userapp_id);
        const t = addTransaction(app, u, -invoice.points, 6, `cancel ${nro}`, { nrofactura: nro });
        invoice.status = 'cancelled';
        invoice.cancelled_at = new Date().toISOString();
        return ok({ transaction_id: t.id }, 'invoice-cancelled', { nrofactura: nro });
      },
    },

    coupon_status: {
      method: 'POST', from: 'form',
      run(app, p) {
        const missing = need(p, ['coupon_id', 'status']);
        if (missing) return missing;
        if (!/^\d+$/.test(text(p, 'status'))) return invalid('status must be a number (4: used)');
        state.coupons.push({ app_id: app.app_id, coupon_id: text(p, 'coupon_id'), status: Number(text(p, 'status')), at: new Date().toISOString() });
        return ok('Cambio de estado efectuado con exito', 'coupon-status', { coupon_id: text(p, 'coupon_id') });
      },
    },

    save_product: {
      method: 'POST', from: 'query',
      run(app, p) {
        const missing = need(p, ['code', 'name']);
        if (missing) return missing;
        const cost = text(p, 'cost');
        if (cost !== null && !isNumeric(cost)) return invalid('cost must be a number');
        const fields = Object.fromEntries(['code', 'name', 'category_id', 'thumbnail_url', 'image_url', 'url', 'cost']
          .map((f) => [f, text(p, f)]));
        const existing = state.products.find((x) => x.app_id === app.app_id && x.code === fields.code);
        if (existing) Object.assign(existing, fields, { updated_at: new Date().toISOString() });
        else state.products.push({ app_id: app.app_id, ...fields, created_at: new Date().toISOString() });
        return okMessage(existing ? 'product updated' : 'product created', existing ? 'product-updated' : 'product-created', { code: fields.code });
      },
    },

    save_category_tree: {
      method: 'POST', from: 'json',
      run(app, tree) {
        const problems = categoryProblems(tree, 'body');
        if (problems.length) return invalidAll(problems);
        state.category_trees.push({ app_id: app.app_id, tree: toPlain(tree), at: new Date().toISOString() });
        return respond(200, { status: true }, { verdict: 'categories-saved' });
      },
    },

    send_transactional_email: {
      method: 'POST', from: 'json',
      run(app, mail) {
        const problems = [];
        const to = mail instanceof PhpArray ? mail.get('to') : undefined;
        if (!(to instanceof PhpArray) || !to.isList() || !to.size) problems.push('to must be a non-empty list of addresses');
        else to.values.forEach((a, i) => { if (!isWoowUpEmail(a)) problems.push(`to[${i}] is not a valid address`); });
        for (const f of ['subject', 'body']) if (text(mail, f) === null) problems.push(`${f} is required`);
        if (problems.length) return invalidAll(problems);
        state.emails.push({ app_id: app.app_id, to: toPlain(to), subject: text(mail, 'subject'), body: text(mail, 'body'), at: new Date().toISOString() });
        return respond(200, { status: true }, { verdict: 'email-queued' });
      },
    },
  };

  return program;
}

function categoryProblems(nodes, at) {
  if (!(nodes instanceof PhpArray) || !nodes.isList()) return [`${at} must be a list of categories`];
  const problems = [];
  nodes.values.forEach((node, i) => {
    const here = `${at}[${i}]`;
    if (!(node instanceof PhpArray) || (node.isList() && node.size)) return problems.push(`${here} must be an object`);
    const id = node.get('id');
    if (!(typeof id === 'bigint' || (typeof id === 'string' && /^\d+$/.test(id)))) problems.push(`${here}.id must be an integer`);
    const name = node.get('name');
    if (typeof name !== 'string' || name === '') problems.push(`${here}.name is required`);
    const children = node.get('children');
    if (children !== undefined && children !== null) problems.push(...categoryProblems(children, `${here}.children`));
  });
  return problems;
}
