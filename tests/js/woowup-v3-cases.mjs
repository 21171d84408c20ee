// The woowup.v3 builders' cases for php-cli: each the JS call and the spec that
// tests/php/woowup_v3.php builds the way WoowUp's official PHP clients do (base URL
// https://api.woowup.com/apiv3, ids urlencode(base64), branch names base64, http_build_query,
// json_encode of the decoded body). tests/js/woowup-v3-php.mjs holds php-cli's answer for every
// runtime; tests/js/woowup-node.test.mjs checks that copy against php-cli itself.

const PURCHASE = '{"invoice_number": "FAC-000123", "email": "ana@example.com", "channel": "in-store", "branch_name": "Palermo I",'
  + ' "createtime": "2024-02-29 10:00:00", "purchase_detail": [{"sku": "JCK-001", "product_name": "Campera «bio» ñandú/2", "quantity": 2,'
  + ' "unit_price": 999.99, "variations": [{"name": "Talle", "value": "XS"}]}], "prices": {"gross": 1999.98, "discount": 0.10,'
  + ' "shipping": 0, "total": 1999.88}, "payment": [{"type": "credit", "total": 1999.88, "installments": 3}], "custom_attributes": {}}';
const CUSTOMER = '{"service_uid": "u/1+2", "email": "ana+tag@example.com", "first_name": "Zoë", "last_name": "O\'Brien", "gender": "F",'
  + ' "birthdate": "1990-02-28", "country": "ARG", "tags": "vip,web", "custom_attributes": {"talle": "M", "score": 1.5e3}}';
const PRODUCT = '{"sku": "SKU/1?", "name": "Mate \\"imperial\\"", "price": 12.5, "category": [{"id": "1", "name": "Bazar"}], "available": true}';

const lit = (s) => ["lit", s];
const input = (text) => ({ kind: "input", text });
const pairs = (list) => ({ kind: "pairs", pairs: list });

/** `[name, (client) => request, spec]`: the spec as tests/php/woowup_v3.php reads it. */
export const V3_CASES = [
  ["customer_exists", (c) => c.customers.exist({ service_uid: "u/1+2", document: 24586932 }),
    { method: "GET", path: [lit("/multiusers/exist")], query: [["service_uid", "u/1+2"], ["document", "24586932"]], body: null }],
  ["find_customer", (c) => c.customers.find({ email: "ana+tag@example.com" }),
    { method: "GET", path: [lit("/multiusers/find")], query: [["email", "ana+tag@example.com"]], body: null }],
  ["create_customer", (c) => c.customers.create(CUSTOMER), { method: "POST", path: [lit("/users")], query: null, body: input(CUSTOMER) }],
  ["create_customer_object", (c) => c.customers.create(JSON.parse(CUSTOMER)),
    { method: "POST", path: [lit("/users")], query: null, body: input(JSON.stringify(JSON.parse(CUSTOMER))) }],
  ["update_customer", (c) => c.customers.update(CUSTOMER), { method: "PUT", path: [lit("/multiusers")], query: null, body: input(CUSTOMER) }],
  ["add_points", (c) => c.customers.addPoints({ email: "ana@example.com" }, { concept: "gift", points: -20, description: "reintegro ñ/€" }),
    { method: "POST", path: [lit("/multiusers/points")], query: null,
      body: pairs([["email", "ana@example.com"], ["concept", "gift"], ["points", -20], ["description", "reintegro ñ/€"]]) }],
  ["transactions", (c) => c.customers.transactions({ document: "24.586.932" }, { concept: "purchase", from: "2024-01-01 00:00:00" }),
    { method: "GET", path: [lit("/multiusers/transactions")], query: [["document", "24.586.932"], ["concept", "purchase"], ["from", "2024-01-01 00:00:00"]], body: null }],
  ["list_customers", (c) => c.customers.list({ page: 2, limit: 50 }), { method: "GET", path: [lit("/users")], query: [["page", 2], ["limit", 50]], body: null }],
  ["remove_tags", (c) => c.customers.removeTags(77, ["vip", "web"]),
    { method: "PUT", path: [lit("/users/77")], query: null, body: pairs([["remove_tags", "vip,web"]]) }],
  ["create_purchase", (c) => c.purchases.create(PURCHASE), { method: "POST", path: [lit("/purchases")], query: null, body: input(PURCHASE) }],
  ["update_purchase", (c) => c.purchases.update(PURCHASE), { method: "PUT", path: [lit("/purchases")], query: null, body: input(PURCHASE) }],
  ["find_purchase", (c) => c.purchases.find("FAC 1/2"), { method: "GET", path: [lit("/purchases")], query: [["invoice_number", "FAC 1/2"]], body: null }],
  ["bulk_purchases", (c) => c.purchases.bulk(`[${PURCHASE}]`), { method: "POST", path: [lit("/purchases/bulk")], query: null, body: { kind: "list", texts: [PURCHASE] } }],
  ["card_iin", (c) => c.purchases.cardIin("450799"), { method: "GET", path: [lit("/purchases/iin/450799")], query: null, body: null }],
  ["create_product", (c) => c.products.create(PRODUCT), { method: "POST", path: [lit("/products")], query: null, body: input(PRODUCT) }],
  ["update_product", (c) => c.products.update("SKU/1?", PRODUCT), { method: "PUT", path: [lit("/products/"), ["id", "SKU/1?"]], query: null, body: input(PRODUCT) }],
  ["find_product", (c) => c.products.find("ñandú-1"), { method: "GET", path: [lit("/products/"), ["id", "ñandú-1"]], query: null, body: null }],
  ["product_exists", (c) => c.products.exist("A+B"), { method: "GET", path: [lit("/products/"), ["id", "A+B"], lit("/exist")], query: null, body: null }],
  ["search_products", (c) => c.products.search({ limit: 10, filters: { available: true, with_stock: "true" } }),
    { method: "GET", path: [lit("/products")], query: [["page", 0], ["limit", 10], ["available", "true"], ["with_stock", "true"]], body: null }],
  ["update_branch", (c) => c.branches.update("Palermo I", '{"name": "Palermo I", "is_web": false}'),
    { method: "PUT", path: [lit("/branches/"), ["branch", "Palermo I"]], query: null, body: input('{"name": "Palermo I", "is_web": false}') }],
  ["list_coupons", (c) => c.coupons.list({ status: "used", from: "2024-01-01", limit: 5 }),
    { method: "GET", path: [lit("/coupons")], query: [["status", "used"], ["from", "2024-01-01"], ["page", 0], ["limit", 5]], body: null }],
  ["set_coupon_status", (c) => c.coupons.setStatus("ABC-123", "used"), { method: "PUT", path: [lit("/coupons/ABC-123")], query: null, body: pairs([["status", "used"]]) }],
  ["benefits", (c) => c.benefits.list({ current: 5, outOfStock: 0, coming: 2 }),
    { method: "GET", path: [lit("/benefits")], query: [["currentbenefits", 5], ["outofstockbenefits", 0], ["comingbenefits", 2]], body: null }],
  ["create_event", (c) => c.events.create("black-friday"), { method: "POST", path: [lit("/events")], query: null, body: pairs([["name", "black-friday"]]) }],
  ["delete_category", (c) => c.categories.delete("ROPA/1", "ops@example.com"),
    { method: "DELETE", path: [lit("/categories")], query: null, body: pairs([["code", "ROPA/1"], ["notify_to", "ops@example.com"]]) }],
  ["stats", (c) => c.stats({ from: "2024-01-01", branch: "Shopping & Co" }),
    { method: "GET", path: [lit("/stats")], query: [["from", "2024-01-01"], ["branch", "Shopping & Co"]], body: null }],
];

/** The specs alone, as tests/php/woowup_v3.php reads them. */
export const V3_SPECS = V3_CASES.map(([name, , spec]) => ({ name, ...spec }));
