// The suite through the package's browser entry (the wasm fetched next to its JS).
import * as lib from "loyalty-connector";
import { runPageSuite } from "./page-suite.js";

window.runSuite = (vectorFiles) => runPageSuite({ lib, vectorFiles });
