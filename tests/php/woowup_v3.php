<?php
// The WoowUp API v3 requests of tests/woowup_v3_requests.rs, built the way WoowUp's official PHP
// clients build them: URL = base . path, an id or sku in the path as
// urlencode(base64_encode($id)), a branch name as base64_encode($name), GET parameters by
// http_build_query, bodies by json_encode with default flags. A body given as JSON text is what
// a PHP program holds after json_decode($text) (objects kept as objects).
//
// Reads the cases as JSON on stdin:
//   [{"name", "method", "path": [["lit"|"id"|"branch", text], …], "query": [[key, value], …] | null,
//     "body": null | {"kind": "input", "text"} | {"kind": "pairs", "pairs": [[key, value], …]}
//                  | {"kind": "list", "texts": [text, …]}}, …]
// and prints [{"name", "method", "url", "body"}, …].
// Usage: php tests/php/woowup_v3.php < cases.json

$base = 'https://api.woowup.com/apiv3';
$cases = json_decode(stream_get_contents(STDIN), true);
if (!is_array($cases)) {
    fwrite(STDERR, "the cases must be a JSON array\n");
    exit(1);
}
$out = [];
foreach ($cases as $c) {
    $path = '';
    foreach ($c['path'] as [$kind, $text]) {
        if ($kind === 'lit') {
            $path .= $text;
        } elseif ($kind === 'id') {
            $path .= urlencode(base64_encode($text));
        } elseif ($kind === 'branch') {
            $path .= base64_encode($text);
        } else {
            fwrite(STDERR, "unknown path part $kind\n");
            exit(1);
        }
    }
    $url = $base . $path;
    if ($c['query'] !== null) {
        $query = [];
        foreach ($c['query'] as [$k, $v]) {
            $query[$k] = $v;
        }
        $q = http_build_query($query);
        if ($q !== '') {
            $url .= '?' . $q;
        }
    }
    $body = null;
    $b = $c['body'];
    if ($b !== null) {
        if ($b['kind'] === 'input') {
            $body = json_encode(json_decode($b['text']));
        } elseif ($b['kind'] === 'pairs') {
            $fields = [];
            foreach ($b['pairs'] as [$k, $v]) {
                $fields[$k] = $v;
            }
            $body = json_encode($fields);
        } elseif ($b['kind'] === 'list') {
            $body = json_encode(array_map(fn ($t) => json_decode($t), $b['texts']));
        }
    }
    $out[] = ['name' => $c['name'], 'method' => $c['method'], 'url' => $url, 'body' => $body];
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
