// The files of tests/vectors/ (or $LOYALTY_VECTORS) as { "name.json": text }; none yet is fine.
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const VECTORS_DIR = process.env.LOYALTY_VECTORS || new URL("../vectors/", import.meta.url).pathname;

export function readVectorFiles(dir = VECTORS_DIR) {
  if (!existsSync(dir)) return {};
  const names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  return Object.fromEntries(names.map((name) => [name, readFileSync(`${dir}/${name}`, "utf8")]));
}
