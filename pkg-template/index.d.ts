/**
 * loyalty-connector: Lootly requests built byte for byte as Lootly's PHP server expects them,
 * from one WebAssembly core. Loads by itself in Node, Deno, Cloudflare Workers and browsers:
 * import and call, no init step. Every function is synchronous.
 *
 * Payloads are accepted as a plain object or as JSON text. Text is taken byte for byte (key
 * order and numbers exactly as written); an object goes through `JSON.stringify`, so JavaScript's
 * own key order applies (integer-like keys first) and `undefined` members are left out.
 *
 * Every failure is thrown as a {@link LoyaltyError} with a stable `code`.
 *
 * @packageDocumentation
 */

/** Any value JSON can carry. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A JSON object. `undefined` members are left out, as `JSON.stringify` does. */
export type JsonObject = { readonly [key: string]: JsonValue | undefined };

/** The stable codes of {@link LoyaltyError}: the same strings as the Rust core's `LoyaltyError::code()`. */
export type ErrorCode =
  | "invalid_json"
  | "too_deep"
  | "non_finite_number"
  | "missing_field"
  | "invalid_field"
  | "reserved_field"
  | "duplicate"
  | "too_large"
  | "remote_error"
  | "invalid_response";

/**
 * The one error every function throws. Branch on {@link LoyaltyError.code}; never on the message.
 * Messages and fields never contain a secret.
 *
 * @example
 * ```ts
 * try { lootly.orderCompleted(order, creds) }
 * catch (e) { if (e instanceof LoyaltyError && e.code === "missing_field") console.log(e.field) }
 * ```
 */
export class LoyaltyError extends Error {
  constructor(code: ErrorCode, message: string, field?: string);
  readonly name: "LoyaltyError";
  /** What went wrong, stable across versions. */
  readonly code: ErrorCode;
  /** The offending input as a path (`customer.email`, `amounts[1]`, `apiSecret`), where one applies. */
  readonly field: string | undefined;
}

/** A request with a body, ready for `fetch(req.url, req)`. */
export interface PostRequest {
  readonly method: "POST";
  readonly url: string;
  /** Header names and values, in sending order. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact text to send: the bytes the signature covers. */
  readonly body: string;
}

/** A request without a body, ready for `fetch(req.url, req)`. */
export interface GetRequest {
  readonly method: "GET";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: null;
}

/** `Element` where the DOM library is loaded (browsers), `never` elsewhere. */
type DomElement = typeof globalThis extends { Element: { prototype: infer E } } ? E : never;
/** `HTMLDivElement` where the DOM library is loaded (browsers), `never` elsewhere. */
type DomDivElement = typeof globalThis extends { HTMLDivElement: { prototype: infer E } } ? E : never;

/** Lootly: signed webhooks and their verification, the read API, order validation, the widget. */
export declare namespace lootly {
  /** A merchant's API key and secret (Lootly → Integrations → Custom API). */
  interface Credentials {
    apiKey: string;
    apiSecret: string;
  }

  /**
   * Credentials and where requests go. Unknown option names are refused (a typo such as
   * `baseURL` must not silently send to production).
   */
  interface Options extends Credentials {
    /** `https://lootly.io` unless given (an emulator's URL in tests). */
    baseUrl?: string | undefined;
    /** The webhook slug: `common` unless given (`custom-api` for {@link appInstalled}). */
    slug?: string | undefined;
  }

  /** Every webhook type of Lootly's server: the last segment of its URL. */
  type WebhookType =
    | "orders-completed"
    | "orders-paid"
    | "orders-fulfilled"
    | "orders-processing"
    | "orders-cancelled"
    | "refunds-create"
    | "customers-create"
    | "points-add"
    | "points-subtract"
    | "key-verify"
    | "app-installed";

  /** A decimal amount: `"39.99"` (what Lootly's own clients send) or a number, kept as written. */
  type Amount = string | number;

  /** An order, as the `orders-*` webhooks take it. */
  interface Order {
    /** Your order id (at most 191 characters). */
    id: string;
    total_price: Amount;
    total_tax: Amount;
    total_discounts: Amount;
    subtotal_price: Amount;
    /** Sent as `"1"` or `"0"`. */
    taxes_included: boolean;
    /** Discount codes used (sent as `[{ code }]`). */
    discount_codes?: readonly string[] | undefined;
    /** The buyer: orders without a customer (guest orders) are dropped by the server. */
    customer: Customer;
  }

  /** A customer, inside an order or alone (`customers-create`). Absent fields are left out. */
  interface Customer {
    /** Your customer id: the one the widget's customer signature is made from. */
    id: string;
    email: string;
    first_name?: string | null | undefined;
    last_name?: string | null | undefined;
    /** `YYYY-MM-DD`; leave it out when unknown. */
    birthday?: string | null | undefined;
    default_address?: Address | null | undefined;
  }

  interface Address {
    zip?: string | null | undefined;
    country?: string | null | undefined;
  }

  /** A refund (`refunds-create`): the amounts refunded by this refund only. */
  interface Refund {
    /** The order id. */
    id: string;
    amounts: readonly Amount[];
  }

  /** Points added to or taken from a known customer. */
  interface PointsChange {
    customer_id: string;
    /** A positive whole number of points. */
    point_value: number;
  }

  /** A signed payload. */
  interface Signed {
    /** The exact text the HMAC covers: PHP's `json_encode(ksort(params + key))`. */
    readonly canonical: string;
    /** Base64 of HMAC-SHA256(apiSecret, canonical), 44 characters. */
    readonly hmac: string;
    /** The body to send: the canonical text with `"hmac"` appended last. */
    readonly body: string;
  }

  /** Why the server would drop an order (or ignore part of it). */
  type ProblemCode =
    | "missing"
    | "not_numeric"
    | "not_allowed"
    | "too_long"
    | "not_an_email"
    | "not_a_date"
    | "null_birthday"
    | "empty_birthday"
    | "ignored"
    | "not_an_object";

  interface Problem {
    /** The field as a path (`customer.email`, `discount_codes[1]`); `""` for the order itself. */
    readonly field: string;
    readonly code: ProblemCode;
    readonly message: string;
  }

  /**
   * A webhook answer, read. `ok` only says the signature was accepted and the job queued: check
   * orders with {@link validateOrder} before sending.
   */
  type Reply =
    | { readonly ok: true; readonly meaning: "accepted"; readonly message?: string; readonly retryable: false }
    | {
        readonly ok: false;
        /** 201: no such webhook type; 401: unknown key or bad signature; 500: slug not allowed. */
        readonly meaning: "unknown_endpoint" | "unauthorized" | "integration_not_allowed";
        readonly message?: string;
        readonly retryable: false;
      }
    | {
        readonly ok: false;
        /** 429, or any other status: sending the same request later may succeed. */
        readonly meaning: "rate_limited" | "unexpected";
        readonly message?: string;
        readonly retryable: true;
      };

  /** What the widget div carries. Compute it on the server with {@link widgetProps}. */
  interface WidgetProps {
    apiKey: string;
    /** The shop domain exactly as registered with Lootly. */
    shopDomain: string;
    /** `md5(shopDomain + apiSecret)`. */
    shopId: string;
    /** Both absent (logged out) or both present (logged in). */
    customerId?: string | null | undefined;
    customerSignature?: string | null | undefined;
    /** `https://lootly.io` unless given. */
    provider?: string | null | undefined;
  }

  /** What {@link widgetProps} needs; the secret stays on the server. */
  interface WidgetInput {
    apiKey: string;
    apiSecret: string;
    shopDomain: string;
    /** The logged-in customer's id; absent or empty when logged out. */
    customerId?: string | null | undefined;
  }

  /** One customer's balance from {@link readPointBalances}. */
  interface PointBalance {
    readonly customerId: string;
    readonly points: number;
  }

  /** `data-shop-id`: lowercase hex `md5(shopDomain + apiSecret)`, the domain exactly as registered. */
  function shopId(shopDomain: string, apiSecret: string): string;

  /** `data-customer-signature`: lowercase hex `md5(customerId + apiSecret)`. */
  function customerSignature(customerId: string, apiSecret: string): string;

  /**
   * Signs a payload as Lootly's guide does: adds `key`, sorts the top level with PHP's `ksort`,
   * encodes with PHP's `json_encode` and appends the HMAC. The payload must not carry `hmac` or
   * `_url`; a `key` in it must equal `apiKey`. (`baseUrl` and `slug` may be given and are unused.)
   */
  function sign(params: JsonObject | string, credentials: Options): Signed;

  /**
   * Checks a received body as Lootly's server does (decode, drop `hmac` and `_url`, `ksort`,
   * encode, HMAC, constant-time compare). Pass the raw body: text, `Uint8Array` or `ArrayBuffer`.
   */
  function verify(body: string | Uint8Array | ArrayBuffer, apiSecret: string): boolean;

  /** A signed webhook request of any type, its parameters only in the body. */
  function request(type: WebhookType, params: JsonObject | string, options: Options): PostRequest;

  /** `orders-completed`. */
  function orderCompleted(order: Order | string, options: Options): PostRequest;
  /** `orders-paid`. */
  function orderPaid(order: Order | string, options: Options): PostRequest;
  /** `orders-fulfilled`. */
  function orderFulfilled(order: Order | string, options: Options): PostRequest;
  /** `orders-processing`. */
  function orderProcessing(order: Order | string, options: Options): PostRequest;
  /** `orders-cancelled`: rolls back the order's points. */
  function orderCancelled(orderId: string, options: Options): PostRequest;
  /** `refunds-create`. */
  function refund(refund: Refund | string, options: Options): PostRequest;
  /** `customers-create`. */
  function customer(customer: Customer | string, options: Options): PostRequest;
  /** `points-add`. */
  function pointsAdd(change: PointsChange | string, options: Options): PostRequest;
  /** `points-subtract`. */
  function pointsSubtract(change: PointsChange | string, options: Options): PostRequest;

  /**
   * `key-verify`: checks the credentials (answered 200 with `[]` when valid).
   * @param now - unix time in seconds; the current time when left out.
   */
  function keyVerify(options: Options, now?: number): PostRequest;

  /**
   * `app-installed`: registers the shop's domain for the widget, on the `custom-api` slug unless
   * `options.slug` says otherwise. The server also resets the merchant's settings: send it once.
   */
  function appInstalled(install: { shopUrl: string; apiEndpoint?: string | undefined }, options: Options): PostRequest;

  /** Every reason Lootly's server would drop this order (it still answers 200); `[]` when none. */
  function validateOrder(order: JsonObject | string): Problem[];

  /** What a webhook answer means, from its status and body text. */
  function readResponse(status: number, body: string): Reply;

  /** The widget's props, computed on the server where the secret lives. */
  function widgetProps(input: WidgetInput): WidgetProps;

  /** The widget div as HTML, every attribute value escaped (`htmlspecialchars`, ENT_QUOTES). */
  function widgetHtml(props: WidgetProps | string): string;

  /** Lootly's script tag for the page's head. */
  function scriptTag(provider?: string): string;

  /**
   * Browser only. Appends `div#lootly-widget` to the element (or the first match of a CSS
   * selector) with DOM calls, never HTML parsing, replaces a widget mounted before, and adds
   * Lootly's script to the page once. Returns the div.
   */
  function mountWidget(elementOrSelector: DomElement | string, props: WidgetProps | string): DomDivElement;

  /** The coupon-codes CSV of a spending reward: one code a line; empty or repeated codes refused. */
  function couponCsv(codes: readonly string[]): string;

  /** `GET …/api/custom/customer/{id}/point-balance`, signed in the query. */
  function pointBalance(customerId: string, options: Options): GetRequest;

  /** `GET …/api/custom/customers/point-balance?customer_ids=…`, signed in the query. */
  function pointBalances(customerIds: readonly string[], options: Options): GetRequest;

  /** The points in a {@link pointBalance} answer; a refusal is thrown as `remote_error`. */
  function readPointBalance(status: number, body: string): number;

  /** The balances in a {@link pointBalances} answer, in the server's order. */
  function readPointBalances(status: number, body: string): PointBalance[];
}

/** PHP's own functions, byte for byte as PHP 8 computes them. */
export declare namespace php {
  /** `"assoc"`: `json_decode($json, true)`, what Lootly's server does; `"objects"`: `json_decode($json)`. */
  type DecodeMode = "assoc" | "objects";

  /** `json_encode($value)` with default flags (`/` as `\/`, non-ASCII as `\uXXXX`, PHP's floats). */
  function jsonEncode(value: JsonValue): string;

  /** `json_encode(json_decode($json, mode))`: the canonical text of what a PHP server holds. */
  function phpView(json: string, mode?: DecodeMode): string;

  /** What `json_decode($json, mode)` holds, as a JavaScript value. */
  function jsonDecode(json: string, mode?: DecodeMode): JsonValue;

  /** `ksort` (PHP 8, `SORT_REGULAR`) of the top level, then `json_encode`. Give JSON text to keep key order. */
  function ksort(array: JsonObject | readonly JsonValue[] | string): string;

  /** `http_build_query($data)`: RFC 1738 encoding, `null` left out, booleans as `1`/`0`. */
  function httpBuildQuery(data: JsonObject | readonly JsonValue[] | string): string;

  /** `urlencode($text)`: space as `+`. */
  function urlencode(text: string): string;

  /** `rawurlencode($text)`: space as `%20`. */
  function rawurlencode(text: string): string;
}
