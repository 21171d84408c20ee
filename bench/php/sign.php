<?php
// The guide's PHP client (tests/php/lootly.php, the code Lootly's guide gives) over the same
// orders the Node signers sign, timing itself with hrtime; and the share of the PHP vectors it
// signs byte-identically (it generated them, so this is its own consistency).
// Usage: php bench/php/sign.php ORDERS.jsonl ITERATIONS VECTORS.json [ROUNDTRIPPED.json]
// Prints one JSON line: {"ns_per_op": …, "ops": …, "correct": …, "total": …}. With
// ROUNDTRIPPED.json (the vectors' params after JSON.stringify(JSON.parse(…)) in JavaScript, in
// order) it also names the vectors whose params a JS object cannot hold: PHP decodes the
// round-tripped text to something else (`lost_in_js`).
require __DIR__ . '/../../tests/php/lootly.php';

[, $orders_path, $iterations, $vectors_path] = $argv;
$iterations = (int) $iterations;
// Object in: the orders as PHP arrays, decoded before the clock starts.
$orders = array_map(fn ($line) => json_decode($line, true), array_values(array_filter(file($orders_path, FILE_IGNORE_NEW_LINES))));
$n = count($orders);
$sink = 0;
$start = hrtime(true);
for ($i = 0; $i < $iterations; $i++) {
    [, $hmac, $body] = lootly_guide_sign($orders[$i % $n], 'bench-api-key', 'bench-api-secret');
    $sink += strlen($body);
}
$elapsed = hrtime(true) - $start;

$correct = 0;
$vectors = json_decode(file_get_contents($vectors_path), true)['vectors'];
foreach ($vectors as $v) {
    [, $hmac, $body] = lootly_guide_sign(json_decode($v['params'], true), $v['api_key'], $v['api_secret']);
    if ($hmac === $v['hmac'] && $body === $v['body']) {
        $correct++;
    }
}
$lost = [];
if (isset($argv[4])) {
    $roundtripped = json_decode(file_get_contents($argv[4]), true);
    foreach ($vectors as $i => $v) {
        if (json_encode(json_decode($v['params'], true)) !== json_encode(json_decode($roundtripped[$i], true))) {
            $lost[] = $v['name'];
        }
    }
}
echo json_encode(['lost_in_js' => $lost, 'ns_per_op' => $elapsed / $iterations, 'ops' => $iterations, 'correct' => $correct,
    'total' => count($vectors), 'sink' => $sink, 'php' => PHP_VERSION]), "\n";
