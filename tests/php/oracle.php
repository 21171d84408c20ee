<?php
// The differential test's oracle (tests/differential.rs): one php-cli process answers for every
// payload of a batch file.
//
// Usage: php tests/php/oracle.php BATCH API_KEY API_SECRET
//
// BATCH holds records (tests/php/records.php): for each case the payload text, then our signed
// body for it (length -1 when our sign refused the payload). For each case this prints ten
// fields, each "S<length>:<bytes>\n" (a string), "N\n" (no value) or "F\n" (json_encode
// returned false), "T\n" / "X\n" (true / false):
//   1. json_encode(json_decode($t, true))       N when json_decode fails
//   2. json_encode(json_decode($t))             N when json_decode fails
//   3. http_build_query(json_decode($t, true))  N when that is not an array
//   4. T when the guide's client can sign it (an array without hmac, _url, or a key other than API_KEY)
//   5-7. the guide's canonical, hmac and body  (N when 4 is X; F when json_encode fails)
//   8. whether the server accepts the guide's body
//   9. whether the server accepts our body      (N when we refused the payload)
//  10. http_build_query(json_decode($t))        N when that is neither an array nor an object

require __DIR__ . '/lootly.php';
require __DIR__ . '/records.php';

set_error_handler(function (int $no, string $msg, string $file, int $line) {
    throw new ErrorException($msg, 0, $no, $file, $line);
});

[, $batch, $api_key, $api_secret] = $argv + [null, null, null, null];
if ($batch === null || $api_key === null || $api_secret === null) {
    fwrite(STDERR, "usage: php oracle.php BATCH API_KEY API_SECRET\n");
    exit(2);
}

$in = fopen($batch, 'rb');

$out = '';
while (($payload = next_record($in)) !== false) {
    $ours = next_record($in);
    if ($ours === false) {
        throw new RuntimeException('batch file ends inside a case');
    }
    $assoc = json_decode($payload, true);
    $assoc_ok = json_last_error() === JSON_ERROR_NONE;
    $objects = json_decode($payload);
    $objects_ok = json_last_error() === JSON_ERROR_NONE;
    $out .= field($assoc_ok ? json_encode($assoc) : null);
    $out .= field($objects_ok ? json_encode($objects) : null);
    $is_array = $assoc_ok && is_array($assoc);
    $out .= field($is_array ? http_build_query($assoc) : null);
    $signable = $is_array && !array_key_exists('hmac', $assoc) && !array_key_exists('_url', $assoc)
        && (!array_key_exists('key', $assoc) || $assoc['key'] === $api_key);
    if ($signable) {
        [$canonical, $hmac, $body] = lootly_guide_sign($assoc, $api_key, $api_secret);
        $out .= "T\n" . field($canonical) . field($hmac) . field($body);
        $out .= flag($body !== false && lootly_server_accepts($body, $api_secret));
    } else {
        $out .= "X\nN\nN\nN\nX\n";
    }
    $out .= $ours === null ? "N\n" : flag(lootly_server_accepts($ours, $api_secret));
    $out .= field($objects_ok && (is_array($objects) || is_object($objects)) ? http_build_query($objects) : null);
    if (strlen($out) > (1 << 20)) {
        fwrite(STDOUT, $out);
        $out = '';
    }
}
fwrite(STDOUT, $out);
