import { fileURLToPath } from "node:url";

// The suite lives in tests/js and tests/runtimes, outside this project: the repository is the root.
const root = fileURLToPath(new URL("../../../", import.meta.url));

export default {
  turbopack: { root },
  outputFileTracingRoot: root,
};
