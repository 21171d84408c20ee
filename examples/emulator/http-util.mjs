// Small HTTP helpers shared by the programs. A program handler receives a plain request object
// and returns a plain response object; only server.mjs touches node:http.
//
//   request:  { method, pathname, segments, rawQuery: Buffer, headers (lowercase names), body: Buffer, ip }
//   response: { status, headers, body (string | Buffer), verdict, detail? }
import { STATUS_CODES } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Duplex } from 'node:stream';
import { jsonEncode, parseQuery, PhpEncodeError } from './php.mjs';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Reads the whole body, refusing more than `limit` bytes. */
export function readBody(req, limit = MAX_BODY_BYTES) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Splits a request target into its path and raw query. Node hands the target over as a latin1
 * string, so the query bytes are recovered exactly; path segments are percent-decoded.
 */
export function splitTarget(target) {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const rawQuery = Buffer.from(q < 0 ? '' : target.slice(q + 1), 'latin1');
  const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
  return { pathname: '/' + segments.join('/'), segments, rawQuery };
}

function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The query string as PHP's $_GET sees it. */
export function queryOf(request) {
  return parseQuery(request.rawQuery);
}

/** The query string as plain strings (last value wins), for endpoints that are not PHP. */
export function plainQuery(request) {
  return Object.fromEntries(new URLSearchParams(request.rawQuery.toString('utf8')));
}

export function isForm(request) {
  return /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
}

/** Laravel's isJson(): the Content-Type mentions /json or +json. */
export function isJsonRequest(request) {
  return /\/json|\+json/i.test(request.headers['content-type'] ?? '');
}

/** Laravel's expectsJson(): an XHR, or the first type in Accept mentions json. */
export function wantsJson(request) {
  if ((request.headers['x-requested-with'] ?? '').toLowerCase() === 'xmlhttprequest') return true;
  const first = (request.headers.accept ?? '').split(',')[0];
  return /\/json|\+json/i.test(first);
}

export function jsonResponse(status, value, extra = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json', ...(extra.headers ?? {}) },
    body: JSON.stringify(value),
    ...extra,
  };
}

/** A response whose body is json_encode of a PHP value, as a PHP server writes it. */
export function phpJsonResponse(status, phpValue, extra = {}) {
  return { status, headers: { 'content-type': 'application/json', ...(extra.headers ?? {}) }, body: jsonEncode(phpValue), ...extra };
}

export function emptyResponse(status, extra = {}) {
  return { status, headers: { 'content-type': 'text/html; charset=UTF-8', ...(extra.headers ?? {}) }, body: '', ...extra };
}

export function htmlPage(status, title, extra = {}) {
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n` +
    `<body><div class="code">${status}</div><div class="message">${title}</div></body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html; charset=UTF-8', ...(extra.headers ?? {}) }, body, ...extra };
}

export function reason(status) {
  return STATUS_CODES[status] ?? 'Error';
}

/** base64(HMAC-SHA256(text, secret)), as PHP's base64_encode(hash_hmac('sha256', …, true)). */
export function hmacBase64(text, secret) {
  return createHmac('sha256', secret).update(text).digest('base64');
}

/** hash_equals: constant time for equal lengths, false otherwise. */
export function hashEquals(known, given) {
  const a = Buffer.from(known);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** json_encode($value), or false (here: null) where PHP fails. */
export function jsonEncodeOrNull(value) {
  try {
    return jsonEncode(value);
  } catch (e) {
    if (e instanceof PhpEncodeError) return null;
    throw e;
  }
}

/** "yyyy-mm-dd hh:mm:ss" in UTC. */
export function sqlDateTime(date = new Date()) {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A body as text for the request log (bounded, invalid UTF-8 replaced). */
export function bodyForLog(body, limit = 65536) {
  const text = body.subarray(0, limit).toString('utf8');
  return body.length > limit ? `${text}… (${body.length} bytes)` : text;
}

/**
 * Percent-encodes the bytes ≥ 0x80 of each request line before Node's HTTP parser sees them.
 * Real web servers (nginx, Apache, PHP's) pass a raw UTF-8 query such as `?uid=日本-001` on to
 * the application, which decodes it exactly as `?uid=%E6%97%A5%E6%9C%AC-001`; Node's parser
 * answers a bare 400 instead. Only request lines are touched: heads are found by their blank
 * line and bodies skipped by Content-Length (a chunked body switches the connection to
 * pass-through, as does a head over 64 KiB).
 */
export class RequestLineEncoder {
  constructor() {
    this.pending = Buffer.alloc(0);
    this.bodyLeft = 0;
    this.passThrough = false;
  }

  /** The bytes to hand to the parser for this chunk, in order. */
  push(chunk) {
    const out = [];
    let data = chunk;
    while (data.length) {
      if (this.passThrough) {
        out.push(data);
        break;
      }
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, data.length);
        out.push(data.subarray(0, n));
        this.bodyLeft -= n;
        data = data.subarray(n);
        continue;
      }
      this.pending = Buffer.concat([this.pending, data]);
      data = Buffer.alloc(0);
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.pending.length > 65536) {
          this.passThrough = true;
          out.push(this.pending);
          this.pending = Buffer.alloc(0);
        }
        break;
      }
      const head = this.pending.subarray(0, end + 4);
      data = this.pending.subarray(end + 4);
      this.pending = Buffer.alloc(0);
      const lineEnd = head.indexOf('\r\n');
      out.push(percentEncodeHigh(head.subarray(0, lineEnd)), head.subarray(lineEnd));
      const text = head.toString('latin1');
      if (/\r\ntransfer-encoding:/i.test(text)) this.passThrough = true;
      else this.bodyLeft = Number(/\r\ncontent-length:[ \t]*(\d+)/i.exec(text)?.[1] ?? 0);
    }
    return out;
  }
}

function percentEncodeHigh(bytes) {
  if (!bytes.some((b) => b >= 0x80)) return bytes;
  let out = '';
  for (const b of bytes) out += b >= 0x80 ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b);
  return Buffer.from(out, 'latin1');
}

/**
 * The socket as a stream whose incoming request lines go through a RequestLineEncoder, for
 * `httpServer.emit('connection', …)`.
 */
export function acceptRawUtf8(socket) {
  const encoder = new RequestLineEncoder();
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, _encoding, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(error, done) {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  socket.on('data', (chunk) => {
    for (const part of encoder.push(chunk)) if (!stream.push(part)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('error', (e) => stream.destroy(e));
  socket.on('close', () => stream.destroy());
  stream.remoteAddress = socket.remoteAddress;
  stream.remotePort = socket.remotePort;
  for (const name of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    stream[name] = (...args) => {
      socket[name](...args);
      return stream;
    };
  }
  return stream;
}
