// The suite through loyalty-connector/lootly's browser entry.
import * as lib from "loyalty-connector/lootly";
import { runPageSuite } from "./page-suite.js";

window.runSuite = (vectorFiles) => runPageSuite({ lib, vectorFiles, subpath: "lootly" });
