// `loyalty-connector/lootly/slim`: loyalty-connector/lootly with a manual init (see ../slim.d.ts).
export { lootly, php, LoyaltyError } from "../index.js";
export type { ErrorCode, GetRequest, JsonObject, JsonValue, PostRequest } from "../index.js";
export type { InitInput } from "../slim.js";
export { init, initSync } from "../slim.js";
