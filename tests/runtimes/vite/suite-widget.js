// tests/js/widget-suite.mjs through loyalty-connector/widget, bundled by Vite: the widget mounted
// inert, and widgetHtml/scriptTag against the root entry's on generated props.
import * as core from "loyalty-connector";
import * as widget from "loyalty-connector/widget";
import { collect } from "../../js/collect.mjs";
import { widgetSuite } from "../../js/widget-suite.mjs";

window.runSuite = () => collect((test) => widgetSuite({ test, widget, core, provider: location.origin }));
