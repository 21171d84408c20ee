<?php
// The differential test's second server (tests/differential.rs): Lootly's check of a received
// body as a PHP 7 server runs it, on real PHP 7.4 (`node tests/php7/run.mjs`). PHP 7 syntax only.
//
// Usage: php tests/php/server7.php BATCH API_SECRET
//
// BATCH holds records (tests/php/records.php), four per case: the payload text, then our body
// signed for an unknown PHP version, for PHP 8 and for PHP 7. For each case this prints four
// fields (records.php's):
//   1. json_encode(ksort(json_decode($t, true)))   N when that is not an array
//   2-4. whether the server accepts each body      N when we refused the payload

require __DIR__ . '/lootly.php';
require __DIR__ . '/records.php';

set_error_handler(function ($no, $msg, $file, $line) {
    throw new ErrorException($msg, 0, $no, $file, $line);
});

$batch = isset($argv[1]) ? $argv[1] : null;
$api_secret = isset($argv[2]) ? $argv[2] : null;
if ($batch === null || $api_secret === null) {
    fwrite(fopen("php://stderr", "w"), "usage: php server7.php BATCH API_SECRET\n");
    exit(2);
}

$in = fopen($batch, 'rb');

$out = '';
while (($payload = next_record($in)) !== false) {
    $bodies = [next_record($in), next_record($in), next_record($in)];
    $assoc = json_decode($payload, true);
    if (json_last_error() === JSON_ERROR_NONE && is_array($assoc)) {
        ksort($assoc);
        $out .= field(json_encode($assoc));
    } else {
        $out .= "N\n";
    }
    foreach ($bodies as $body) {
        $out .= $body === null ? "N\n" : flag(lootly_server_accepts($body, $api_secret));
    }
}
echo $out;
