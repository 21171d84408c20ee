/**
 * loyalty-connector: Lootly and WoowUp requests built byte for byte as their PHP servers expect
 * them, from one WebAssembly core. Loads by itself in Node, Deno, Cloudflare Workers and browsers:
 * import and call, no init step. Every function is synchronous, except the two WoowUp flows that
 * send requests themselves ({@link woowup.rewardOrder}, {@link woowup.cancelOrder}).
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
  | "php_version_dependent"
  | "remote_error"
  | "invalid_response"
  | "network_error"
  | "in_doubt";

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
  constructor(code: ErrorCode, message: string, field?: string, status?: number, service?: "lootly" | "woowup");
  readonly name: "LoyaltyError";
  /** What went wrong, stable across versions. */
  readonly code: ErrorCode;
  /** The offending input as a path (`customer.email`, `amounts[1]`, `apiSecret`), where one applies. */
  readonly field: string | undefined;
  /** The HTTP status of the vendor's answer (`remote_error`, `invalid_response`). */
  readonly status: number | undefined;
  /** Which vendor answered, or did not (`remote_error`, `invalid_response`, `network_error`, `in_doubt`). */
  readonly service: "lootly" | "woowup" | undefined;
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
    /**
     * The PHP major version Lootly's server runs, when you know it. PHP 7 and PHP 8 sort some
     * top-level keys differently (`"10"` against names); left out, such a payload is refused
     * with `php_version_dependent`, and everything else is signed to verify on both.
     */
    serverPhp?: 7 | 8 | undefined;
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
    | "app-installed"
    | "orders-closed"
    | "rewards-list"
    | "customer"
    | "redeem-reward";

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
    /** The order's lines, for "buy a product / from a category" earning rules. */
    products?: readonly Product[] | undefined;
    ip_address?: string | undefined;
    /** Whether the buyer checked out as a guest (Lootly's official modules send it). */
    guest?: boolean | undefined;
    /** The coupon applied, as the official modules send it besides `discount_codes`. */
    coupon_code?: string | undefined;
  }

  /** An id as your shop has it: text, or an integer (sent as a JSON integer). */
  type Id = string | number;

  /**
   * An order line as Lootly's official WooCommerce and Magento modules send it; absent fields
   * are left out. Typed inputs refuse any field they do not know (the server would silently
   * ignore a misspelt one): send fields of your own with {@link request}.
   */
  interface Product {
    product_id?: Id | undefined;
    product_name?: string | undefined;
    product_price?: Amount | undefined;
    quantity?: number | undefined;
    categories?: readonly { category_id: Id; category_name?: string | undefined }[] | undefined;
    /** The shop's price rules applied to the line (Magento: `"1,3"`). */
    applied_rule_ids?: Id | undefined;
    variantID?: Id | undefined;
    item_spent_amount?: Amount | undefined;
    erp_sku?: string | undefined;
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
   * A webhook answer, read. `ok` only says the signature was accepted and the job queued — not
   * that the order was valid or rewarded: check orders with {@link validateOrder} before sending,
   * and send the status the merchant rewards (`orders-paid` by default for a custom-API
   * merchant; `orders-completed` is then accepted and ignored).
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

  /**
   * `data-customer-signature`: lowercase hex `md5(customerId + trim(apiSecret))`, as the widget's
   * server checks it (it trims the secret there, not for the shop id).
   */
  function customerSignature(customerId: string, apiSecret: string): string;

  /**
   * Signs a payload as Lootly's guide does: adds `key`, sorts the top level with PHP's `ksort`,
   * encodes with PHP's `json_encode` and appends the HMAC. The payload must not carry `hmac`,
   * `_url`, `integration` or `webhook`; a `key` in it must equal `apiKey`. (`baseUrl` and `slug`
   * may be given and are unused.)
   */
  function sign(params: JsonObject | string, credentials: Options): Signed;

  /**
   * Checks a received body as Lootly's server does (decode, drop `hmac` and `_url`, `ksort`,
   * encode, HMAC, constant-time compare). Pass the raw body: text, `Uint8Array` or `ArrayBuffer`.
   */
  function verify(body: string | Uint8Array | ArrayBuffer, apiSecret: string): boolean;

  /** A signed webhook request of any type, its parameters only in the body. */
  function request(type: WebhookType, params: JsonObject | string, options: Options): PostRequest;

  /** What {@link verifyRequest} reads of a Fetch API `Request` (any runtime's `Request` fits). */
  interface IncomingRequest {
    readonly method: string;
    readonly url: string;
    clone(): { arrayBuffer(): Promise<ArrayBuffer> };
  }

  interface VerifyRequestOptions {
    /** Refuse a request whose `t` is missing or further than this from `now`. */
    maxAgeSeconds?: number | undefined;
    /** Unix time in seconds (with `maxAgeSeconds`); the current time when left out. */
    now?: number | undefined;
    /**
     * A replay guard: called with the signature of a request that verified; answer `true` when
     * you have seen it before (then `verifyRequest` answers `false`), and remember it.
     */
    seen?: ((hmac: string) => boolean | Promise<boolean>) | undefined;
  }

  /**
   * Whether a request Lootly sent your shop is genuine: a GET to your `api_endpoint` (signed in
   * its query string), a POST to it (signed JSON), or the "redeem reward" webhook (verified by
   * Lootly's recipe: objects, no `ksort`). Tries every secret given (a rotation), each compare
   * constant-time. Read-only: the request's body stays readable (it reads a clone).
   */
  function verifyRequest(request: IncomingRequest, secrets: string | readonly string[], options?: VerifyRequestOptions): Promise<boolean>;

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

  /** A reward customers can spend points on, from {@link readRewardsList}. */
  interface Reward {
    /** What {@link redeemReward} takes. */
    readonly rewardId: Id;
    readonly rewardName: string;
    readonly pointsRequired: number;
    /** The order amount the coupon needs, as the server wrote it, when it has one. */
    readonly minimumOrderAmount?: string;
  }

  /** `orders-closed` (sent by Lootly's Magento module), signed with `t`. @param now - unix seconds; the current time when left out. */
  function orderClosed(orderId: string, options: Options, now?: number): PostRequest;
  /** `rewards-list`: the rewards customers can spend points on. @param now - unix seconds; the current time when left out. */
  function rewardsList(options: Options, now?: number): PostRequest;
  /** `customer`: one customer's points. @param now - unix seconds; the current time when left out. */
  function customerInfo(customerId: string, options: Options, now?: number): PostRequest;
  /**
   * `redeem-reward`: spends the customer's points on the reward; the answer holds the coupon code
   * to apply at checkout. Not idempotent: sending it twice spends twice.
   * @param now - unix seconds; the current time when left out.
   */
  function redeemReward(redeem: { customerEmail: string; rewardId: Id }, options: Options, now?: number): PostRequest;
  /** The rewards in a {@link rewardsList} answer; a refusal is thrown as `remote_error`. */
  function readRewardsList(status: number, body: string): Reward[];
  /** The points in a {@link customerInfo} answer; a refusal is thrown as `remote_error`. */
  function readCustomerInfo(status: number, body: string): { readonly points: number };
  /** The coupon code in a {@link redeemReward} answer; a refusal (e.g. not enough points) is thrown as `remote_error`. */
  function readRedeemedReward(status: number, body: string): { readonly couponCode: string };

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

// ============================================================================================
// woowup: WoowUp API v2, its flows, the registration webhook and the connectors statistics.
// ============================================================================================

/**
 * WoowUp API v2: one request builder per endpoint on a {@link woowup.Client}, readers of the
 * answers, the points rules in exact decimals, the connector guides' reward and cancel flows,
 * the registration-validation webhook and the connectors statistics.
 *
 * What WoowUp reads or writes keeps WoowUp's own field names (`service_uid`, `nrofactura`,
 * `transaction_id`); this library's options are camelCase (`appId`, `findBy`). Decimals
 * (points, sale points) are returned as exact decimal text (`"29.985"`), never as floats.
 */
export declare namespace woowup {
  /** A decimal amount: decimal text (`"19.99"`, kept exactly) or a number (read through its shortest text). */
  type Amount = string | number;

  /** Exact decimal text as the core computed it: `"95"`, `"29.985"`, `"-100.5"`. */
  type DecimalText = string;

  /** An id WoowUp takes as text; a whole number is sent as its digits. */
  type Id = string | number;

  /**
   * A program's API v2 credentials. Unknown names are refused (a typo such as `baseURL` must not
   * silently send to production).
   */
  interface Config {
    /** The Program/Contest id of the Connect tab: letters, digits, `-`, `_`. */
    appId: Id;
    /** The API key: visible ASCII, no spaces. Never shown by the client or in an error. */
    apiKey: string;
    /** `https://admin.woowup.com/apiv2` unless given (an emulator's `{url}/apiv2` in tests). */
    baseUrl?: string | undefined;
  }

  /** `save_product`: a POST whose parameters travel in the query string, without a body. */
  interface PostQueryRequest {
    readonly method: "POST";
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: null;
  }

  /** `is_user`'s parameters. */
  interface IsUser {
    /** `1` (or `"facebook"`): Facebook; `2` (or `"classic"`): WoowUp's classic registration. */
    service: 1 | 2 | "1" | "2" | "facebook" | "classic";
    service_uid: Id;
  }

  /** `register_user_classic`'s parameters. */
  interface RegisterUserClassic {
    /** The user id: the email by default, or the id field the program is configured with. */
    uid: Id;
    /** The password to log into the program; never quoted in an error. */
    pass: string;
    email: string;
    first_name: string;
    last_name: string;
  }

  /** `initialize_user`'s parameters: a user who earns points before completing registration. */
  interface InitializeUser {
    uid: Id;
    email: string;
    first_name: string;
    last_name: string;
  }

  /** `add_points_by_uid`'s parameters. */
  interface AddPointsByUid {
    /** The user's uid (the email by default). */
    userapp_id: Id;
    /** Points to add; negative to subtract. */
    points: Amount;
    /** The concept id; the reference says to always send 3. */
    concept?: number | null | undefined;
    description?: string | null | undefined;
    /** A branch that exists in WoowUp. */
    branch?: string | null | undefined;
  }

  /** A product variation: `{ name: "Talle", value: "XS" }`. */
  interface Variation {
    name: string;
    value: Id;
  }

  /** One line of an order detail (`factura`). */
  interface InvoiceItem {
    /** The product code (SKU). */
    codigo: Id;
    producto: string;
    /** The quantity: positive, may be fractional. */
    cantidad: Amount;
    /** The **unit** price (the API reference), not the line total: zero or positive. */
    precio: Amount;
    branch?: string | null | undefined;
    categoryCode?: Id | null | undefined;
    variations?: readonly Variation[] | undefined;
  }

  /** `add_sale_points_by_uid`'s parameters: a purchase and the points it earns. */
  interface AddSalePointsByUid {
    /** The user's uid: `service_uid` from a lookup. */
    uid: Id;
    /** Points to give (see {@link points}); negative to subtract. */
    points: Amount;
    /** The purchase order number. */
    nrofactura: Id;
    /** The order detail, sent as PHP's `json_encode` of it in one form field; left out when empty. */
    factura?: readonly InvoiceItem[] | undefined;
    branch?: string | null | undefined;
    /** `yyyy-mm-dd hh:mm:ss`, a real date; WoowUp uses the time it receives the sale without it. */
    datetime?: string | null | undefined;
  }

  /** `coupon_status`'s parameters. */
  interface CouponStatus {
    coupon_id: Id;
    /** A positive status code; `4` is "used". */
    status: number;
  }

  /** `save_product`'s parameters: creates the product, or updates it when `code` exists. */
  interface SaveProduct {
    code: Id;
    name: string;
    category_id?: Id | null | undefined;
    thumbnail_url?: string | null | undefined;
    image_url?: string | null | undefined;
    /** The product's page in the shop. */
    url?: string | null | undefined;
    /** The production cost: zero or positive. */
    cost?: Amount | null | undefined;
  }

  /** A node of the category tree: ids unique across the tree, no category inside itself. */
  interface Category {
    id: Id;
    name: string;
    /** Left out or `null`: sent as `null`, as in the reference. */
    children?: readonly Category[] | null | undefined;
  }

  /** `send_transactional_email`'s parameters. */
  interface TransactionalEmail {
    /** 1 to 1000 distinct addresses (compared without case). */
    to: readonly string[];
    /** One line. */
    subject: string;
    /** HTML or text, at most 1 MiB. */
    body: string;
  }

  /**
   * An API v2 client made by {@link v2}: one method per endpoint, each returning a request for
   * `fetch(req.url, req)` with `Username`, `Apikey` and `Accept` headers. Payloads are plain
   * objects or JSON text; a field that does not fit throws a {@link LoyaltyError} naming it
   * (`factura[1].cantidad`). The configuration was checked once, by {@link v2}; the API key is
   * held in wasm memory: `console.log(client)` and `JSON.stringify(client)` show `appId` and
   * `baseUrl` only.
   */
  interface Client {
    readonly appId: string;
    /** Without a trailing `/`. */
    readonly baseUrl: string;
    /** `GET /user_by_email?email=…` (read with {@link readUserLookup}). */
    userByEmail(email: string): GetRequest;
    /** `GET /user_by_uid?uid=…` (read with {@link readUserLookup}). */
    userByUid(uid: Id): GetRequest;
    /** `GET /is_user?service=…&service_uid=…` (read with {@link readIsUser}). */
    isUser(params: IsUser | string): GetRequest;
    /** `GET /top_users_by_points[?limit=N]`, `limit` from 1 to 100 (WoowUp's default: 10). */
    topUsersByPoints(limit?: number): GetRequest;
    /** `POST /register_user_classic` (read with {@link readRegisteredUser}). */
    registerUserClassic(user: RegisterUserClassic | string): PostRequest;
    /** `POST /initialize_user`, names by name (read with {@link readRegisteredUser}). */
    initializeUser(user: InitializeUser | string): PostRequest;
    /** `POST /add_points_by_uid` (read with {@link readTransactionId}). */
    addPointsByUid(params: AddPointsByUid | string): PostRequest;
    /** `POST /add_sale_points_by_uid` (read with {@link readTransactionId}). */
    addSalePointsByUid(sale: AddSalePointsByUid | string): PostRequest;
    /** `POST /cancel_invoice`: cancels a purchase and reverts its points. */
    cancelInvoice(nrofactura: Id): PostRequest;
    /** `GET /transactions?userapp_id=…` (read with {@link readTransactions}). */
    transactions(userappId: Id): GetRequest;
    /** `GET /contest_sale_points` (read with {@link readSalePoints}). */
    contestSalePoints(): GetRequest;
    /** `GET /connectedservices` (read with {@link readResponse}). */
    connectedservices(): GetRequest;
    /** `POST /coupon_status` (read with {@link readStatus}). */
    couponStatus(params: CouponStatus | string): PostRequest;
    /** `POST /save_product?…`, its fields in the query string, no body (read with {@link readStatus}). */
    saveProduct(product: SaveProduct | string): PostQueryRequest;
    /** `POST /save_category_tree` with the tree as a JSON body (read with {@link readStatus}). */
    saveCategoryTree(categories: readonly Category[] | string): PostRequest;
    /** `POST /send_transactional_email` with a JSON body (read with {@link readStatus}). */
    sendTransactionalEmail(message: TransactionalEmail | string): PostRequest;
    /** `{ appId, baseUrl }`: what `JSON.stringify` shows. */
    toJSON(): { appId: string; baseUrl: string };
  }

  /**
   * A client for WoowUp API v2, its configuration checked once: `appId` and `apiKey` required,
   * unknown option names refused.
   */
  function v2(config: Config): Client;

  /** The three rules WoowUp's own material uses to turn an order total into points. */
  type PointsRule =
    /** `ceil(salePoints × floor(total))`: the custom-connector guide; cents never earn points. The default. */
    | "ceil_of_floored_total"
    /** `ceil(salePoints × total)`: WoowUp's Magento extension 0.3.0. */
    | "ceil_of_total"
    /** `total × salePoints`, unrounded: the connect-your-shop guide; may be fractional. */
    | "unrounded";

  /**
   * The points `total` earns at `salePoints` per currency unit, computed exactly (`1.1 × 100` is
   * 110, where PHP's floats say 111). Negative inputs, and results beyond 2^53 − 1, throw.
   * @param rule - `"ceil_of_floored_total"` unless given.
   * @returns exact decimal text: `points("19.99", "1")` is `"19"`, `points("19.99", 1.5, "unrounded")` is `"29.985"`.
   */
  function points(total: Amount, salePoints: Amount, rule?: PointsRule): DecimalText;

  /** A WoowUp user. Numbers and ids are kept as text; `null` when WoowUp left a field out or sent `null`. */
  interface User {
    /** The user's WoowUp id. */
    readonly id: string | null;
    /** The user's id in this program. */
    readonly userapp_id: string | null;
    readonly app_id: string | null;
    /** `"1"` Facebook, `"2"` classic. */
    readonly service: string | null;
    /** The uid to give points to; may be `null` in WoowUp (find by uid then). */
    readonly service_uid: string | null;
    readonly email: string | null;
    readonly first_name: string | null;
    readonly last_name: string | null;
    readonly name: string | null;
    readonly points: DecimalText | null;
    readonly status: string | null;
    readonly createtime: string | null;
  }

  /** What a lookup found: `status: false` is "no such user", unless HTTP said 401, 403, 429 or 5xx (thrown). */
  type UserLookup =
    | { readonly kind: "found"; readonly user: User }
    | { readonly kind: "not_found"; readonly message: string | null };

  /** One point transaction. */
  interface Transaction {
    readonly id: string;
    readonly points: DecimalText;
    readonly action_id: string | null;
    readonly concept_id: string | null;
    readonly description: string | null;
    readonly created: string | null;
  }

  /**
   * Any answer: the envelope's `data` (its `message` when there is no `data`), or a bare list.
   * `status: false` throws a {@link LoyaltyError} `remote_error` whose message carries WoowUp's
   * (`woowup answered 200: Invalid apikey`); an unreadable body throws `invalid_response`.
   */
  function readResponse(status: number, body: string): JsonValue;
  /** The text of an answer that only says it worked (`coupon_status`, `save_product`, …), or `null`. */
  function readStatus(status: number, body: string): string | null;
  /** `user_by_email` / `user_by_uid`. */
  function readUserLookup(status: number, body: string): UserLookup;
  /** `user_by_email` / `user_by_uid` when the user must exist: "not found" throws `remote_error`. */
  function readUser(status: number, body: string): User;
  /** `register_user_classic` / `initialize_user`: the user with `userapp_id`, `app_id` and `points`. */
  function readRegisteredUser(status: number, body: string): User;
  /** `is_user`: whether the user exists. */
  function readIsUser(status: number, body: string): boolean;
  /** `top_users_by_points`: users ordered by points. */
  function readTopUsers(status: number, body: string): User[];
  /** `transactions`: a user's point transactions. */
  function readTransactions(status: number, body: string): Transaction[];
  /** `add_points_by_uid`, `add_sale_points_by_uid`, `cancel_invoice`: `data.transaction_id`, or `null`. */
  function readTransactionId(status: number, body: string): string | null;
  /** `contest_sale_points`: the program's points per currency unit, or `null` when it does not say. */
  function readSalePoints(status: number, body: string): DecimalText | null;

  /** An order to reward, with WoowUp's field names. */
  interface Order {
    nrofactura: Id;
    /** The total the points are computed from. */
    total: Amount;
    customer: Customer;
    factura?: readonly InvoiceItem[] | undefined;
    branch?: string | null | undefined;
    datetime?: string | null | undefined;
  }

  /** The customer of an order: `email` to find by email, `uid` to find by uid; names to initialise. */
  interface Customer {
    uid?: Id | null | undefined;
    email?: string | null | undefined;
    first_name?: string | null | undefined;
    last_name?: string | null | undefined;
  }

  /** How {@link rewardOrder} behaves. Unknown names are refused. */
  interface RewardOptions {
    /** `"email"` (the default: `user_by_email`) or `"uid"` (`user_by_uid`). */
    findBy?: "email" | "uid" | undefined;
    /** `"skip"` (the default: reward registered customers only) or `"initialize"` (`initialize_user`, then reward). */
    unknownCustomer?: "skip" | "initialize" | undefined;
    rule?: PointsRule | undefined;
    /** The program's sale points when already known (from an earlier outcome): not requested then. */
    salePoints?: Amount | undefined;
  }

  /**
   * The `fetch` the flows send with: `globalThis.fetch` or any function of the same shape (a
   * wrapper adding a timeout, retries or logging).
   */
  type Fetch = (url: string, init: GetRequest | PostRequest) => Promise<{ readonly status: number; text(): Promise<string> }>;

  /** The step whose request a flow was sending. */
  type Step = "find_customer" | "initialize_user" | "read_sale_points" | "add_sale_points" | "cancel_invoice";

  /** Why nothing was rewarded. */
  type SkipReason =
    /** The customer is not in the program and the options say to skip unknown customers. */
    | "unknown_customer"
    /** The program gives 0 points per sale (or does not say): no sale was sent. */
    | "zero_sale_points"
    /** Found by email, but WoowUp holds no uid to give points to: find by uid instead. */
    | "customer_without_uid";

  /** The purchase was registered and the customer given `points`. */
  interface Rewarded {
    readonly outcome: "rewarded";
    readonly uid: string;
    readonly points: DecimalText;
    /** Cache it and pass it as `options.salePoints` to save a request per order. */
    readonly sale_points: DecimalText;
    readonly transaction_id: string | null;
    /** Whether this flow added the customer with `initialize_user`. */
    readonly customer_initialized: boolean;
    /**
     * The sale's answer was lost and the flow sent it again: WoowUp refused the repeated invoice
     * number, so the points were given once, by the first attempt (`transaction_id` is null).
     */
    readonly already_recorded: boolean;
  }

  /** Nothing was rewarded, on purpose. */
  interface Skipped {
    readonly outcome: "skipped";
    readonly reason: SkipReason;
    /** WoowUp's message (for an unknown customer). */
    readonly message: string | null;
    readonly sale_points: DecimalText | null;
    readonly customer_initialized: boolean;
  }

  /** The purchase was cancelled and its points reverted. */
  interface Cancelled {
    readonly outcome: "cancelled";
    readonly nrofactura: string;
    readonly transaction_id: string | null;
    /** The first attempt's answer was lost; WoowUp said the invoice was already cancelled. */
    readonly already_cancelled: boolean;
  }

  /**
   * A step failed, after the retries the budget allows. `network_error`: no answer (fetch
   * rejected, or the body could not be read) to a lookup. `in_doubt`: a sale, a new customer or a
   * cancellation got no readable answer after the last attempt: it may or may not have reached
   * WoowUp. `remote_error`: WoowUp refused (401/403: the credentials, at once), or answered an
   * HTTP error. `invalid_response`: the answer to a lookup could not be read.
   */
  interface Failed<S extends Step = Step> {
    readonly outcome: "failed";
    readonly step: S;
    readonly error: { readonly code: ErrorCode; readonly field: string | null; readonly message: string };
    /** The HTTP status of the last answer received; `null` after a network error. */
    readonly status: number | null;
  }

  /** How a flow ended: branch on `outcome`. */
  type Outcome = Rewarded | Skipped | Cancelled | Failed;

  /**
   * The connector guides' flow for one order, sending its requests with `fetch` one after the
   * other: find the customer (by email or uid) → if unknown, skip or `initialize_user` → read
   * `contest_sale_points` (0: skip) → `add_sale_points_by_uid` with the points and the detail.
   *
   * Retries as {@link RetryBudget} says. Resolves with the outcome; WoowUp's refusals, HTTP
   * errors, unreadable answers and network errors are `failed` outcomes, never rejections. Rejects with a {@link LoyaltyError}, before
   * anything is sent, when the input does not fit (`customer.email`, `factura[0].precio`, …).
   */
  function rewardOrder(input: {
    client: Client;
    order: Order | string;
    options?: RewardOptions | undefined;
    /** `globalThis.fetch` unless given. */
    fetch?: Fetch | undefined;
    retry?: RetryBudget | undefined;
  }): Promise<Rewarded | Skipped | Failed<"find_customer" | "initialize_user" | "read_sale_points" | "add_sale_points">>;

  /** Cancels one purchase (`cancel_invoice`), with the same rules as {@link rewardOrder}. */
  function cancelOrder(input: {
    client: Client;
    nrofactura: Id;
    fetch?: Fetch | undefined;
    retry?: RetryBudget | undefined;
  }): Promise<Cancelled | Failed<"cancel_invoice">>;

  /**
   * How a flow retries, WoowUp's own clients' rules by default: 429, 502 and 503 and lost
   * answers are sent again after `min(baseDelayMs × 2^n, maxDelayMs)` (half of it jittered) or
   * the server's `Retry-After`, whichever is longer. A sale or a new customer whose answer was
   * lost or unreadable is sent again too: WoowUp refuses a repeat, and the flow reads that
   * refusal as the first attempt's success. 401, 403 and 410 stop at once.
   */
  interface RetryBudget {
    /** Sends of one request (429s not counted); 1 never sends a request twice. Default 6. */
    maxAttempts?: number | undefined;
    /** The first retry's delay; default 2000. */
    baseDelayMs?: number | undefined;
    /** The longest backoff; default 60000. */
    maxDelayMs?: number | undefined;
    /** The most one request waits on 429s in all; default 900000 (15 minutes). */
    maxRateLimitedMs?: number | undefined;
  }

  /** The answers of WoowUp's registration-validation request. */
  interface RegistrationForm {
    /** Every answer as PHP's `json_decode` holds it, in the order received. */
    readonly answers: { readonly [field: string]: JsonValue };
    /** The text of each answer that has one: `30` → `"30"`, `true` → `"1"`; none for `null`, `false` or lists. */
    readonly texts: { readonly [field: string]: string };
  }

  /**
   * Reads the body WoowUp POSTs to the shop when a user registers (a JSON object of the form's
   * answers, at most 1 MiB): text, `Uint8Array` or `ArrayBuffer`.
   */
  function readRegistrationRequest(body: string | Uint8Array | ArrayBuffer): RegistrationForm;

  /** The shop's verdict: accept, or refuse with a message WoowUp shows to the user. */
  type RegistrationVerdict = { accept: true } | { accept: false; message: string };

  /** The answer to send back, ready for `new Response(answer.body, answer)`. */
  interface RegistrationAnswer {
    readonly status: 200;
    readonly headers: { readonly "Content-Type": "application/json" };
    /** `{"status":true}` or `{"status":false,"message":"…"}`, as PHP's `json_encode` writes it. */
    readonly body: string;
  }

  /** The answer to WoowUp's registration-validation request. */
  function registrationAnswer(verdict: RegistrationVerdict): RegistrationAnswer;

  /**
   * WoowUp's data-processing ("connectors") API: the statistics of a batch run, the requests that
   * record and list them (`POST /v1/log`, `GET /v1/logs`), the account totals (`GET apiv3/stats`).
   */
  namespace connectors {
    type Entity = "customers" | "purchases" | "products" | "branches";

    /** The account's API key and where the requests go. Unknown names are refused. */
    interface Config {
      apiKey: string;
      /** `https://connectors.woowup.com` unless given. */
      connectorsBaseUrl?: string | undefined;
      /** `https://api.woowup.com` unless given (`apiv3/stats`). */
      apiBaseUrl?: string | undefined;
      /** How `apiv3/stats` is authorized: `"basic"` (the default, API v3 style) or `"bearer"`. */
      statsAuth?: "basic" | "bearer" | undefined;
    }

    /** What one row adds to the statistics besides its outcome. */
    interface Tally {
      entity: Entity;
      /** The row's branch; rows without one count in the totals only. */
      branch?: string | null | undefined;
      /** A purchase's total (decimal text, at most 9 decimals, or a number). */
      revenue?: Amount | null | undefined;
      /** A purchase's number of item lines. */
      items?: number | null | undefined;
    }

    /** A failed row: where it is and why. */
    interface RowError {
      file: string;
      /** The line the row starts on, from 1. */
      line: number;
      /** The row's identity when it could be read (uid, invoice number, product code). */
      key?: string | null | undefined;
      reason: string;
    }

    /** A failed row kept by the collector. */
    interface KeptRowError {
      readonly entity: Entity;
      readonly file: string;
      readonly line: number;
      readonly key: string | null;
      readonly reason: string;
    }

    interface Totals {
      readonly created: number;
      readonly updated: number;
      readonly failed: number;
    }

    interface PayloadBranchCounts {
      readonly branch: string;
      readonly total_created: number;
      readonly total_updated: number;
      readonly total_failed: number;
    }

    /** The log payload, in the shape of the JSON schema on WoowUp's connectors page. */
    interface LogPayload {
      readonly files: readonly string[];
      /** ISO-8601 with offset: `2019-03-12T12:30:00+00:00`. */
      readonly processingtime: string;
      readonly stats: {
        readonly customers?: {
          readonly total_created: number;
          readonly total_updated: number;
          readonly total_failed: number;
          /** Both key sets: the schema's `total_*` and the examples' `created`, `updated`, `failed`. */
          readonly per_branches: readonly (PayloadBranchCounts & { readonly created: number; readonly updated: number; readonly failed: number })[];
        };
        readonly purchases?: {
          readonly total_created: number;
          readonly total_updated: number;
          readonly total_failed: number;
          /** Rounded once, halves away from zero. */
          readonly total_revenue: number;
          readonly total_invoice_items: number;
          readonly per_branches: readonly (PayloadBranchCounts & { readonly total_revenue: number; readonly total_invoice_items: number })[];
        };
        readonly products?: { readonly total_created: number; readonly total_updated: number; readonly total_failed: number };
        readonly branches?: { readonly total_created: number; readonly total_updated: number };
      };
    }

    /** Adds up a run's outcomes and writes the connectors log payload. */
    class StatsCollector {
      /** @param maxErrors - how many failed rows to keep (10 000 unless given); all are counted. */
      constructor(maxErrors?: number);
      /** Declares a processed file: its name goes to `files`, its entity to `stats`. */
      addFile(entity: Entity, name: string): void;
      /** Counts one row's outcome. */
      record(tally: Tally, outcome: "created" | "updated" | "failed"): void;
      /** Counts a failed row and keeps its error. */
      recordFailure(tally: Tally, error: RowError): void;
      /**
       * The payload for {@link logRequest}.
       * @param processingtime - ISO-8601 text with offset, or a `Date`; the current time when left out.
       */
      payload(processingtime?: string | Date): LogPayload;
      /** Created, updated and failed rows of an entity, all branches. */
      totals(entity: Entity): Totals;
      /** The failed rows kept, in the order recorded. */
      errors(): KeptRowError[];
      /** Failed rows counted but not kept (beyond `maxErrors`). */
      readonly errorsDropped: number;
      /** The files declared, in order. */
      readonly files: string[];
      /** The exact revenue of the purchases that reached WoowUp, before rounding. */
      readonly exactRevenue: DecimalText;
      /** Releases the collector's wasm memory now (it is released when collected otherwise). */
      free(): void;
    }

    /** The filters of `GET /v1/logs`. */
    interface LogsQuery {
      entity?: Entity | undefined;
      /** From 0. */
      page?: number | undefined;
      /** From 1; the server's default is 25. */
      limit?: number | undefined;
      /** `YYYY-MM-DD`. */
      from?: string | undefined;
      /** `YYYY-MM-DD`. */
      to?: string | undefined;
    }

    /** The filters of `GET apiv3/stats`. */
    interface StatsQuery {
      from?: string | undefined;
      to?: string | undefined;
      branch?: string | undefined;
    }

    interface BranchCounts {
      readonly branch: string;
      readonly created: number;
      readonly updated: number;
      readonly failed: number;
      readonly revenue: number | null;
      readonly invoice_items: number | null;
    }

    interface EntityCounts {
      readonly created: number;
      readonly updated: number;
      /** `null` for branches. */
      readonly failed: number | null;
      readonly revenue: number | null;
      readonly invoice_items: number | null;
      readonly per_branches: BranchCounts[];
    }

    /** A record of `GET /v1/logs`, whichever key names the server used. */
    interface LogRecord {
      readonly files: string[];
      readonly processingtime: string | null;
      readonly createtime: string | null;
      readonly stats: { readonly [E in Entity]?: EntityCounts };
    }

    /** The account's totals, overall and per branch. */
    interface AccountStats {
      readonly branch: string | null;
      readonly total_customers: number;
      readonly total_purchases: number;
      readonly total_revenue: number;
      readonly total_invoice_items: number;
      readonly per_branches: AccountStats[];
    }

    /** `POST {connectors}/v1/log` with `Authorization: Bearer {apiKey}`: the payload, as PHP's `json_encode` writes it. */
    function logRequest(config: Config, payload: LogPayload | string): PostRequest;
    /** `GET {connectors}/v1/logs?entity&page&limit&from&to`. */
    function logsRequest(config: Config, query?: LogsQuery): GetRequest;
    /** `GET {api}/apiv3/stats?from&to&branch`. */
    function statsRequest(config: Config, query?: StatsQuery): GetRequest;
    /** The record `POST /v1/log` echoes, or `null` when its 2xx answer holds none; other statuses throw `remote_error`. */
    function readLogResponse(status: number, body: string): LogRecord | null;
    /** The records of `GET /v1/logs`. */
    function readLogsResponse(status: number, body: string): LogRecord[];
    /** The totals of `GET apiv3/stats` (a trailing comma, as in the page's own example, is accepted). */
    function readStatsResponse(status: number, body: string): AccountStats;
  }
}

// woowup: WoowUp API v3 (what WoowUp documents today), same conventions as v2.
// ============================================================================================

/**
 * WoowUp API v3 (`https://api.woowup.com/apiv3`): {@link woowup.v3} makes a client whose
 * namespaces hold one request builder per endpoint; {@link woowup.readV3} and the `readV3…`
 * readers turn answers into typed outcomes; {@link woowup.recordOrder},
 * {@link woowup.awardPoints} and {@link woowup.reverseOrder} are flows that send with `fetch`
 * under the library's retry rules and the account's rate limit (140 requests a minute, spent
 * evenly; `Retry-After` and `x-rate-limit-*` obeyed); {@link woowup.pages} walks a list.
 *
 * Bodies are plain objects or JSON text, checked as the reference says before anything is sent
 * (a `LoyaltyError` naming the field: `purchase_detail[0].sku`), and sent as PHP's `json_encode`
 * writes them. WoowUp's field names are kept (`invoice_number`, `service_uid`).
 */
export declare namespace woowup {
  /** An API v3 key and where to send. Unknown names are refused. */
  interface V3Config {
    /** The account's API key: visible ASCII, no spaces; sent as `Authorization: Basic {apiKey}`, never shown. */
    apiKey: string;
    /** `https://api.woowup.com/apiv3` unless given (an emulator's `{url}/apiv3` in tests). */
    baseUrl?: string | undefined;
  }

  /** A v3 request with a JSON body, ready for `fetch(req.url, req)`. */
  interface V3BodyRequest {
    readonly method: "POST" | "PUT" | "DELETE";
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    /** `json_encode` of the body, byte for byte. */
    readonly body: string;
  }

  /** Any v3 request. */
  type V3Request = GetRequest | V3BodyRequest;

  /** A JSON object given as an object or as its text (text keeps key order and exact numbers). */
  type Body = JsonObject | string;

  /** Which customer: at least one identity (WoowUp favours `document` and `service_uid`). */
  interface Identity {
    service_uid?: Id | undefined;
    email?: string | undefined;
    document?: Id | undefined;
    telephone?: Id | undefined;
  }

  /** `POST /multiusers/points`: points (may be negative) for something other than a purchase. */
  interface Points {
    concept: string;
    points: number;
    description?: string | undefined;
  }

  /** Pages from 0; `limit` 1 to 100, 100 unless given. */
  interface Paging {
    page?: number | undefined;
    limit?: number | undefined;
  }

  type V3CouponStatus = "available" | "assigned" | "pending" | "cancelled" | "used";
  type AttributeOwner = "customer" | "purchase" | "purchase_item" | "product";

  /** An API v3 client. Its builders check their input and return a request; nothing is sent. */
  interface V3Client {
    readonly baseUrl: string;
    readonly customers: {
      /** `GET /multiusers/exist?{ids}` (read with {@link readV3Exist}). */
      exist(who: Identity): GetRequest;
      /** `GET /multiusers/find?{ids}` (read with {@link readV3Customer}). */
      find(who: Identity): GetRequest;
      /** `POST /users`. */
      create(customer: Body): V3BodyRequest;
      /** `PUT /multiusers`: the customer named by the body's identities. */
      update(customer: Body): V3BodyRequest;
      /** `POST /multiusers/points`: not deduplicated by WoowUp; {@link awardPoints} never sends it twice. */
      addPoints(who: Identity, points: Points): V3BodyRequest;
      /** `GET /multiusers/transactions` (dates `yyyy-mm-dd hh:mm:ss`). */
      transactions(who: Identity, filter?: { concept?: string | undefined; from?: string | undefined; to?: string | undefined }): GetRequest;
      addMember(who: Identity, member: Body): V3BodyRequest;
      updateMember(who: Identity, member: Body): V3BodyRequest;
      /** `POST /multiusers/abandoned-cart`. */
      abandonedCart(cart: Body): V3BodyRequest;
      /** `GET /users?page&limit`. */
      list(options?: Paging): GetRequest;
      /** `PUT /users/{userapp_id}` `{"remove_tags": "a,b"}`. */
      removeTags(userappId: Id, tags: readonly string[]): V3BodyRequest;
    };
    readonly purchases: {
      /** `POST /purchases` (the reference's schema; body at most 256 KB). */
      create(purchase: Body): V3BodyRequest;
      /** `PUT /purchases`: the purchase of its `invoice_number`. */
      update(purchase: Body): V3BodyRequest;
      /** `GET /purchases?invoice_number=` (read with {@link readV3Purchases}). */
      find(invoiceNumber: Id): GetRequest;
      /** `POST /purchases/bulk`: 1 to 100 purchases. */
      bulk(purchases: readonly JsonObject[] | string): V3BodyRequest;
      /** `GET /purchases/iin/{6 digits}`. */
      cardIin(iin: Id): GetRequest;
    };
    readonly products: {
      create(product: Body): V3BodyRequest;
      /** `PUT /products/{urlencode(base64(sku))}`. */
      update(sku: string, product: Body): V3BodyRequest;
      find(sku: string): GetRequest;
      exist(sku: string): GetRequest;
      /** `GET /products?page&limit&{filters}`. */
      search(options?: Paging & { filters?: Readonly<Record<string, string | number | boolean>> | undefined }): GetRequest;
    };
    readonly branches: {
      list(options?: Paging): GetRequest;
      /** `GET /branches/{id}` (WoowUp's numeric id). */
      find(id: number): GetRequest;
      create(branch: Body): V3BodyRequest;
      /** `PUT /branches/{base64(name)}`. */
      update(name: string, branch: Body): V3BodyRequest;
    };
    readonly categories: {
      /** `DELETE /categories` `{code, notify_to}` (asynchronous: read with {@link readV3RequestId}). */
      delete(code: string, notifyTo: string): V3BodyRequest;
      /** `DELETE /categories/bulk` `{notify_to}`. */
      deleteAll(notifyTo: string): V3BodyRequest;
    };
    readonly coupons: {
      list(options?: Paging & { status?: V3CouponStatus | undefined; from?: string | undefined; to?: string | undefined }): GetRequest;
      /** `PUT /coupons/{code}` `{"status": …}`. */
      setStatus(code: string, status: V3CouponStatus): V3BodyRequest;
    };
    readonly benefits: {
      /** `GET /benefits`: how many of each kind to list (0 unless given). */
      list(counts: { current?: number | undefined; outOfStock?: number | undefined; coming?: number | undefined }): GetRequest;
    };
    readonly events: {
      list(options?: Paging): GetRequest;
      /** `POST /events` `{"name": …}`: letters, digits, `-`. */
      create(name: string): V3BodyRequest;
      /** `POST /user-events`. */
      user(event: Body): V3BodyRequest;
    };
    readonly customAttributes: {
      list(owner: AttributeOwner, options?: Paging & { text?: string | undefined }): GetRequest;
      create(owner: AttributeOwner, attribute: Body): V3BodyRequest;
      update(owner: AttributeOwner, name: string, attribute: Body): V3BodyRequest;
    };
    readonly integrationStats: {
      /** `POST /integration-stats`: a batch run's log. */
      create(stats: Body): V3BodyRequest;
      search(options?: Paging & { from?: string | undefined; to?: string | undefined }): GetRequest;
    };
    /** `GET /stats?from&to&branch`: the account's totals. */
    stats(options?: { from?: string | undefined; to?: string | undefined; branch?: string | undefined }): GetRequest;
    /** What JSON.stringify shows: the base URL, never the key. */
    toJSON(): { baseUrl: string };
  }

  /** A client for API v3, checked once here. */
  function v3(config: V3Config): V3Client;

  /** What a failed v3 answer means (`customer_exists` is an `internal_error` saying the customer exists). */
  type V3FailureKind =
    | "bad_request" | "client_error" | "forbidden" | "method_not_allowed" | "not_found" | "user_not_found"
    | "duplicated_purchase_number" | "customer_exists" | "internal_error" | "server_error" | "too_many_requests"
    | "account_deleted" | "invalid_email" | "other" | "http";

  /** A v3 answer read: its payload, or what went wrong. */
  type V3Answer =
    | { readonly ok: true; readonly status: number; readonly payload: JsonValue }
    | {
        readonly ok: false;
        readonly status: number;
        readonly kind: V3FailureKind;
        /** WoowUp's code as written (`too_many_request`), unknown codes kept; `http` without one. */
        readonly code: string;
        readonly message: string;
        /** `payload.errors` of a `bad_request`. */
        readonly errors: readonly string[];
        /** A 429's `Retry-After` in seconds, when positive. */
        readonly retryAfter: number | null;
        /** 429, 502, 503: the same request may succeed later. */
        readonly retryable: boolean;
        /** A dead account (410) or a refused key (403): nothing will succeed with this key. */
        readonly permanent: boolean;
      };

  /** Headers as a fetch `Headers`, `[name, value]` pairs or a plain object. */
  type HeadersLike = Iterable<readonly [string, string]> | Readonly<Record<string, string>>;

  /** Any v3 answer; throws `invalid_response` only for a 2xx answer that cannot be read. */
  function readV3(status: number, body: string, headers?: HeadersLike | null): V3Answer;

  /** A customer as v3 answers it; decimals as exact text. */
  interface V3Customer {
    readonly userapp_id: string | null;
    readonly service_uid: string | null;
    readonly email: string | null;
    readonly document: string | null;
    readonly telephone: string | null;
    readonly first_name: string | null;
    readonly last_name: string | null;
    readonly birthdate: string | null;
    readonly gender: string | null;
    readonly street: string | null;
    readonly postcode: string | null;
    readonly city: string | null;
    readonly state: string | null;
    readonly country: string | null;
    readonly points: DecimalText | null;
    readonly points_pending: DecimalText | null;
    readonly mailing_enabled: boolean | null;
    readonly tags: readonly string[];
    readonly createtime: string | null;
    readonly updatetime: string | null;
  }

  interface V3PurchaseLine {
    readonly sku: string | null;
    readonly product_name: string | null;
    readonly quantity: DecimalText | null;
    readonly unit_price: DecimalText | null;
  }

  interface V3Purchase {
    readonly invoice_number: string | null;
    readonly branch_name: string | null;
    readonly channel: string | null;
    readonly createtime: string | null;
    readonly approvedtime: string | null;
    readonly points: DecimalText | null;
    readonly total: DecimalText | null;
    readonly lines: readonly V3PurchaseLine[];
  }

  /** The customer of a find, create or update; `null` when nobody matches. Other failures throw `remote_error`. */
  function readV3Customer(status: number, body: string): V3Customer | null;
  function readV3Purchases(status: number, body: string): V3Purchase[];
  /** `payload.transaction_id` of `POST /multiusers/points`, `null` when absent. */
  function readV3TransactionId(status: number, body: string): string | null;
  /** `payload.request_id` of the asynchronous deletes. */
  function readV3RequestId(status: number, body: string): string;
  /** `payload.exist` of the exist endpoints. */
  function readV3Exist(status: number, body: string): boolean;
  /** The items of a list answer. */
  function readV3Items(status: number, body: string): JsonValue[];

  /** The `fetch` v3 flows send with; the answer's headers give `Retry-After` and `x-rate-limit-*`. */
  type V3Fetch = (url: string, init: V3Request) => Promise<{
    readonly status: number;
    readonly headers?: { forEach(callback: (value: string, name: string) => void): void } | undefined;
    text(): Promise<string>;
  }>;

  /** The step whose request a v3 flow was sending. */
  type V3Step = "find_customer" | "create_customer" | "create_purchase" | "update_purchase" | "add_points" | "check_points";

  /** A step failed, after the retries the budget allows (see {@link Failed} for the codes). */
  interface V3Failed {
    readonly outcome: "failed";
    readonly step: V3Step;
    /** Whether the same step may succeed later (429, 502, 503, no answer). */
    readonly retryable: boolean;
    readonly error: { readonly code: ErrorCode; readonly field: string | null; readonly status: number | null; readonly message: string };
  }

  /** The purchase is stored: created now, or already there (`duplicate`) and `updated` or kept. */
  interface Recorded {
    readonly outcome: "recorded";
    readonly invoice_number: string;
    readonly duplicate: boolean;
    readonly updated: boolean;
    readonly customer_created: boolean;
  }

  interface V3Skipped {
    readonly outcome: "skipped";
    /** `invoice_of_another_customer`: WoowUp holds this invoice number for another customer. */
    readonly reason: "unknown_customer" | "invoice_of_another_customer" | "reversal_refused";
    readonly message: string | null;
  }

  /** The points are in the ledger; `checked` when a lost answer was settled by reading it. */
  interface Awarded {
    readonly outcome: "awarded";
    readonly points: number;
    readonly checked: boolean;
  }

  /** How {@link recordOrder} behaves. */
  interface RecordOptions {
    /** `"skip"` (the default) or `"create"` (`POST /users` with `customer`, or the purchase's identities). */
    unknownCustomer?: "skip" | "create" | undefined;
    /** `"update"` (the default: `PUT /purchases`, so a retried order is recorded once, its latest version kept) or `"keep"`. */
    onDuplicate?: "update" | "keep" | undefined;
  }

  /**
   * Records one order on v3: find the customer by the purchase's identities → unknown: skip or
   * create → `POST /purchases` → `duplicated_purchase_number`: `PUT /purchases`. Resolves with
   * the outcome (failures included); rejects with a {@link LoyaltyError} before anything is sent
   * when the input does not fit.
   */
  function recordOrder(input: {
    client: V3Client;
    purchase: Body;
    /** The customer to create when unknown (else the purchase's identities). */
    customer?: Body | undefined;
    options?: RecordOptions | undefined;
    fetch?: V3Fetch | undefined;
    retry?: RetryBudget | undefined;
  }): Promise<Recorded | V3Skipped | V3Failed>;

  /**
   * Points for something other than a purchase. WoowUp does not deduplicate points: after a lost
   * answer or a 502/503 the flow reads the customer's ledger for `reference` before sending again.
   */
  function awardPoints(input: {
    client: V3Client;
    customer: Identity;
    points: Points;
    /** Names this award uniquely (an event id): letters, digits, `-_.:/`, 1 to 64; written into the description. */
    reference: string;
    fetch?: V3Fetch | undefined;
    retry?: RetryBudget | undefined;
  }): Promise<Awarded | V3Failed>;

  /**
   * What reversing an order does: v3 documents no cancellation, so it is refused unless chosen.
   * `updatePurchase` sends the corrected purchase (same `invoice_number`) with `PUT`;
   * `negativePoints` takes points back (never twice), the purchase staying in WoowUp's reports.
   */
  type Reversal =
    | { kind: "refuse" }
    | { kind: "updatePurchase"; corrected: Body }
    | { kind: "negativePoints"; customer: Identity; points: number; concept: string };

  function reverseOrder(input: {
    client: V3Client;
    invoiceNumber: Id;
    reversal?: Reversal | undefined;
    fetch?: V3Fetch | undefined;
    retry?: RetryBudget | undefined;
  }): Promise<Recorded | V3Skipped | Awarded | V3Failed>;

  /** The lists {@link pages} walks, with their filters. */
  type PagedList =
    | { list: "customers" | "branches" | "events" }
    | { list: "products"; filters?: Readonly<Record<string, string | number | boolean>> | undefined }
    | { list: "coupons"; status?: V3CouponStatus | undefined; from?: string | undefined; to?: string | undefined }
    | { list: "customAttributes"; owner: AttributeOwner; text?: string | undefined };

  /**
   * The pages of a list, one array of items each, until a short or empty page; each page's
   * request retried as any read and paced with the client's other requests. A failure that ends
   * the walk is thrown by the iteration.
   */
  function pages(
    input: PagedList & { client: V3Client; limit?: number | undefined; fetch?: V3Fetch | undefined; retry?: RetryBudget | undefined },
  ): AsyncGenerator<JsonValue[], unknown, undefined>;
}
