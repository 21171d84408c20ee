// scripts/short-import-names.mjs WASM GLUE: gives the imports that wasm-bindgen's glue (GLUE, the
// `--target web` JS) provides to its wasm (module "./<name>_bg.js") short names, module and
// functions, in both files. wasm-bindgen names them `__wbg_<function>_<16 hex digits>`: in a
// page's few kilobytes (the widget entry's) those digits, twice, were about a tenth of the
// gzipped download. Every name must occur exactly once in the glue, else nothing is written and
// the build fails.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");
const glueModule = `./${basename(gluePath, ".js")}_bg.js`;
const shortModule = "w";

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}
const name = (text) => Buffer.concat([leb(Buffer.byteLength(text)), Buffer.from(text)]);
/** Import descriptions: kind byte, then a type index, a table/memory/global type. */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  if (kind === 0) return readLeb(bytes, at)[1]; // function: type index
  if (kind === 1) {
    at += 1; // reference type
    const flags = bytes[at++];
    at = readLeb(bytes, at)[1];
    return flags & 1 ? readLeb(bytes, at)[1] : at;
  }
  if (kind === 2) {
    const flags = bytes[at++];
    at = readLeb(bytes, at)[1];
    return flags & 1 ? readLeb(bytes, at)[1] : at;
  }
  if (kind === 3) return at + 2; // value type, mutability
  throw new Error(`import kind ${kind} is not handled`);
}

const parts = [wasm.subarray(0, 8)];
let at = 8;
let renamed = 0;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  const end = start + size;
  if (id === 7) {
    parts.push(shortExports(start, end));
  } else if (id !== 2) {
    parts.push(wasm.subarray(at, end));
  } else {
    const [count, first] = readLeb(wasm, start);
    const entries = [leb(count)];
    let p = first;
    for (let i = 0; i < count; i++) {
      const [moduleLength, m] = readLeb(wasm, p);
      const module = wasm.subarray(m, m + moduleLength).toString();
      const [fieldLength, f] = readLeb(wasm, m + moduleLength);
      const field = wasm.subarray(f, f + fieldLength).toString();
      const descriptionEnd = skipDescription(wasm, f + fieldLength);
      let newField = field;
      if (module === glueModule && /^__wbg_\w+_[0-9a-f]{16}$/.test(field)) {
        newField = `w${(renamed++).toString(36)}`;
        const uses = glue.split(field).length - 1;
        if (uses !== 1) throw new Error(`${field} occurs ${uses} times in ${gluePath}, not once`);
        glue = glue.replace(field, newField);
      }
      entries.push(name(module === glueModule ? shortModule : module), name(newField), wasm.subarray(f + fieldLength, descriptionEnd));
      p = descriptionEnd;
    }
    if (p !== end) throw new Error("the import section was not read to its end");
    const body = Buffer.concat(entries);
    parts.push(Buffer.from([2]), leb(body.length), body);
  }
  at = end;
}
/**
 * The export section with the exports the glue reads as `wasm.<name>` renamed `x<n>` there and
 * here (memory and exports the glue does not read keep their names).
 */
function shortExports(start, end) {
  const [count, first] = readLeb(wasm, start);
  const entries = [leb(count)];
  let p = first;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const [length, f] = readLeb(wasm, p);
    const field = wasm.subarray(f, f + length).toString();
    const kindAndIndex = f + length + 1;
    const descriptionEnd = readLeb(wasm, kindAndIndex)[1];
    const uses = new RegExp(`\\bwasm\\.${field}\\b`, "g");
    let newField = field;
    if (field !== "memory" && /^\w+$/.test(field) && glue.match(uses)) {
      newField = `x${(n++).toString(36)}`;
      glue = glue.replace(uses, `wasm.${newField}`);
    }
    entries.push(name(newField), wasm.subarray(f + length, descriptionEnd));
    p = descriptionEnd;
  }
  if (p !== end) throw new Error("the export section was not read to its end");
  const body = Buffer.concat(entries);
  return Buffer.concat([Buffer.from([7]), leb(body.length), body]);
}

const quotedModule = JSON.stringify(glueModule);
const moduleUses = glue.split(quotedModule).length - 1;
if (moduleUses !== 1) throw new Error(`${quotedModule} occurs ${moduleUses} times in ${gluePath}, not once`);
glue = glue.replace(quotedModule, JSON.stringify(shortModule));
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(`${basename(wasmPath)}: ${renamed} imports and the exports the glue reads renamed`);
