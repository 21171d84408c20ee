// The page the widget mounts into (src/dom.rs): its document, or undefined outside a browser.
// One import instead of js-sys's search of the global object for `window`.
export function pageDocument() {
  return typeof document === "undefined" ? undefined : document;
}
