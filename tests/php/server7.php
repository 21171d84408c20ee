<?php
// The differential test's second server (tests/differential.rs): Lootly's check of a received
// body as a PHP 7 server runs it, on real PHP 7.4 (`node tests/php7/run.mjs`). PHP 7 syntax only.
//
// Usage: php tests/php/server7.php BATCH API_SECRET
//
// BATCH holds records "<length>\n<bytes>\n" (length -1: no value), four per case: the payload
// text, then our body signed for an unknown PHP version, for PHP 8 and for PHP 7. For each case
// this prints four fields, "S<length>:<bytes>\n", "N\n" (no value), "F\n" (json_encode returned
// false), "T\n" / "X\n" (true / false):
//   1. json_encode(ksort(json_decode($t, true)))   N when that is not an array
//   2-4. whether the server accepts each body      N when we refused the payload

require __DIR__ . '/lootly.php';

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

/** The next record: a string, null for length -1, false at the end. */
function next_record($in)
{
    $line = fgets($in);
    if ($line === false) {
        return false;
    }
    $length = (int) $line;
    if ($length < 0) {
        fgets($in);
        return null;
    }
    $bytes = $length > 0 ? fread($in, $length) : '';
    while (strlen($bytes) < $length) {
        $bytes .= fread($in, $length - strlen($bytes));
    }
    fgetc($in);
    return $bytes;
}

$out = '';
while (($payload = next_record($in)) !== false) {
    $bodies = [next_record($in), next_record($in), next_record($in)];
    $assoc = json_decode($payload, true);
    if (json_last_error() === JSON_ERROR_NONE && is_array($assoc)) {
        ksort($assoc);
        $text = json_encode($assoc);
        $out .= $text === false ? "F\n" : 'S' . strlen($text) . ':' . $text . "\n";
    } else {
        $out .= "N\n";
    }
    foreach ($bodies as $body) {
        $out .= $body === null ? "N\n" : (lootly_server_accepts($body, $api_secret) ? "T\n" : "X\n");
    }
}
echo $out;
