// `loyalty-connector/widget`: the Lootly widget for pages, on its own wasm of a few kilobytes
// (widget/ in the repository, the same rule as the core's lootly::widget). The wasm next to this
// file is fetched and compiled while the module loads (top-level await); wasm-bindgen's own
// loader is left out of the page (initSync takes the compiled module).
import { initSync, loyaltyErrorClass, mountWidget, widgetHtml } from "./loyalty_connector_widget.js";

const response = await fetch(new URL("./loyalty_connector_widget_bg.wasm", import.meta.url));
if (!response.ok) throw new Error(`loyalty-connector/widget: fetching its wasm failed (${response.status} ${response.url})`);
initSync({
  module: response.headers.get("Content-Type") === "application/wasm"
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer()),
});

export { mountWidget, widgetHtml };
export const lootly = Object.freeze({ mountWidget, widgetHtml });
export const LoyaltyError = loyaltyErrorClass();
