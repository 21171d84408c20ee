// woowup.*: the wasm exports under their public names, the API v2 and v3 clients, and the async
// drivers of the flows (v2: reward, cancel; v3: record, award points, reverse) and of the v3
// pager (types and docs in index.d.ts).
//
// The client keeps its validated configuration in wasm memory (a WoowupClientHandle): nothing is
// checked again on each call, and the API key is never a JavaScript property, so neither
// console.log(client) nor JSON.stringify(client) can show it.
import {
  loyaltyErrorClass,
  woowupV2,
  woowupPoints,
  woowupReadResponse,
  woowupReadStatus,
  woowupReadUserLookup,
  woowupReadUser,
  woowupReadRegisteredUser,
  woowupReadIsUser,
  woowupReadTopUsers,
  woowupReadTransactions,
  woowupReadTransactionId,
  woowupReadSalePoints,
  woowupReadRegistrationRequest,
  woowupRegistrationAnswer,
  woowupConnectorsLogRequest,
  woowupConnectorsLogsRequest,
  woowupConnectorsStatsRequest,
  woowupConnectorsReadLogResponse,
  woowupConnectorsReadLogsResponse,
  woowupConnectorsReadStatsResponse,
  WoowupClientHandle,
  WoowupStatsCollector,
  woowupV3,
  woowupV3Read,
  woowupV3ReadCustomer,
  woowupV3ReadPurchases,
  woowupV3ReadTransactionId,
  woowupV3ReadRequestId,
  woowupV3ReadExist,
  woowupV3ReadItems,
  WoowupV3ClientHandle,
} from "./loyalty_connector.js";

export {
  woowupPoints as points,
  woowupReadResponse as readResponse,
  woowupReadStatus as readStatus,
  woowupReadUserLookup as readUserLookup,
  woowupReadUser as readUser,
  woowupReadRegisteredUser as readRegisteredUser,
  woowupReadIsUser as readIsUser,
  woowupReadTopUsers as readTopUsers,
  woowupReadTransactions as readTransactions,
  woowupReadTransactionId as readTransactionId,
  woowupReadSalePoints as readSalePoints,
  woowupReadRegistrationRequest as readRegistrationRequest,
  woowupRegistrationAnswer as registrationAnswer,
  woowupV3ReadCustomer as readV3Customer,
  woowupV3ReadPurchases as readV3Purchases,
  woowupV3ReadTransactionId as readV3TransactionId,
  woowupV3ReadRequestId as readV3RequestId,
  woowupV3ReadExist as readV3Exist,
  woowupV3ReadItems as readV3Items,
};

/** The wasm handle of each client made by v2(); a WeakMap keeps it off the object itself. */
const handles = new WeakMap();

function fail(code, message, field) {
  const LoyaltyError = loyaltyErrorClass();
  return new LoyaltyError(code, message, field);
}

function handleOf(client, field = "client", Handle = WoowupClientHandle) {
  const handle = (typeof client === "object" || typeof client === "function") && client !== null ? handles.get(client) : undefined;
  if (!(handle instanceof Handle)) {
    const made = Handle === WoowupClientHandle ? "woowup.v2()" : "woowup.v3()";
    throw fail("invalid_field", `${field}: must be a client made by ${made}`, field);
  }
  return handle;
}

/** An API v2 client: one method per endpoint, each returning a request for fetch(req.url, req). */
class WoowupClient {
  constructor(handle) {
    if (!(handle instanceof WoowupClientHandle)) throw new TypeError("use woowup.v2(config) to make a client");
    handles.set(this, handle);
    this.appId = handle.appId;
    this.baseUrl = handle.baseUrl;
    Object.freeze(this);
  }

  userByEmail(email) {
    return handleOf(this, "this").userByEmail(email);
  }
  userByUid(uid) {
    return handleOf(this, "this").userByUid(uid);
  }
  isUser(params) {
    return handleOf(this, "this").isUser(params);
  }
  topUsersByPoints(limit) {
    return handleOf(this, "this").topUsersByPoints(limit);
  }
  registerUserClassic(user) {
    return handleOf(this, "this").registerUserClassic(user);
  }
  initializeUser(user) {
    return handleOf(this, "this").initializeUser(user);
  }
  addPointsByUid(params) {
    return handleOf(this, "this").addPointsByUid(params);
  }
  addSalePointsByUid(sale) {
    return handleOf(this, "this").addSalePointsByUid(sale);
  }
  cancelInvoice(nrofactura) {
    return handleOf(this, "this").cancelInvoice(nrofactura);
  }
  transactions(userappId) {
    return handleOf(this, "this").transactions(userappId);
  }
  contestSalePoints() {
    return handleOf(this, "this").contestSalePoints();
  }
  connectedservices() {
    return handleOf(this, "this").connectedservices();
  }
  couponStatus(params) {
    return handleOf(this, "this").couponStatus(params);
  }
  saveProduct(product) {
    return handleOf(this, "this").saveProduct(product);
  }
  saveCategoryTree(categories) {
    return handleOf(this, "this").saveCategoryTree(categories);
  }
  sendTransactionalEmail(message) {
    return handleOf(this, "this").sendTransactionalEmail(message);
  }

  /** What JSON.stringify shows: the app id and base URL, never the key. */
  toJSON() {
    return { appId: this.appId, baseUrl: this.baseUrl };
  }
}

/** A client for API v2: `{ appId, apiKey, baseUrl? }`, checked once here. */
export function v2(config) {
  return new WoowupClient(woowupV2(config));
}

/** The flow's input object, checked: unknown names are refused, as everywhere in the package. */
function flowInput(input, known) {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw fail(input == null ? "missing_field" : "invalid_field", `input: must be an object with ${known.join(", ")}`, "input");
  }
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) throw fail("invalid_field", `${key}: is not one of ${known.join(", ")}`, key);
  }
  if (input.fetch != null) {
    if (typeof input.fetch !== "function") throw fail("invalid_field", "fetch: must be a function like globalThis.fetch", "fetch");
    return input.fetch;
  }
  if (typeof globalThis.fetch !== "function") throw fail("missing_field", "fetch is required: this runtime has no globalThis.fetch", "fetch");
  // Looked up at each call (a mock installed later is used) and called on globalThis, as the
  // platform's fetch expects to be.
  return (url, init) => globalThis.fetch(url, init);
}

/** Resolves after `ms` milliseconds. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The headers of a fetch Response as `[[name, value], …]`, moved as they are. */
function headerPairs(response) {
  const pairs = [];
  const headers = response.headers;
  if (headers != null && typeof headers.forEach === "function") headers.forEach((value, name) => pairs.push([String(name), String(value)]));
  return pairs;
}

/**
 * Drives a step object of the core (a v2 or v3 flow, a v3 pager): sends what it asks with `send`
 * (fetch), sleeps when it says wait, yields the pages it reads, and hands it each answer
 * (`feed(response, body)`) or the lack of one. Every decision (retry, wait, Retry-After, pace,
 * in doubt, final) is the Rust core's; a fetch that rejects is reported as a lost answer, never
 * thrown. Returns `outcome(step)` once done.
 */
async function* drive(steps, send, feed, outcome = (step) => step.done) {
  try {
    for (;;) {
      const step = steps.next();
      if (step.wait !== undefined) {
        await sleep(step.wait);
        continue;
      }
      if (step.page !== undefined) {
        yield step.page;
        continue;
      }
      if (step.send === undefined) return outcome(step);
      const req = step.send;
      let response;
      let body;
      try {
        response = await send(req.url, req);
        body = await response.text();
      } catch (e) {
        const kind = e?.name === "TimeoutError" ? "timeout" : "network";
        steps.lost(kind, `${new URL(req.url).pathname}: ${e?.name ?? "Error"}: ${e?.message ?? String(e)}`);
        continue;
      }
      feed(response, body);
    }
  } finally {
    steps.free();
  }
}

/** Runs a flow to its outcome. */
async function run(driven) {
  for (;;) {
    const { done, value } = await driven.next();
    if (done) return value;
  }
}

/** A v2 flow (WoowupFlow): fed the status, Retry-After and body; its outcome read once done. */
const runV2 = (flow, send) =>
  run(drive(flow, send, (response, body) => flow.feed(response.status, response.headers?.get?.("retry-after") ?? null, body), () => flow.outcome()));

/** A v3 step object (WoowupV3Flow, WoowupV3Pager): fed the status, every header and the body. */
const driveV3 = (steps, send) => drive(steps, send, (response, body) => steps.feed(response.status, headerPairs(response), body));

/** The connector guides' flow for one order: find the customer, read the sale points, reward. */
export async function rewardOrder(input) {
  const send = flowInput(input, ["client", "order", "options", "fetch", "retry"]);
  if (input.order === undefined) throw fail("missing_field", "order is required", "order");
  return runV2(handleOf(input.client).rewardOrder(input.order, input.options, input.retry), send);
}

/** Cancels one purchase (`cancel_invoice`) and reverts its points. */
export async function cancelOrder(input) {
  const send = flowInput(input, ["client", "nrofactura", "fetch", "retry"]);
  return runV2(handleOf(input.client).cancelOrder(input.nrofactura, input.retry), send);
}

/** Groups the handle's flat methods under the names of the client's namespaces. */
function methods(handle, names) {
  const group = {};
  for (const [name, method] of Object.entries(names)) group[name] = (...args) => handle[method](...args);
  return Object.freeze(group);
}

/**
 * An API v3 client: namespaces of builders, each returning a request for fetch(req.url, req).
 * The key stays in wasm; so does the account's pacer, shared by every flow and pager of this
 * client.
 */
class WoowupV3Client {
  constructor(handle) {
    if (!(handle instanceof WoowupV3ClientHandle)) throw new TypeError("use woowup.v3(config) to make a client");
    handles.set(this, handle);
    this.baseUrl = handle.baseUrl;
    this.customers = methods(handle, {
      exist: "customerExists", find: "findCustomer", create: "createCustomer", update: "updateCustomer",
      addPoints: "addPoints", transactions: "transactions", addMember: "addMember", updateMember: "updateMember",
      abandonedCart: "abandonedCart", list: "listCustomers", removeTags: "removeTags",
    });
    this.purchases = methods(handle, {
      create: "createPurchase", update: "updatePurchase", find: "findPurchase", bulk: "bulkPurchases", cardIin: "cardIin",
    });
    this.products = methods(handle, {
      create: "createProduct", update: "updateProduct", find: "findProduct", exist: "productExists", search: "searchProducts",
    });
    this.branches = methods(handle, { list: "listBranches", find: "findBranch", create: "createBranch", update: "updateBranch" });
    this.categories = methods(handle, { delete: "deleteCategory", deleteAll: "deleteAllCategories" });
    this.coupons = methods(handle, { list: "listCoupons", setStatus: "setCouponStatus" });
    this.benefits = methods(handle, { list: "benefits" });
    this.events = methods(handle, { list: "listEvents", create: "createEvent", user: "userEvent" });
    this.customAttributes = methods(handle, {
      list: "listCustomAttributes", create: "createCustomAttribute", update: "updateCustomAttribute",
    });
    this.integrationStats = methods(handle, { create: "createIntegrationStats", search: "searchIntegrationStats" });
    this.stats = (options) => handle.stats(options);
    Object.freeze(this);
  }

  /** What JSON.stringify shows: the base URL, never the key. */
  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}

/** A client for API v3: `{ apiKey, baseUrl? }`, checked once here. */
export function v3(config) {
  return new WoowupV3Client(woowupV3(config));
}

/** Any API v3 answer as a typed outcome; `headers` (a Headers, pairs or a plain object) give Retry-After. */
export function readV3(status, body, headers) {
  let pairs = null;
  if (headers != null) {
    if (typeof headers[Symbol.iterator] === "function") pairs = Array.from(headers, (pair) => Array.from(pair, String));
    else if (typeof headers === "object") pairs = Object.entries(headers).map(([name, value]) => [name, String(value)]);
    else throw fail("invalid_field", "headers: must be a Headers, [name, value] pairs or an object", "headers");
  }
  return woowupV3Read(status, body, pairs);
}

/** API v3: find (or create) the customer, `POST /purchases`, a duplicate updated with `PUT`. */
export async function recordOrder(input) {
  const send = flowInput(input, ["client", "purchase", "customer", "options", "fetch", "retry"]);
  if (input.purchase === undefined) throw fail("missing_field", "purchase is required", "purchase");
  const handle = handleOf(input.client, "client", WoowupV3ClientHandle);
  return run(driveV3(handle.recordOrder(input.purchase, input.customer, input.options, input.retry), send));
}

/** API v3: points for something other than a purchase, never sent twice. */
export async function awardPoints(input) {
  const send = flowInput(input, ["client", "customer", "points", "reference", "fetch", "retry"]);
  const handle = handleOf(input.client, "client", WoowupV3ClientHandle);
  return run(driveV3(handle.awardPoints(input.customer, input.points, input.reference, input.retry), send));
}

/** API v3: the reversal the caller chose (`reversal.kind`; refused when left out). */
export async function reverseOrder(input) {
  const send = flowInput(input, ["client", "invoiceNumber", "reversal", "fetch", "retry"]);
  const handle = handleOf(input.client, "client", WoowupV3ClientHandle);
  return run(driveV3(handle.reverseOrder(input.invoiceNumber, input.reversal, input.retry), send));
}

/** API v3: the pages of a list as an async iterator of item arrays. */
export function pages(input) {
  const send = flowInput(input, ["client", "list", "limit", "filters", "status", "from", "to", "owner", "text", "fetch", "retry"]);
  const handle = handleOf(input.client, "client", WoowupV3ClientHandle);
  const { client, list, fetch, retry, ...options } = input;
  const pager = handle.pages(list, options, retry);
  return driveV3(pager, send);
}

/** WoowUp's data-processing API: the statistics of a batch run and the logs that record them. */
export const connectors = Object.freeze({
  StatsCollector: WoowupStatsCollector,
  logRequest: woowupConnectorsLogRequest,
  logsRequest: woowupConnectorsLogsRequest,
  statsRequest: woowupConnectorsStatsRequest,
  readLogResponse: woowupConnectorsReadLogResponse,
  readLogsResponse: woowupConnectorsReadLogsResponse,
  readStatsResponse: woowupConnectorsReadStatsResponse,
});
