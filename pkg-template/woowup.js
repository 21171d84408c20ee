// woowup.*: the wasm exports under their public names, the API v2 client, and the async drivers
// of the reward and cancel flows (types and docs in index.d.ts).
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
};

/** The wasm handle of each client made by v2(); a WeakMap keeps it off the object itself. */
const handles = new WeakMap();

function fail(code, message, field) {
  const LoyaltyError = loyaltyErrorClass();
  return new LoyaltyError(code, message, field);
}

function handleOf(client, field = "client") {
  const handle = (typeof client === "object" || typeof client === "function") && client !== null ? handles.get(client) : undefined;
  if (handle === undefined) throw fail("invalid_field", `${field}: must be a client made by woowup.v2()`, field);
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

/**
 * Drives a flow: sends what it asks with `send` (fetch), sleeps when it says wait, hands it each answer
 * or the lack of one. Every decision (retry, wait, Retry-After, in doubt, final) is the Rust
 * core's engine's; a fetch that rejects is reported as a lost answer, never thrown.
 */
async function drive(flow, send) {
  try {
    for (;;) {
      const step = flow.next();
      if (step.wait !== undefined) {
        await sleep(step.wait);
        continue;
      }
      if (step.send === undefined) return flow.outcome();
      const req = step.send;
      let response;
      let body;
      try {
        response = await send(req.url, req);
        body = await response.text();
      } catch (e) {
        const kind = e?.name === "TimeoutError" ? "timeout" : "network";
        flow.lost(kind, `${new URL(req.url).pathname}: ${e?.name ?? "Error"}: ${e?.message ?? String(e)}`);
        continue;
      }
      flow.feed(response.status, response.headers?.get?.("retry-after") ?? null, body);
    }
  } finally {
    flow.free();
  }
}

/** The connector guides' flow for one order: find the customer, read the sale points, reward. */
export async function rewardOrder(input) {
  const send = flowInput(input, ["client", "order", "options", "fetch", "retry"]);
  if (input.order === undefined) throw fail("missing_field", "order is required", "order");
  return drive(handleOf(input.client).rewardOrder(input.order, input.options, input.retry), send);
}

/** Cancels one purchase (`cancel_invoice`) and reverts its points. */
export async function cancelOrder(input) {
  const send = flowInput(input, ["client", "nrofactura", "fetch", "retry"]);
  return drive(handleOf(input.client).cancelOrder(input.nrofactura, input.retry), send);
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
