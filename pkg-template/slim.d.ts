// `loyalty-connector/slim`: the package's namespaces once `init` or `initSync` has run.
export { lootly, php, woowup, LoyaltyError } from "./index.js";
export type { ErrorCode, GetRequest, JsonObject, JsonValue, PostRequest } from "./index.js";

/** What `init` loads the wasm from; a string or URL is fetched. */
export type InitInput = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | URL | string;

/**
 * Instantiates the wasm (loyalty-connector/loyalty_connector_bg.wasm) from `input`; without one,
 * fetches the .wasm next to this module. The namespaces are bound when the promise resolves;
 * later calls resolve at once.
 */
export function init(input?: InitInput | PromiseLike<InitInput>): Promise<void>;

/** Instantiates the wasm synchronously from a compiled module or its bytes. */
export function initSync(input: WebAssembly.Module | ArrayBuffer | ArrayBufferView): void;
