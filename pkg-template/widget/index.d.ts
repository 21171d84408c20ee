// `loyalty-connector/widget`: what a page needs to show the Lootly widget, on a wasm of a few
// kilobytes: the same functions (and rule) as the root entry's `lootly.mountWidget` and
// `lootly.widgetHtml` (`lootly.scriptTag`, for servers, is the root entry's). Props are a plain object (not JSON text), computed
// on the server with the root entry's `lootly.widgetProps`. Its LoyaltyError is this entry's own
// class (import it from here to test `instanceof`).
import type { lootly as core } from "../index.js";
export { LoyaltyError } from "../index.js";
export type { ErrorCode } from "../index.js";

/** What the widget div carries (`lootly.widgetProps` on the server computes it). */
export type WidgetProps = core.WidgetProps;

type DomElement = typeof globalThis extends { Element: { prototype: infer E } } ? E : never;
type DomDivElement = typeof globalThis extends { HTMLDivElement: { prototype: infer E } } ? E : never;

/**
 * Appends `div#lootly-widget` to the element (or the first match of a CSS selector) with DOM
 * calls, never HTML parsing, replaces a widget mounted before, and adds Lootly's script to the
 * page once. Returns the div.
 */
export function mountWidget(elementOrSelector: DomElement | string, props: WidgetProps): DomDivElement;

/** The widget div as HTML, every attribute value escaped (`htmlspecialchars`, ENT_QUOTES). */
export function widgetHtml(props: WidgetProps): string;

/** The two functions under the root entry's names: `lootly.mountWidget(…)`. */
export declare const lootly: {
  readonly mountWidget: typeof mountWidget;
  readonly widgetHtml: typeof widgetHtml;
};
