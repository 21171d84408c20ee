// `loyalty-connector/lootly`: the package's `lootly` and `php` namespaces on a wasm built without
// WoowUp, about half the bytes, for pages and Workers that only talk to Lootly. The same types as
// the root entry's; its LoyaltyError is this entry's own class (import everything from one entry).
export { lootly, php, LoyaltyError } from "../index.js";
export type { ErrorCode, GetRequest, JsonObject, JsonValue, PostRequest } from "../index.js";
