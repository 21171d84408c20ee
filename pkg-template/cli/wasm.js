// The command line's wasm: the same crate as the library's, built with the batch exports
// (feature `cli`, scripts/build-package) into cli/wasm/, so that the library's wasm, which
// browsers and Workers download, carries no batch code. Instantiated once, synchronously.
import { readFileSync } from "node:fs";
import * as wasm from "./wasm/loyalty_connector_cli.js";

wasm.initSync({ module: readFileSync(new URL("./wasm/loyalty_connector_cli_bg.wasm", import.meta.url)) });

export const lootly = {
  sign: wasm.lootlySign,
  verify: wasm.lootlyVerify,
  widgetProps: wasm.lootlyWidgetProps,
  widgetHtml: wasm.lootlyWidgetHtml,
  scriptTag: wasm.lootlyScriptTag,
};

export const {
  BatchRun,
  BatchPacer,
  BatchScan,
  batchOrderFiles,
  batchCheckMapping,
  batchIso8601,
  batchCheckIso8601,
  batchLogsTask,
  batchReadLogs,
} = wasm;
