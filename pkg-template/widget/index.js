// `loyalty-connector/widget`: the Lootly widget for pages, on its own wasm of a few kilobytes
// (widget/ in the repository, the same rule as the core's lootly::widget). The wasm next to this
// file is fetched and compiled while the module loads (top-level await).
import init, { loyaltyErrorClass, mountWidget, scriptTag, widgetHtml } from "./loyalty_connector_widget.js";

await init();

export { mountWidget, scriptTag, widgetHtml };
export const lootly = Object.freeze({ mountWidget, scriptTag, widgetHtml });
export const LoyaltyError = loyaltyErrorClass();
