<?php
// Lootly's webhook verification done by PHP itself: a router script for PHP's built-in server.
//
//   php -S 127.0.0.1:8791 examples/emulator/php/lootly-verifier.php
//
// POST /integrations/webhooks/{slug}/{type} is checked as Lootly's server checks it: the body
// decoded with json_decode($body, true) (or $_POST for a form body), plus the query parameters,
// without `hmac` and `_url`, ksort, json_encode with default flags, HMAC-SHA256 with the merchant's
// secret, base64, hash_equals. Answers: 500 for an unknown slug, 401 for an unknown key or a bad
// signature ({"message":"Unauthenticated."} with Accept: application/json, else an HTML page),
// 201 for an unknown type, 200 otherwise (body [] for key-verify). It runs no jobs: it is the
// reference for the signature only, to compare with the Node emulator.
//
// GET  /_verifier/log     the accepted requests, as a JSON list (also kept as JSON lines in the log file)
// POST /_verifier/reset   empties the log
//
// Environment: LOOTLY_VERIFIER_CONFIG  the emulator config file with the merchants (default ../config.json)
//              LOOTLY_VERIFIER_LOG     the JSON-lines log (default <temp dir>/lootly-verifier-<port>.jsonl)

const SLUGS = ['common', 'custom-api', 'woocommerce', 'magento'];
const TYPES = [
    'orders-completed', 'orders-paid', 'orders-fulfilled', 'orders-processing', 'orders-cancelled',
    'refunds-create', 'customers-create', 'points-add', 'points-subtract', 'key-verify', 'app-installed',
];

$configPath = getenv('LOOTLY_VERIFIER_CONFIG') ?: __DIR__ . '/../config.json';
$logPath = getenv('LOOTLY_VERIFIER_LOG') ?: sys_get_temp_dir() . '/lootly-verifier-' . $_SERVER['SERVER_PORT'] . '.jsonl';
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$method = $_SERVER['REQUEST_METHOD'];

function wantsJson(): bool
{
    $first = explode(',', $_SERVER['HTTP_ACCEPT'] ?? '')[0];
    return strpos($first, '/json') !== false || strpos($first, '+json') !== false;
}

function answer(int $status, ?string $message = null): void
{
    http_response_code($status);
    if ($message === null) {
        header('Content-Type: text/html; charset=UTF-8');
        return;
    }
    if (wantsJson()) {
        header('Content-Type: application/json');
        echo json_encode(['message' => $message]);
    } else {
        header('Content-Type: text/html; charset=UTF-8');
        echo "<!DOCTYPE html>\n<html><head><title>$status</title></head><body>$status " . htmlspecialchars($message) . "</body></html>\n";
    }
}

if ($path === '/_verifier/log') {
    if ($method === 'GET') {
        $lines = is_file($logPath) ? file($logPath, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
        header('Content-Type: application/json');
        echo '[' . implode(',', $lines) . ']';
    } else {
        answer(405, 'Method Not Allowed');
    }
    return true;
}
if ($path === '/_verifier/reset' && $method === 'POST') {
    file_put_contents($logPath, '');
    header('Content-Type: application/json');
    echo '{"ok":true}';
    return true;
}

if (!preg_match('#^/integrations/webhooks/([^/]+)/([^/]+)$#', $path, $m)) {
    answer(404, 'Not Found');
    return true;
}
if ($method !== 'POST') {
    answer(405, "The $method method is not supported for this route.");
    return true;
}
[, $slug, $type] = $m;
if (!in_array($slug, SLUGS, true)) {
    answer(500, 'Server Error');
    return true;
}

// $request->all(): the JSON body (for a JSON Content-Type) or the form body, plus the query.
$raw = file_get_contents('php://input');
$contentType = $_SERVER['CONTENT_TYPE'] ?? '';
if (strpos($contentType, '/json') !== false || strpos($contentType, '+json') !== false) {
    $body = (array) json_decode($raw, true);
} else {
    $body = $_POST;
}
$params = $body + $_GET;

$config = json_decode((string) file_get_contents($configPath), true);
$merchant = null;
foreach ($config['lootly']['merchants'] ?? [] as $candidate) {
    if (isset($params['key']) && is_scalar($params['key']) && (string) $params['key'] === $candidate['api_key']) {
        $merchant = $candidate;
    }
}
$given = $params['hmac'] ?? null;
unset($params['hmac'], $params['_url']);
ksort($params);
$canonical = (string) json_encode($params);
$expected = $merchant ? base64_encode(hash_hmac('sha256', $canonical, $merchant['api_secret'], true)) : null;
if (!$merchant || !is_string($given) || !hash_equals($expected, $given)) {
    answer(401, 'Unauthenticated.');
    return true;
}
if (!in_array($type, TYPES, true) || ($type === 'app-installed' && $slug !== 'custom-api')) {
    answer(201);
    return true;
}

$entry = [
    'at' => gmdate('c'), 'slug' => $slug, 'type' => $type, 'api_key' => $merchant['api_key'],
    'canonical' => $canonical, 'body' => $raw, 'query' => $_SERVER['QUERY_STRING'] ?? '',
];
file_put_contents($logPath, json_encode($entry, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n", FILE_APPEND | LOCK_EX);
answer(200);
if ($type === 'key-verify') {
    header('Content-Type: application/json');
    echo '[]';
}
return true;
