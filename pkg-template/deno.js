// Deno (1.46 as Supabase Edge Functions run it, and every 2.x): reading the package's own .wasm
// file would need --allow-read, and `import source` needs Deno 2.6, so the wasm comes embedded in
// a module (gzip, then base64: wasm-deno.js, written by make package), decompressed with the
// platform's DecompressionStream and instantiated at import time. No permission is needed.
import gzipBase64 from "./wasm-deno.js";
import { initSync } from "./loyalty_connector.js";
import { api } from "./api.js";

const gzipped = Uint8Array.from(atob(gzipBase64), (c) => c.charCodeAt(0));
const unzipped = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream("gzip"));
initSync({ module: new Uint8Array(await new Response(unzipped).arrayBuffer()) });

export const { lootly, php, woowup, LoyaltyError } = api();
