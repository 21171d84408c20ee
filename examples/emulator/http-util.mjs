// Small HTTP helpers shared by the programs. A program handler receives a plain request object
// and returns a plain response object; only server.mjs touches node:http.
//
//   request:  { method, pathname, segments, rawQuery: Buffer, headers (lowercase names), body: Buffer, ip }
//   response: { status, headers, body (string | Buffer), verdict, detail? }
import { STATUS_CODES } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
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
